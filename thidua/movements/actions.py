"""Creating and changing movements, their phases, content areas and milestones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.lib.text import nfc
from thidua.org.models import OrgUnit

from .models import ContentArea, Milestone, Movement, Phase


def _clean_save(obj: Any) -> Any:
    for name in ("title", "title_en", "launching_body", "description", "note"):
        if isinstance(getattr(obj, name, None), str):
            setattr(obj, name, nfc(getattr(obj, name)))
    obj.full_clean()
    obj.save()
    return obj


def save_movement(movement: Movement) -> Movement:
    """Create or update a movement (any sector: the organisation is data)."""
    return _clean_save(movement)  # type: ignore[no-any-return]


def add_phase(phase: Phase) -> Phase:
    if not (phase.movement.start_year - 1 <= phase.start_year <= phase.movement.end_year):
        raise ValidationError(_("The phase must lie within the movement's years."))
    return _clean_save(phase)  # type: ignore[no-any-return]


def add_area(area: ContentArea) -> ContentArea:
    return _clean_save(area)  # type: ignore[no-any-return]


def add_milestone(milestone: Milestone) -> Milestone:
    return _clean_save(milestone)  # type: ignore[no-any-return]


@transaction.atomic
def set_milestone_status(milestone: Milestone, status: str, *, day: dt.date) -> Milestone:
    """Mark a milestone planned, in progress or done (done records the day)."""
    if status not in Milestone.Status.values:
        raise ValidationError(_("Unknown status."))
    milestone.status = status
    milestone.done_on = day if status == Milestone.Status.DONE else None
    milestone.save(update_fields=["status", "done_on"])
    return milestone


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@transaction.atomic
def load_movement(path: Path, *, organisation: OrgUnit | None = None) -> Movement:
    """Create or update a movement from its JSON file, by code: its phases and content areas by
    number, its milestones by title (a milestone's status and done date, once the movement
    exists, are the body's own and are kept). The organisation is the given unit (a pack's
    movement belongs to the body it is loaded into), else the file's `organisation_code`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if organisation is None:
        organisation = OrgUnit.objects.get(code=data["organisation_code"])
    fields = ("title", "title_en", "launching_body", "decision_number", "decision_note")
    movement = Movement.objects.filter(code=data["code"]).first() or Movement(code=data["code"])
    existed = movement.pk is not None
    for name in (*fields, "parent_reference", "start_year", "end_year", "objectives"):
        setattr(movement, name, data[name])
    movement.organisation = organisation
    movement.decision_date = _date(data["decision_date"])
    save_movement(movement)
    phases = {p["number"]: _upsert_phase(movement, p) for p in data["phases"]}
    for area in data["areas"]:
        row = ContentArea.objects.filter(movement=movement, number=area["number"]).first()
        row = row or ContentArea(movement=movement, number=area["number"])
        for name, value in area.items():
            if name != "indicators":  # linked by the pack loader (indicators sit above)
                setattr(row, name, value)
        add_area(row)
    for m in data["milestones"]:
        _upsert_milestone(movement, phases.get(m["phase"]), m, keep_status=existed)
    return movement


def _upsert_phase(movement: Movement, data: dict[str, Any]) -> Phase:
    phase = Phase.objects.filter(movement=movement, number=data["number"]).first()
    phase = phase or Phase(movement=movement, number=data["number"])
    for name, value in data.items():
        setattr(phase, name, value)
    return add_phase(phase)


def _upsert_milestone(
    movement: Movement, phase: Phase | None, data: dict[str, Any], *, keep_status: bool
) -> Milestone:
    milestone = Milestone.objects.filter(movement=movement, title=data["title"]).first()
    if milestone is None:
        milestone, keep_status = Milestone(movement=movement, title=data["title"]), False
    milestone.phase = phase
    milestone.title_en = data["title_en"]
    milestone.due_date = dt.date.fromisoformat(data["due_date"])
    milestone.note = data["note"]
    if not keep_status:
        milestone.status = data["status"]
        milestone.done_on = _date(data["done_on"])
    return add_milestone(milestone)
