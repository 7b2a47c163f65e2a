"""Council templates of the sector pack (`councils.json`, docs/packs.md): at which levels a
standing emulation and commendation council sits, its name in the body's words, the seats it
is expected to have (with their legal basis and confidence) and the vote rule it follows. A
unit of such a level without a council gets one from the template (`create_from_template`):
setup_body does it for the body's root, the administrator for the others on the councils page.
The template is read from the pack's files when used; nothing of it is stored but the council."""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import translation

from thidua.lib.packs import PACKS_DIR
from thidua.lib.text import nfc
from thidua.org.body import Body, body_for
from thidua.org.models import OrgUnit

from . import admin_actions
from .models import Council, CouncilMember

PLACEHOLDERS = ("unit", "seat")


def _text(data: dict[str, Any], key: str) -> str:
    """`key` in the active language: the `_en` text on English pages when there is one."""
    vi = str(data.get(key) or "")
    if (translation.get_language() or "vi").startswith("en"):
        return str(data.get(f"{key}_en") or vi)
    return vi


@dataclass(frozen=True)
class Seat:
    role: str
    data: dict[str, Any]

    @property
    def count(self) -> int | None:
        """How many the seat holds; None: the number is not fixed (the unit decides)."""
        value = self.data.get("count")
        return None if value is None else int(value)

    @property
    def name(self) -> str:
        return _text(self.data, "name")

    @property
    def held_by(self) -> str:
        return _text(self.data, "held_by")


@dataclass(frozen=True)
class CouncilTemplate:
    level: str
    data: dict[str, Any]
    seats: tuple[Seat, ...]
    vote_rule: dict[str, Any]

    def name_for(self, unit: OrgUnit, seat: str = "") -> str:
        """The council's name in the body's words: `{unit}` is the unit's name, `{seat}` the
        body's seat (its place)."""
        return nfc(str(self.data["name"]).format(unit=unit.name, seat=seat).strip())

    @property
    def legal_basis(self) -> str:
        return str(self.data.get("legal_basis") or "")

    @property
    def confidence(self) -> str:
        return str(self.data.get("confidence") or "")

    @property
    def note(self) -> str:
        return _text(self.data, "note")

    @property
    def vote_reference(self) -> str:
        return _text(self.vote_rule, "reference")


def read_templates(path: Path) -> dict[str, CouncilTemplate]:
    """The templates of a `councils.json`, by level code. A seat's role must be a council
    role, a name may only use the known placeholders; ValueError otherwise."""
    return dict(_read(path, path.stat().st_mtime_ns))


@functools.lru_cache(maxsize=16)
def _read(path: Path, _mtime: int) -> dict[str, CouncilTemplate]:
    """read_templates, kept while the file is unchanged (a page lists many units)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    default_seats = data.get("seats", [])
    templates: dict[str, CouncilTemplate] = {}
    for row in data.get("councils", []):
        level = str(row["level"])
        if level in templates:
            raise ValueError(f"{path.name}: two council templates for the level {level}")
        seats = []
        for seat in row.get("seats", default_seats):
            if seat["role"] not in CouncilMember.Role.values:
                raise ValueError(f"{path.name}: unknown council role {seat['role']}")
            seats.append(Seat(str(seat["role"]), dict(seat)))
        try:
            str(row["name"]).format(**dict.fromkeys(PLACEHOLDERS, ""))
        except (KeyError, IndexError) as exc:
            raise ValueError(f"{path.name}: unknown placeholder in {row['name']}") from exc
        rule = {
            **dict(data.get("vote_rule") or {}),
            **dict(row.get("vote_rule") or {}),
        }
        templates[level] = CouncilTemplate(level, dict(row), tuple(seats), rule)
    return templates


def pack_templates(pack: str) -> dict[str, CouncilTemplate]:
    """The templates of a shipped pack (by its folder name); none when it names no file."""
    manifest_path = PACKS_DIR / pack / "pack.json"
    if not manifest_path.exists():
        return {}
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    name = manifest.get("files", {}).get("councils")
    return read_templates(manifest_path.parent / name) if name else {}


def _body(unit: OrgUnit) -> Body | None:
    return body_for(unit)


def template_for(unit: OrgUnit) -> CouncilTemplate | None:
    """The template of the unit's level in its body's pack, if the pack has one."""
    body = _body(unit)
    if body is None:
        return None
    return pack_templates(body.pack).get(unit.level.code)


def proposed_name(unit: OrgUnit) -> str:
    template = template_for(unit)
    if template is None:
        return ""
    body = _body(unit)
    return template.name_for(unit, body.seat if body is not None else "")


def units_without_council(body_ids: frozenset[int] | None, day: dt.date) -> list[OrgUnit]:
    """The open units (of the body, when `body_ids` is given) at a level of their pack's
    templates that have no council yet, top levels first."""
    bodies = list(Body.objects.all())
    levels = {code for body in bodies for code in pack_templates(body.pack)}
    units = (
        OrgUnit.objects.at(day)
        .filter(level__code__in=levels)
        .exclude(councils__isnull=False)
        .select_related("level")
        .order_by("level__rank", "name")
    )
    if body_ids is not None:
        units = units.filter(pk__in=body_ids)
    return [u for u in units if template_for(u) is not None]


@transaction.atomic
def create_from_template(
    unit: OrgUnit, *, by: Any, template: CouncilTemplate | None = None
) -> Council | None:
    """The unit's council from its pack's template (or `template`), with no members (members
    need people). None when the unit already has a council or its level has no template:
    nothing is ever created twice. Audited as `awards.council.create`."""
    unit = OrgUnit.objects.select_for_update().select_related("level").get(pk=unit.pk)
    if Council.objects.filter(unit=unit).exists():
        return None
    template = template or template_for(unit)
    if template is None:
        return None
    body = _body(unit)
    name = template.name_for(unit, body.seat if body is not None else "")
    return admin_actions.create_council(unit, name=name, by=by)


@dataclass(frozen=True)
class SeatRow:
    seat: Seat
    sitting: list[str]
    empty: int | None  # None: the number is not fixed


def seats_of(council: Council, day: dt.date) -> list[SeatRow]:
    """The template's expected seats of the council and who sits in them on `day`: the
    members of a role fill that role's seats in the template's order; a seat without a fixed
    number takes the rest."""
    template = template_for(council.unit)
    if template is None:
        return []
    by_role: dict[str, list[str]] = {}
    for member in council.members_on(day).select_related("user").order_by("valid_from", "pk"):
        by_role.setdefault(member.role, []).append(member.user.display_name())
    rows = []
    for seat in template.seats:
        left = by_role.get(seat.role, [])
        if seat.count is None:
            taken, by_role[seat.role] = left, []
            rows.append(SeatRow(seat, taken, None))
        else:
            taken, by_role[seat.role] = left[: seat.count], left[seat.count :]
            rows.append(SeatRow(seat, taken, seat.count - len(taken)))
    return rows
