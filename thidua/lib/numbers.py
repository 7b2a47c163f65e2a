"""vi-VN numbers: 1.234.567,5 in and out.

One rule for reading a number, wherever it is typed (the entry page, the API, a text cell of an
Excel file): a dot only groups thousands, a comma only marks the decimals. Text that another
convention could read differently (`1.5`, `1,234.5`, `1,234`) is refused with the vi-VN form
to write instead; it is never silently read as a thousand times more or less.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

_VN = re.compile(
    r"(?P<sign>[+-]?)(?P<whole>[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[0-9]+)(?:,(?P<frac>[0-9]+))?"
)
"""1.234.567,5 / 1234567,5 / 1.234 / 12: groups of exactly three after a dot, the first of one
to three digits; at most one comma, followed by the decimals."""

_AMBIGUOUS = re.compile(r"[+-]?[1-9][0-9]{0,2},[0-9]{3}")
"""1,234: a thousand and more in English, one and a fraction in Vietnamese."""

_EN = re.compile(
    r"(?P<sign>[+-]?)(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?"
)
"""1,234,567.5 / 1234.5 / 1.5: English notation, to show its vi-VN form in the refusal."""

_MINUS = "\u2212"


class InvalidNumber(ValueError):
    """Text that is not a vi-VN number, or a figure an indicator does not take. `message` is
    translatable and says what to write instead."""

    def __init__(self, text: str, message: str | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.message = message or not_a_number(text)


def not_a_number(text: str) -> str:
    return _("“%(text)s” is not a number. Write for example 1.234.567 or 1234567,5.") % {
        "text": text
    }


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
    whole, _sep, frac = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups)
    return f"{sign}{out},{frac}" if frac else f"{sign}{out}"


def format_vn_exact(value: Decimal) -> str:
    """A figure in vi-VN form with its own decimals, never rounded nor padded: 1,5 not 1,500
    (which a reader could take for fifteen hundred)."""
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_vn_number(value, places)


def format_vn_input(value: Decimal) -> str:
    """A stored figure as it is put back into an input: `format_vn_exact`, except that 1,234
    (which `parse_vn_number` refuses as ambiguous) is written 1,2340, so that saving the
    input again never changes nor refuses the figure."""
    text = format_vn_exact(value)
    return f"{text}0" if _AMBIGUOUS.fullmatch(text) else text


def _english(raw: str) -> Decimal | None:
    """The value of text written the English way, if it is (1,234.5 or 1.5)."""
    match = _EN.fullmatch(raw)
    if match is None or (match["frac"] is None and "," not in raw):
        return None
    return Decimal(raw.replace(",", ""))


def _ambiguous(text: str, raw: str, decimals: int | None) -> InvalidNumber:
    """1,234: one thousand two hundred and thirty-four to an English eye, 1 and a fraction in
    Vietnamese. Refused whatever the indicator allows, with both ways to write it."""
    whole, frac = raw.split(",")
    values = {"text": text, "thousands": f"{whole}.{frac}", "decimal": f"{raw}0", "n": decimals}
    if decimals == 0:
        message = _(
            "“%(text)s” looks like thousands written the English way, and this figure is a "
            "whole number: write %(thousands)s."
        )
    elif decimals is not None and decimals < len(frac):
        message = _(
            "“%(text)s” looks like thousands written the English way, and this figure takes at "
            "most %(n)d decimals: write %(thousands)s."
        )
    else:
        message = _(
            "“%(text)s” can be read two ways: as the whole number %(thousands)s or as a decimal "
            "figure. Write %(thousands)s for the whole number, %(decimal)s for the decimal one."
        )
    return InvalidNumber(text, message % values)


def _refusal(text: str, raw: str, decimals: int | None) -> InvalidNumber:
    """Why `raw` is not a vi-VN number, with the form to write instead."""
    if _AMBIGUOUS.fullmatch(raw):
        return _ambiguous(text, raw, decimals)
    if re.fullmatch(r"[+-]?[0-9]{4,}\.[0-9]{3}", raw):
        # 1234.567: thousands grouped from the wrong place, or three English decimals.
        return InvalidNumber(
            text,
            _("“%(text)s” is unclear: write %(grouped)s or %(decimal)s.")
            % {
                "text": text,
                "grouped": format_vn_number(Decimal(raw.replace(".", ""))),
                "decimal": raw.replace(".", ","),
            },
        )
    english = _english(raw)
    if english is not None:
        return InvalidNumber(
            text,
            _(
                "“%(text)s” is written the English way. In Vietnamese a dot groups the "
                "thousands and a comma marks the decimals: write %(vn)s."
            )
            % {"text": text, "vn": format_vn_exact(english)},
        )
    return InvalidNumber(text)


def parse_vn_number(
    text: str, *, decimals: int | None = None, minimum: Decimal | int | None = None
) -> Decimal:
    """'1.234.567,5', '1234567,5' and '1 234 567' -> Decimal; `decimals` and `minimum` are
    the limits of the figure (see `check_number`). InvalidNumber otherwise, whose `message`
    shows the vi-VN form to write."""
    raw = re.sub(r"[\s\u00a0\u202f]", "", text).replace(_MINUS, "-")
    match = _VN.fullmatch(raw)
    if match is None or _AMBIGUOUS.fullmatch(raw):
        raise _refusal(text.strip(), raw, decimals)
    number_text = match["sign"] + match["whole"].replace(".", "")
    if match["frac"] is not None:
        number_text += "." + match["frac"]
    try:
        number = Decimal(number_text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits digits only
        raise InvalidNumber(text) from exc
    return check_number(number, decimals=decimals, minimum=minimum, text=text.strip())


def check_number(
    value: Decimal,
    *,
    decimals: int | None = None,
    minimum: Decimal | int | None = None,
    text: str | None = None,
) -> Decimal:
    """`value` if it has at most `decimals` significant decimals (trailing zeros do not
    count: 14,0 is a whole number) and is not below `minimum`; InvalidNumber otherwise.
    `text` is how the user wrote it, for the message."""
    shown = text if text is not None else format_vn_exact(value)
    if not value.is_finite():
        raise InvalidNumber(shown)
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if decimals is not None and places > decimals:
        if decimals == 0:
            message = _("“%(text)s” has decimals, but this figure is a whole number.") % {
                "text": shown
            }
        else:
            message = _("“%(text)s” has more decimals than this figure takes (at most %(n)d).") % {
                "text": shown,
                "n": decimals,
            }
        raise InvalidNumber(shown, message)
    if minimum is not None and value < minimum:
        if minimum == 0:
            message = _("“%(text)s”: this figure cannot be negative.") % {"text": shown}
        else:
            message = _("“%(text)s” is below the smallest value this figure takes (%(min)s).") % {
                "text": shown,
                "min": format_vn_exact(Decimal(minimum)),
            }
        raise InvalidNumber(shown, message)
    return value
