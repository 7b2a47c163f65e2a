"""Which movement a unit takes part in, in a year: the movements whose organisation's subtree
holds the unit and whose years (the movement's own, or one of its phases') cover the year. The
apps above (reporting, evaluation, awards) read the forms, rubrics and titles of that movement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from thidua.org import tree

from .models import Movement


def covers(year: int) -> Q:
    """Movements running in `year` (a phase may start before the movement's first year)."""
    return Q(start_year__lte=year, end_year__gte=year) | Q(
        phases__start_year__lte=year, phases__end_year__gte=year
    )


def movements_of(unit_id: int, year: int) -> list[Movement]:
    """The movements the unit takes part in during `year`, oldest first."""
    day = dt.date(year, 12, 31)
    above = set(tree.ancestor_ids(unit_id, day)) | {unit_id}
    if not tree.ancestor_ids(unit_id, day):  # closed before the year's end: its last place
        above |= set(tree.ancestor_ids(unit_id, dt.date(year, 1, 1)))
    rows = Movement.objects.filter(covers(year), organisation_id__in=above).distinct()
    return list(rows.order_by("pk"))


def movement_for(unit_id: int, year: int, chosen: Any = None) -> Movement | None:
    """The unit's movement in `year`: the one `chosen` (a movement id, e.g. the page's
    `movement` parameter) if the unit takes part in it, else the first of the unit's movements
    (the oldest); None when the unit takes part in none."""
    movements = movements_of(unit_id, year)
    for movement in movements:
        if str(movement.pk) == str(chosen):
            return movement
    return movements[0] if movements else None
