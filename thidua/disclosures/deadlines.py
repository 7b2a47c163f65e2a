"""Publicity and national-database deadlines as data (data/publicity_rules.json): for each
issued programme or annual report, the rule in force on its day of issue, the due day (so
many working days after issue, with the loaded holidays), and whether it was done on time,
late by N working days, or is still missing (overdue or not yet due)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from thidua.council.models import working_calendar
from thidua.lib.workdays import add_working_days, working_days_between

from .issued import IssuedItem

RULES_FILE = Path(__file__).parent / "data" / "publicity_rules.json"
PUBLISH = "publish"
NATIONAL = "national"


@dataclass(frozen=True)
class Rule:
    kind: str
    duty: str
    working_days: int
    legal_basis: str
    valid_from: dt.date
    valid_to: dt.date | None
    confidence: str

    @property
    def confidence_label(self) -> str:
        labels = {"high": _("high"), "medium": _("medium"), "low": _("low")}
        return str(labels.get(self.confidence, self.confidence))

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@functools.cache
def rules() -> tuple[Rule, ...]:
    data: dict[str, Any] = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    return tuple(
        Rule(
            kind=r["kind"],
            duty=r["duty"],
            working_days=int(r["working_days"]),
            legal_basis=r["legal_basis"],
            valid_from=dt.date.fromisoformat(r["valid_from"]),
            valid_to=dt.date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
            confidence=r["confidence"],
        )
        for r in data["rules"]
    )


def rule_for(kind: str, duty: str, issued_on: dt.date) -> Rule | None:
    return next(
        (r for r in rules() if r.kind == kind and r.duty == duty and r.in_force(issued_on)),
        None,
    )


@dataclass(frozen=True)
class Status:
    """`state`: "on_time", "late" (done `late_by` working days after the due day),
    "overdue" (not done, due day passed by `late_by` working days), "pending" (not done, not
    yet due) or "no_rule" (no rule in force on the day of issue)."""

    item: IssuedItem
    rule: Rule | None
    due: dt.date | None
    done_on: dt.date | None
    state: str
    late_by: int = 0

    @property
    def flagged(self) -> bool:
        return self.state in ("late", "overdue")


class Calendar:
    """The working calendar, read once per page."""

    def __init__(self) -> None:
        self.days_off, self.workdays = working_calendar()

    def status(
        self, item: IssuedItem, duty: str, done_on: dt.date | None, today: dt.date
    ) -> Status:
        rule = rule_for(item.kind, duty, item.issued_on)
        if rule is None:
            return Status(item, None, None, done_on, "no_rule")
        due = add_working_days(item.issued_on, rule.working_days, self.days_off, self.workdays)
        if done_on is not None:
            late = working_days_between(due, done_on, self.days_off, self.workdays)
            return Status(item, rule, due, done_on, "late" if late else "on_time", late)
        if today > due:
            late = working_days_between(due, today, self.days_off, self.workdays)
            return Status(item, rule, due, None, "overdue", late)
        return Status(item, rule, due, None, "pending")


@dataclass(frozen=True)
class Summary:
    """What the completeness board and the unit's page show of publicity on time: how many of
    the units' issued programmes and annual reports are published late or not yet and overdue,
    and where the publisher reads the list (None for anyone else)."""

    late: int
    overdue: int
    url: str | None

    @property
    def flagged(self) -> int:
        return self.late + self.overdue
