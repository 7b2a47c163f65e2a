"""Load the rubrics (score tables of Circular 129/2017/TT-BTC, with the sector's defaults) and
the programme deadlines from a sector pack's versioned data file
(thidua/packs/<name>/rubrics.json)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from thidua.lib.dates import OPEN_END
from thidua.lib.packs import pack_file

from .models import Criterion, ProgrammeDeadline, Rubric, RubricGroup
from .scoring import check_formula, thresholds_of

RUBRICS = pack_file("rubrics.json")


def _date(text: str | None) -> dt.date:
    return dt.date.fromisoformat(text) if text else OPEN_END


def _check_criterion(rubric: str, row: dict[str, Any]) -> None:
    where = f"{rubric} {row['code']}"
    if row["kind"] == Criterion.Kind.COMPUTED or row.get("formula"):
        problem = check_formula(row.get("formula", ""))
        if problem:
            raise ValidationError(f"{where}: {problem}")
    for _threshold, points in thresholds_of(row.get("thresholds", [])):
        if points > row["max_points"]:
            raise ValidationError(f"{where}: threshold points above the maximum")
    if row["kind"] == Criterion.Kind.DEDUCTION and not row.get("per_violation"):
        raise ValidationError(f"{where}: a deduction needs points per violation")


def _load_rubric(data: dict[str, Any], grades: list[dict[str, Any]]) -> Rubric:
    rubric, _created = Rubric.objects.update_or_create(
        code=data["code"],
        defaults={
            "entity_type": data["entity_type"],
            "version": data["version"],
            "name": data["name"],
            "name_en": data.get("name_en", ""),
            "legal_basis": data["legal_basis"],
            "grades": data.get("grades", grades),
            "valid_from": _date(data["valid_from"]),
            "valid_to": _date(data.get("valid_to")),
        },
    )
    for order, g in enumerate(data["groups"]):
        group, _created = RubricGroup.objects.update_or_create(
            rubric=rubric,
            code=g["code"],
            defaults={
                "name": g["name"],
                "name_en": g.get("name_en", ""),
                "order": order,
                "max_points": g["max_points"],
                "is_deduction": g.get("is_deduction", False),
                "legal_basis": g.get("legal_basis", ""),
            },
        )
        for c_order, c in enumerate(g["criteria"]):
            _check_criterion(rubric.code, c)
            Criterion.objects.update_or_create(
                group=group,
                code=c["code"],
                defaults={
                    "name": c["name"],
                    "name_en": c.get("name_en", ""),
                    "order": c_order,
                    "kind": c["kind"],
                    "max_points": c["max_points"],
                    "formula": c.get("formula", ""),
                    "thresholds": c.get("thresholds", []),
                    "per_violation": c.get("per_violation"),
                    "set_by_sector": c.get("set_by_sector", True),
                    "help": c.get("help", ""),
                },
            )
    return rubric


@transaction.atomic
def load_rubrics(path: Path = RUBRICS) -> int:
    """Create or update every rubric, group, criterion and programme deadline of the fixture
    (a formula that does not compile refuses the whole file). Returns the number of rubrics."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for row in data.get("programme_deadlines", []):
        ProgrammeDeadline.objects.update_or_create(
            valid_from=_date(row["valid_from"]),
            defaults={
                "month": row["month"],
                "day": row["day"],
                "legal_basis": row["legal_basis"],
                "confirmed": row.get("confirmed", False),
                "valid_to": _date(row.get("valid_to")),
            },
        )
    rubrics = [_load_rubric(r, data.get("grades", [])) for r in data["rubrics"]]
    return len(rubrics)


def programme_due(year: int) -> tuple[dt.date | None, str]:
    """When the programme for `year` is due, by the rule in force at the end of the previous
    year, and the rule's legal basis."""
    rule = ProgrammeDeadline.objects.at(dt.date(year - 1, 12, 31)).first()
    if rule is None:
        return None, ""
    return rule.due_for(year), rule.legal_basis
