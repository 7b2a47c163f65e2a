"""Template filters for vi-VN output: {{ d|vndate }}, {{ d|official_date }}, {{ n|vnnum:1 }}."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from thidua.lib import dates, numbers

register = template.Library()


@register.filter
def vndate(value: dt.date | dt.datetime | None) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return dates.format_vn_date(value)


@register.filter
def official_date(value: dt.date | None, place: str = "") -> str:
    return dates.official_date(value, place) if value else ""


@register.filter
def vnnum(value: int | float | Decimal | None, decimals: int = 0) -> str:
    return numbers.format_vn_number(value, int(decimals))


@register.filter
def add_class_input(field: object) -> str:
    """Render a bound field as a Bootstrap input."""
    css = "form-control form-control-sm" + (" is-invalid" if field.errors else "")  # type: ignore[attr-defined]
    return field.as_widget(attrs={"class": css})  # type: ignore[attr-defined,no-any-return]


@register.filter
def add_class_select(field: object) -> str:
    css = "form-select form-select-sm" + (" is-invalid" if field.errors else "")  # type: ignore[attr-defined]
    return field.as_widget(attrs={"class": css})  # type: ignore[attr-defined,no-any-return]


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key)


@register.filter
def is_late(report: object, today: dt.date) -> bool:
    return bool(report.is_late(today))  # type: ignore[attr-defined]


@register.filter
def vnexact(value: Decimal | None, decimals: int = 0) -> str:
    """A stored figure shown in full (never rounded away), with at least `decimals` places."""
    if value is None:
        return ""
    exponent = Decimal(value).normalize().as_tuple().exponent
    places = max(int(decimals), -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return numbers.format_vn_number(value, places)


@register.filter
def vninput(value: Decimal | None) -> str:
    """A stored figure as the entry grid puts it in its input (read back unchanged)."""
    return "" if value is None else numbers.format_vn_input(Decimal(value))


@register.filter
def vnfigure(value: object) -> str:
    """A figure stored as text or Decimal ("1234.5") shown the Vietnamese way ("1.234,5")."""
    if value is None or value == "":
        return "—"
    try:
        return vnexact(Decimal(str(value)))
    except ArithmeticError:
        return str(value)
