"""Changes to the tree and to staff records. Each reorganisation is one dated event that
closes what ended and opens what began; history is never rewritten (DESIGN.md §3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.lib.dates import OPEN_END, format_vn_date
from thidua.lib.text import fold, nfc, vn_sort_key

from . import tree
from .models import (
    OrgLevel,
    OrgUnit,
    OrgUnitVersion,
    Person,
    Position,
    Reorganisation,
    ReorgLink,
    TreePath,
)


@dataclass(frozen=True)
class NewUnit:
    """What is needed to open a unit (create, or the result of a merge or split)."""

    code: str
    name: str
    level: OrgLevel
    parent: OrgUnit | None
    kind: str = OrgUnit.Kind.AGENCY
    budget_role: str = OrgUnit.BudgetRole.NONE
    staff_count: int = 0


def refresh_search_key(unit: OrgUnit) -> None:
    names = set(unit.versions.values_list("name", flat=True)) | {unit.name}
    unit.search_key = fold(" ".join([unit.code, *sorted(names)]))[:1000]
    unit.save(update_fields=["search_key"])


def _require_open(unit: OrgUnit, day: dt.date) -> None:
    if not unit.is_open_on(day):
        raise ValidationError(
            _("Unit %(code)s is not in operation on %(date)s.")
            % {"code": unit.code, "date": format_vn_date(day)}
        )


def _require_after_last_change(unit: OrgUnit, day: dt.date) -> OrgUnitVersion:
    version = unit.versions.filter(valid_to=OPEN_END).first()
    if version is None or version.valid_from >= day:
        raise ValidationError(
            _("Unit %(code)s already changed on or after %(date)s; events are recorded in order.")
            % {"code": unit.code, "date": format_vn_date(day)}
        )
    return version  # type: ignore[no-any-return]


def _event(
    kind: str,
    day: dt.date,
    subject: OrgUnit | None,
    by: Any,
    legal_basis: str,
    note: str,
    **details: Any,
) -> Reorganisation:
    return Reorganisation.objects.create(
        kind=kind,
        date=day,
        subject=subject,
        created_by=by,
        legal_basis=nfc(legal_basis),
        note=nfc(note),
        details=details,
    )


def _open_unit(spec: NewUnit, day: dt.date) -> OrgUnit:
    code = nfc(spec.code)
    if not code or not nfc(spec.name):
        raise ValidationError(_("A unit needs a code and a name."))
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationError(_("The code %(code)s is already used.") % {"code": code})
    if spec.parent is not None:
        _require_open(spec.parent, day)
    unit = OrgUnit(
        code=code,
        name=nfc(spec.name),
        level=spec.level,
        kind=spec.kind,
        budget_role=spec.budget_role,
        staff_count=spec.staff_count,
        valid_from=day,
    )
    unit.full_clean(exclude=["search_key"])
    unit.save()
    OrgUnitVersion.objects.create(unit=unit, name=unit.name, parent=spec.parent, valid_from=day)
    rows = [TreePath(ancestor=unit, descendant=unit, depth=0, valid_from=day)]
    if spec.parent is not None:
        above = TreePath.objects.at(day).filter(descendant=spec.parent)
        rows += [
            TreePath(ancestor_id=p.ancestor_id, descendant=unit, depth=p.depth + 1, valid_from=day)
            for p in above
        ]
    TreePath.objects.bulk_create(rows)
    refresh_search_key(unit)
    return unit


@transaction.atomic
def create_unit(
    spec: NewUnit, *, day: dt.date, by: Any = None, legal_basis: str = "", note: str = ""
) -> OrgUnit:
    """Open a new unit under `spec.parent` from `day`."""
    unit = _open_unit(spec, day)
    _event(Reorganisation.Kind.CREATE, day, unit, by, legal_basis, note)
    return unit


@transaction.atomic
def rename_unit(
    unit: OrgUnit,
    new_name: str,
    *,
    day: dt.date,
    by: Any = None,
    legal_basis: str = "",
    note: str = "",
) -> Reorganisation:
    """From `day` the unit bears `new_name` (e.g. Thừa Thiên Huế → Huế on 01/01/2025)."""
    name = nfc(new_name)
    if not name:
        raise ValidationError(_("The new name is empty."))
    _require_open(unit, day)
    version = _require_after_last_change(unit, day)
    if version.name == name:
        raise ValidationError(_("The unit already bears this name."))
    version.valid_to = day
    version.save(update_fields=["valid_to"])
    OrgUnitVersion.objects.create(unit=unit, name=name, parent=version.parent, valid_from=day)
    old = unit.name
    unit.name = name
    unit.save(update_fields=["name"])
    refresh_search_key(unit)
    return _event(
        Reorganisation.Kind.RENAME, day, unit, by, legal_basis, note, old_name=old, new_name=name
    )


def _reparent(unit: OrgUnit, new_parent: OrgUnit | None, day: dt.date) -> None:
    """Close the subtree's links to its old ancestors on `day` and open them to the new ones."""
    version = _require_after_last_change(unit, day)
    inside = TreePath.objects.at(day).filter(ancestor=unit)
    inside_depth = dict(inside.values_list("descendant_id", "depth"))
    if new_parent is not None and new_parent.pk in inside_depth:
        raise ValidationError(
            _("Moving %(code)s under its own subtree would make a cycle.") % {"code": unit.code}
        )
    outside = (
        TreePath.objects.at(day)
        .filter(descendant_id__in=list(inside_depth), depth__gt=0)
        .exclude(ancestor_id__in=list(inside_depth))
    )
    outside.filter(valid_from=day).delete()
    outside.update(valid_to=day)
    if new_parent is not None:
        above = list(TreePath.objects.at(day).filter(descendant=new_parent))
        TreePath.objects.bulk_create(
            TreePath(
                ancestor_id=p.ancestor_id,
                descendant_id=d,
                depth=p.depth + 1 + depth,
                valid_from=day,
            )
            for d, depth in inside_depth.items()
            for p in above
        )
    version.valid_to = day
    version.save(update_fields=["valid_to"])
    OrgUnitVersion.objects.create(unit=unit, name=version.name, parent=new_parent, valid_from=day)


