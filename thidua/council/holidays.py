"""The official calendar of days off and worked Saturdays, loaded from dated data with its
source (council/data/holidays-vn.json: 2022–2030) into the Holiday table that every
working-day count reads (working_calendar)."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

from django.db import transaction

from .models import Holiday

OFFICIAL = Path(__file__).resolve().parent / "data" / "holidays-vn.json"


@transaction.atomic
def load_holidays(path: Path = OFFICIAL) -> int:
    """Create or update one row per dated entry (an administrator's later edit of a day is
    overwritten only by a newer file). Returns the number of entries."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    for entry in doc["days"]:
        Holiday.objects.update_or_create(
            day=dt.date.fromisoformat(entry["day"]),
            defaults={
                "name": entry["name"][:120],
                "kind": Holiday.Kind(entry["kind"]),
                "source": entry["source"][:300],
            },
        )
    return len(doc["days"])


@cache
def _file_entries(path: Path = OFFICIAL) -> dict[dt.date, tuple[str, str]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {
        dt.date.fromisoformat(e["day"]): (e["source"][:300], e["confidence"]) for e in doc["days"]
    }


def confidence_of(holiday: Holiday) -> str:
    """The confidence the data file gives a loaded day ("announced", "unconfirmed" or
    "projected"), or "" once an administrator has changed its source (their own entry)."""
    source, confidence = _file_entries().get(holiday.day, ("", ""))
    return confidence if source and source == holiday.source else ""
