"""The administrator's changes to the levels of the hierarchy (issue 15, point 5): add, rename,
reorder, and delete a level nobody uses. Every change is one audit event, inside the change's
transaction; the caller has checked who may make it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from thidua.audit.chain import record
from thidua.lib.text import fold, nfc

from .models import OrgLevel

MAX_RANK = 99


def _values(level: OrgLevel) -> dict[str, Any]:
    return {"code": level.code, "name": level.name, "name_en": level.name_en, "rank": level.rank}


def _check(name: str, rank: int, exclude: int | None = None) -> str:
    name = nfc(name)
    if not name:
        raise ValidationError(_("A level needs a name."))
    if not 0 <= rank <= MAX_RANK:
        raise ValidationError(
            _("The order of a level is a whole number from 0 to %(max)d.") % {"max": MAX_RANK}
        )
    same = OrgLevel.objects.filter(name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationError(_("A level named “%(name)s” already exists.") % {"name": name})
    return name


def _new_code(name: str) -> str:
    base = slugify(fold(name))[:34] or "level"
    code, n = base, 1
    while OrgLevel.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def create_level(*, name: str, name_en: str, rank: int, by: Any) -> OrgLevel:
    name = _check(name, rank)
    level = OrgLevel.objects.create(
        code=_new_code(name), name=name, name_en=nfc(name_en), rank=rank
    )
    record(
        "org.level.create", by=by, object_type="org.level", object_id=level.pk, after=_values(level)
    )
    return level


@transaction.atomic
def update_level(level: OrgLevel, *, name: str, name_en: str, rank: int, by: Any) -> OrgLevel:
    level = OrgLevel.objects.select_for_update().get(pk=level.pk)
    before = _values(level)
    level.name = _check(name, rank, exclude=level.pk)
    level.name_en = nfc(name_en)
    level.rank = rank
    if _values(level) == before:
        return level
    level.save(update_fields=["name", "name_en", "rank"])
    record(
        "org.level.update",
        by=by,
        object_type="org.level",
        object_id=level.pk,
        before=before,
        after=_values(level),
    )
    return level


def level_uses(level: OrgLevel) -> int:
    """How many rows refer to the level (units of any date, forms that name it...)."""
    count = 0
    for rel in level._meta.related_objects:
        accessor = rel.get_accessor_name()
        if accessor and hasattr(level, accessor):
            count += getattr(level, accessor).count()
    return count


@transaction.atomic
def delete_level(level: OrgLevel, *, by: Any) -> None:
    level = OrgLevel.objects.select_for_update().get(pk=level.pk)
    if level_uses(level):
        raise ValidationError(
            _(
                "The level “%(name)s” is in use (units or report forms refer to it) and "
                "cannot be deleted. Rename it instead."
            )
            % {"name": level.name}
        )
    before = _values(level)
    pk = level.pk
    level.delete()
    record("org.level.delete", by=by, object_type="org.level", object_id=pk, before=before)
