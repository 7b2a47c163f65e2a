"""The norms' data file (`data/norms.json`): loaded into `Norm` rows, read as a `NormTable`."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from thidua.lib.dates import OPEN_END

from .rules import NormTable, NormValue

DATA = Path(__file__).parent / "data" / "norms.json"


def norm_rows() -> list[dict[str, Any]]:
    """The rows of the data file as model field values."""
    rows = json.loads(DATA.read_text(encoding="utf-8"))["norms"]
    out = []
    for r in rows:
        out.append(
            {
                "kind": r["kind"],
                "value": Decimal(str(r["value"])),
                "valid_from": dt.date.fromisoformat(r["valid_from"]),
                "valid_to": dt.date.fromisoformat(r["valid_to"]) if r.get("valid_to") else OPEN_END,
                "legal_basis": r["legal_basis"],
                "article": r.get("article", ""),
                "confidence": r.get("confidence", "low"),
                "set_by_sector": r.get("set_by_sector", False),
                "note": r.get("note", ""),
            }
        )
    return out


def load_norms(model: Any) -> int:
    """Create the norms of the data file that are missing (by kind and start); an edited value
    is kept. `model` is the Norm model (or its historical version in a migration)."""
    made = 0
    for row in norm_rows():
        _obj, created = model.objects.get_or_create(
            kind=row["kind"], valid_from=row["valid_from"], defaults=row
        )
        made += created
    return made


def norm_table() -> NormTable:
    from .models import Norm

    return NormTable(
        NormValue(n.kind, n.value, n.valid_from, n.valid_to, n.legal_basis, n.article)
        for n in Norm.objects.all()
    )