@transaction.atomic
def move_unit(
    unit: OrgUnit,
    new_parent: OrgUnit | None,
    *,
    day: dt.date,
    by: Any = None,
    legal_basis: str = "",
    note: str = "",
) -> Reorganisation:
    """From `day` the unit and its subtree sit under `new_parent`."""
    _require_open(unit, day)
    if new_parent is not None:
        _require_open(new_parent, day)
    old = tree.version_at(unit.pk, day)
    _reparent(unit, new_parent, day)
    return _event(
        Reorganisation.Kind.MOVE,
        day,
        unit,
        by,
        legal_basis,
        note,
        old_parent=old.parent_id if old else None,
        new_parent=new_parent.pk if new_parent else None,
    )


def _close(unit: OrgUnit, day: dt.date) -> None:
    if tree.children_ids(unit.pk, day):
        raise ValidationError(
            _("Unit %(code)s still has units under it on %(date)s; move or close them first.")
            % {"code": unit.code, "date": format_vn_date(day)}
        )
    version = _require_after_last_change(unit, day)
    version.valid_to = day
    version.save(update_fields=["valid_to"])
    # Closure rows opened on `day` itself (an ancestor moved or split that day) would become
    # empty periods: they never held, so they go, as in _reparent.
    open_rows = TreePath.objects.filter(descendant=unit, valid_to=OPEN_END)
    open_rows.filter(valid_from=day).delete()
    open_rows.update(valid_to=day)
    unit.valid_to = day
    unit.save(update_fields=["valid_to"])
    Position.objects.filter(unit=unit, valid_to=OPEN_END, valid_from__lt=day).update(valid_to=day)


def _link(event: Reorganisation, predecessor: OrgUnit, successor: OrgUnit) -> None:
    ReorgLink.objects.create(
        event=event, predecessor=predecessor, successor=successor, date=event.date
    )


