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

DATA_DIR = Path(__file__).resolve().parent / "data"


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


@transaction.atomic
def load_movement(path: Path) -> Movement:
    """Load (or reload) a movement from its JSON fixture; the organisation must exist."""
    data = json.loads(path.read_text(encoding="utf-8"))
    organisation = OrgUnit.objects.get(code=data["organisation_code"])
    Movement.objects.filter(code=data["code"]).delete()
    movement = save_movement(
        Movement(
            code=data["code"],
            title=data["title"],
            title_en=data["title_en"],
            launching_body=data["launching_body"],
            organisation=organisation,
            decision_number=data["decision_number"],
            decision_date=dt.date.fromisoformat(data["decision_date"])
            if data["decision_date"]
            else None,
            decision_note=data["decision_note"],
            parent_reference=data["parent_reference"],
            start_year=data["start_year"],
            end_year=data["end_year"],
            objectives=data["objectives"],
        )
    )
    phases = {p["number"]: add_phase(Phase(movement=movement, **p)) for p in data["phases"]}
    for area in data["areas"]:
        add_area(ContentArea(movement=movement, **area))
    for m in data["milestones"]:
        add_milestone(
            Milestone(
                movement=movement,
                phase=phases.get(m["phase"]),
                title=m["title"],
                title_en=m["title_en"],
                due_date=dt.date.fromisoformat(m["due_date"]),
                status=m["status"],
                note=m["note"],
                done_on=dt.date.fromisoformat(m["done_on"]) if m["done_on"] else None,
            )
        )
    return movement
