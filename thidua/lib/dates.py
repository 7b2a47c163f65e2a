"""Dates the Vietnamese way: dd/mm/yyyy everywhere, and the official document style."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

OPEN_END = dt.date(9999, 12, 31)
"""The valid_to of anything still in force (half-open periods [valid_from, valid_to))."""


def today() -> dt.date:
    """Today in the site's time zone: the one place pages and commands read the calendar.
    Actions and rules never call it; they take the day as a parameter."""
    return timezone.localdate()


class InvalidDate(ValueError):
    """A date string that is not a real dd/mm/yyyy date."""


def parse_vn_date(text: str) -> dt.date:
    """Parse dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy and ISO yyyy-mm-dd).

    05/03/2025 is 5 March 2025. 31/02/2025 raises InvalidDate.
    """
    raw = text.strip()
    if not raw:
        raise InvalidDate(text)
    for sep in ("/", "-", "."):
        parts = raw.split(sep)
        if len(parts) == 3 and all(p.strip().isdigit() for p in parts):
            a, b, c = (int(p) for p in parts)
            day, month, year = (c, b, a) if len(parts[0].strip()) == 4 else (a, b, c)
            try:
                return dt.date(year, month, day)
            except ValueError as exc:
                raise InvalidDate(text) from exc
    raise InvalidDate(text)


def format_vn_date(value: dt.date | None) -> str:
    """05/03/2025; an open end prints as an empty string."""
    if value is None or value >= OPEN_END:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def official_date(value: dt.date, place: str = "") -> str:
    """'Hà Nội, ngày 05 tháng 02 năm 2025' (Decree 30/2020, Annex I: zero-padded day below
    10 and months 1 and 2)."""
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    text = f"ngày {value.day:02d} tháng {month} năm {value.year}"
    return f"{place}, {text}" if place else text