@transaction.atomic
def close_unit(
    unit: OrgUnit,
    *,
    day: dt.date,
    successor: OrgUnit | None = None,
    by: Any = None,
    legal_basis: str = "",
    note: str = "",
) -> Reorganisation:
    """The unit ceases on `day`; its work passes to `successor` if one is named."""
    _require_open(unit, day)
    if successor is not None:
        _require_open(successor, day)
    _close(unit, day)
    event = _event(Reorganisation.Kind.CLOSE, day, unit, by, legal_basis, note)
    if successor is not None:
        _link(event, unit, successor)
    return event


@transaction.atomic
def merge_units(
    sources: list[OrgUnit],
    *,
    day: dt.date,
    into: OrgUnit | None = None,
    new: NewUnit | None = None,
    by: Any = None,
    legal_basis: str = "",
    note: str = "",
) -> OrgUnit:
    """Merge `sources` into an existing unit (`into`, which continues) or into a `new` one.
    The sources' units below move to the target; the sources close on `day`."""
    if (into is None) == (new is None):
        raise ValidationError(_("A merge needs exactly one target: an existing unit or a new one."))
    if not sources:
        raise ValidationError(_("A merge needs at least one unit to merge."))
    if into is not None:
        if not into.is_open_on(day):
            raise ValidationError(
                _("Cannot merge into %(code)s: it is closed on %(date)s.")
                % {"code": into.code, "date": format_vn_date(day)}
            )
        if any(s.pk == into.pk for s in sources):
            raise ValidationError(_("A unit cannot be merged into itself."))
    for source in sources:
        _require_open(source, day)
    target = into if into is not None else _open_unit(new, day)  # type: ignore[arg-type]
    event = _event(
        Reorganisation.Kind.MERGE,
        day,
        target,
        by,
        legal_basis,
        note,
        sources=[s.code for s in sources],
    )
    for source in sources:
        for child_id in tree.children_ids(source.pk, day):
            _reparent(OrgUnit.objects.get(pk=child_id), target, day)
        _close(source, day)
        _link(event, source, target)
    return target


@transaction.atomic
def split_unit(
    source: OrgUnit,
    parts: list[NewUnit],
    *,
    day: dt.date,
    children: dict[int, int] | None = None,
    by: Any = None,
    legal_basis: str = "",
    note: str = "",
) -> list[OrgUnit]:
    """Split `source` into new units on `day`. `children` maps each unit under the source
    to the index of the part that takes it; every child must be placed."""
    _require_open(source, day)
    if len(parts) < 2:
        raise ValidationError(_("A split needs at least two resulting units."))
    mapping = children or {}
    orphans = [c for c in tree.children_ids(source.pk, day) if c not in mapping]
    if orphans:
        raise ValidationError(_("Every unit under the split unit must be assigned to a part."))
    created = [_open_unit(p, day) for p in parts]
    event = _event(
        Reorganisation.Kind.SPLIT,
        day,
        source,
        by,
        legal_basis,
        note,
        parts=[u.code for u in created],
    )
    for child_id, index in mapping.items():
        _reparent(OrgUnit.objects.get(pk=child_id), created[index], day)
    _close(source, day)
    for unit in created:
        _link(event, source, unit)
    return created


@transaction.atomic
def assign_position(person: Person, unit: OrgUnit, title: str, *, day: dt.date) -> Position:
    """From `day` the person holds `title` in `unit`; the previous position ends that day."""
    _require_open(unit, day)
    current = person.positions.filter(valid_to=OPEN_END).first()
    if current is not None:
        if current.valid_from >= day:
            raise ValidationError(_("The person's current position starts on or after this date."))
        current.valid_to = day
        current.save(update_fields=["valid_to"])
    position = Position(person=person, unit=unit, title=nfc(title), valid_from=day)
    position.full_clean()
    position.save()
    return position


def save_person(person: Person) -> Person:
    person.full_name = nfc(person.full_name)
    person.code = nfc(person.code)
    person.search_key = fold(f"{person.full_name} {person.code}")
    person.sort_key = vn_sort_key(person.full_name, given_name_first=True)
    person.full_clean(exclude=["search_key", "sort_key"])
    person.save()
    return person
