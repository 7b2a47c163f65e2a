"""Published content as a page shows it: numbers in the reader's locale, bars scaled for a
plain SVG chart. Pure functions over the published JSON (never the live data)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language

from .models import Publication

BAR_WIDTH = 320


def number_text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    places = max(0, -number.normalize().as_tuple().exponent)  # type: ignore[operator]
    return number_format(number, decimal_pos=min(places, 2), force_grouping=True)


@dataclass(frozen=True)
class FigureRow:
    indicator: str
    group: str
    unit_of_measure: str
    legal_basis: str
    value: str
    bar: int


def figure_rows(content: dict[str, Any]) -> list[FigureRow]:
    english = get_language() == "en"
    rows = content.get("figures", [])
    by_unit: dict[str, Decimal] = {}
    for row in rows:
        value = _decimal(row.get("value"))
        if value is not None:
            unit = row.get("unit_of_measure", "")
            by_unit[unit] = max(by_unit.get(unit, Decimal(0)), abs(value))
    out = []
    for row in rows:
        value = _decimal(row.get("value"))
        top = by_unit.get(row.get("unit_of_measure", ""), Decimal(0))
        bar = int(abs(value) / top * BAR_WIDTH) if value is not None and top else 0
        out.append(
            FigureRow(
                indicator=(english and row.get("indicator_en")) or row.get("indicator", ""),
                group=row.get("group", ""),
                unit_of_measure=row.get("unit_of_measure", ""),
                legal_basis=row.get("legal_basis", ""),
                value=number_text(row.get("value")),
                bar=bar,
            )
        )
    return out


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def ranking_rows(content: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "cluster": row.get("cluster", ""),
            "rank": str(row["rank"]) if row.get("rank") else "—",
            "unit": row.get("unit", ""),
            "total": number_text(row.get("total")),
            "grade": row.get("grade", ""),
        }
        for row in content.get("results", [])
    ]


def content_of(publication: Publication) -> dict[str, Any]:
    data = json.loads(publication.content)
    return data if isinstance(data, dict) else {}
