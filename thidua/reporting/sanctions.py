"""What a missed deadline costs under the rules in force (issue 10, point 4), as data:
reporting/data/deadline-sanctions.json (legal basis, validity, confidence). Pure functions.

Days late count calendar days after the deadline; the deadline day itself is on time
(docs/decisions/0008-deadline-day-is-on-time.md), as lateness.filed_late and the reminders
count it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "deadline-sanctions.json"


@dataclass(frozen=True)
class Sanction:
    level: str  # warning, fine, deduction
    text_vi: str
    text_en: str
    legal_basis: str
    confidence: str

    def text(self, language: str) -> str:
        return self.text_en if language == "en" else self.text_vi


@cache
def _rules() -> list[dict[str, object]]:
    return list(json.loads(DATA.read_text(encoding="utf-8"))["rules"])


def days_late(deadline: dt.date | None, filed_on: dt.date | None, today: dt.date) -> int:
    """Calendar days after the deadline: of the filing, or still counting when not filed."""
    if deadline is None:
        return 0
    return max(0, ((filed_on or today) - deadline).days)


def sanction_for(subject: str, late: int, deadline: dt.date) -> Sanction | None:
    """The tier reached by a deadline missed by `late` days under the rule in force on the
    deadline: the rule for `subject` ("year" for the annual results report, "programme"),
    else the sector's rule for any report; None when on time or when no rule is known."""
    if late <= 0:
        return None
    for wanted in (subject, "any"):
        for rule in _rules():
            start = dt.date.fromisoformat(str(rule["valid_from"]))
            end = dt.date.fromisoformat(str(rule.get("valid_to") or "9999-12-31"))
            if rule["subject"] != wanted or not start <= deadline < end:
                continue
            for tier in rule["tiers"]:  # type: ignore[attr-defined]
                upper = tier["to_days"]
                if tier["from_days"] <= late and (upper is None or late <= upper):
                    return Sanction(
                        tier["level"],
                        tier["text_vi"],
                        tier["text_en"],
                        str(rule["legal_basis"]),
                        str(rule["confidence"]),
                    )
    return None
