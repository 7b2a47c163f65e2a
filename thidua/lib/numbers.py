"""vi-VN numbers: 1.234.567,5 in and out."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_PLAIN = re.compile(r"[+-]?[0-9.,]*[0-9][0-9.,]*")
"""Digits with grouping and decimal marks only: no exponent, no NaN or Infinity."""


class InvalidNumber(ValueError):
    """Text that is not a vi-VN number."""


def format_vn_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """1234567.5 -> '1.234.567,5' (with decimals=1)."""
    if value is None:
        return ""
    quantised = (
        Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals))
        if decimals
        else (Decimal(str(value)).quantize(Decimal(1)))
    )
    sign = "-" if quantised < 0 else ""
    text = f"{abs(quantised):f}"
    whole, _, frac = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups)
    return f"{sign}{out},{frac}" if frac else f"{sign}{out}"


def parse_vn_number(text: str) -> Decimal:
    """'1.234.567,5', '1234567,5' and '1 234 567' -> Decimal. A lone dot followed by
    exactly three digits is a thousands separator, as Vietnamese users type it."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    if not raw or not _PLAIN.fullmatch(raw):
        raise InvalidNumber(text)
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif raw.count(".") >= 1:
        parts = raw.lstrip("-+").split(".")
        if all(len(p) == 3 for p in parts[1:]) and parts[0]:
            raw = raw.replace(".", "")
    try:
        number = Decimal(raw)
    except InvalidOperation as exc:
        raise InvalidNumber(text) from exc
    if not number.is_finite():
        raise InvalidNumber(text)
    return number
