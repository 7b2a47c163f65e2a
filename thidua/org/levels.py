"""Load the levels of a sector from its pack (thidua/packs/<name>/levels.json)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from thidua.lib.packs import pack_file

from .models import OrgLevel

LEVELS = pack_file("levels.json")


@transaction.atomic
def load_levels(path: Path = LEVELS) -> dict[str, OrgLevel]:
    """Create or update every level of the file by code (a level no longer listed stays: units
    may still hold it). Returns the levels by code."""
    data = json.loads(path.read_text(encoding="utf-8"))
    levels: dict[str, OrgLevel] = {}
    for row in data["levels"]:
        levels[row["code"]], _created = OrgLevel.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "name_en": row.get("name_en", ""), "rank": row["rank"]},
        )
    return levels
