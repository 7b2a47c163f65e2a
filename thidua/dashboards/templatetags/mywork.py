from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def days_left(item: object, day: dt.date) -> int | None:
    deadline = getattr(item, "deadline", None)
    return (deadline - day).days if deadline else None


@register.filter
def abs_int(value: int) -> int:
    return abs(int(value))
