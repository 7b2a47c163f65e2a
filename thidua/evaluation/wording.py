"""Programme targets and figures as people say them: pure functions, no ORM.

"giảm ít nhất 10% so với năm trước", not "≤ -10,00 %"; "84,7%" and "55 triệu đồng", every
figure with its unit of measure. The unit's label comes from the caller (the indicator's
translated unit: "%", "triệu đồng", "kWh"…); a count has none, the indicator's name says
what is counted.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from thidua.lib.numbers import format_vn_number

from .progress import AMOUNT, AT_LEAST, AT_MOST, PERCENT_CHANGE

PERCENT = "%"
NBSP = "\u00a0"
"""Between a number and its unit, so that a narrow column never separates them."""


def number_words(value: Decimal, decimals: int = 2) -> str:
    """1234.50 -> '1.234,5' ('1,234.5' in English): rounded to `decimals` places, trailing
    zeros dropped."""
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    exponent = rounded.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if (get_language() or "").startswith("en"):
        return f"{rounded:,.{places}f}"
    return format_vn_number(rounded, places)


def figure_words(value: Decimal | None, unit: str, decimals: int = 2) -> str:
    """A figure with its unit of measure: '84,7%', '55 triệu đồng', '—' when there is none."""
    if value is None:
        return "—"
    number = number_words(value, decimals)
    if not unit:
        return number
    return f"{number}{PERCENT}" if unit == PERCENT else f"{number}{NBSP}{unit}"


def change_words(change: Decimal | None) -> str:
    """A change against last year in percent: 'giảm 12,5%', 'tăng 3%', 'không đổi'."""
    if change is None:
        return "—"
    n = figure_words(abs(change), PERCENT)
    if change < 0:
        return _("down %(n)s") % {"n": n}
    if change > 0:
        return _("up %(n)s") % {"n": n}
    return _("unchanged")


def target_words(kind: str, comparator: str, value: Decimal, unit: str, decimals: int = 2) -> str:
    """A programme target as people say it (kind: amount or percent_change against last
    year; comparator: <= or >=)."""
    if comparator not in (AT_MOST, AT_LEAST):
        raise ValueError(comparator)
    if kind == PERCENT_CHANGE:
        return _percent_change_words(comparator, value)
    if kind != AMOUNT:
        raise ValueError(kind)
    n = figure_words(value, unit, decimals)
    if comparator == AT_MOST:
        return _("at most %(n)s") % {"n": n}
    return _("at least %(n)s") % {"n": n}


def _percent_change_words(comparator: str, value: Decimal) -> str:
    n = figure_words(abs(value), PERCENT)
    at_most = comparator == AT_MOST
    if value == 0:
        return _("no increase on last year") if at_most else _("no decrease on last year")
    if value < 0:
        if at_most:  # the change is −10% or lower: down by 10% or more
            return _("down by at least %(n)s on last year") % {"n": n}
        return _("down by at most %(n)s on last year") % {"n": n}
    if at_most:
        return _("up by at most %(n)s on last year") % {"n": n}
    return _("up by at least %(n)s on last year") % {"n": n}
