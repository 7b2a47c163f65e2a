"""The administrator's changes to the holidays that working-day counts skip (issue 15,
point 5). Every change is one audit event, inside the change's transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.audit.chain import record
from thidua.lib.dates import format_vn_date
from thidua.lib.text import nfc

from .models import Holiday


def _values(holiday: Holiday) -> dict[str, Any]:
    return {"day": holiday.day.isoformat(), "name": holiday.name}


def _check(day: dt.date, name: str, exclude: int | None = None) -> str:
    name = nfc(name)
    if not name:
        raise ValidationError(_("A holiday needs a name."))
    same = Holiday.objects.filter(day=day)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationError(_("%(day)s is already a holiday.") % {"day": format_vn_date(day)})
    return name


@transaction.atomic
def create_holiday(*, day: dt.date, name: str, by: Any) -> Holiday:
    holiday = Holiday.objects.create(day=day, name=_check(day, name))
    record(
        "council.holiday.create",
        by=by,
        object_type="council.holiday",
        object_id=holiday.pk,
        after=_values(holiday),
    )
    return holiday


@transaction.atomic
def update_holiday(holiday: Holiday, *, day: dt.date, name: str, by: Any) -> Holiday:
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    before = _values(holiday)
    holiday.name = _check(day, name, exclude=holiday.pk)
    holiday.day = day
    if _values(holiday) != before:
        holiday.save(update_fields=["day", "name"])
        record(
            "council.holiday.update",
            by=by,
            object_type="council.holiday",
            object_id=holiday.pk,
            before=before,
            after=_values(holiday),
        )
    return holiday


@transaction.atomic
def delete_holiday(holiday: Holiday, *, by: Any) -> None:
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    before, pk = _values(holiday), holiday.pk
    holiday.delete()
    record(
        "council.holiday.delete", by=by, object_type="council.holiday", object_id=pk, before=before
    )
