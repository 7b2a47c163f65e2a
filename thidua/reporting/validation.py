"""Validation rules as data, checked against one report's figures.

A :class:`Rule` compares two formulas (see :mod:`thidua.reporting.expressions`): ``left operator
right``. A rule that fails gives a :class:`Finding`, shown on the indicators of its left side. A
*blocking* finding stops submission; a *warning* is shown and the report may still go up. A rule
that is ``waivable_by_comment`` passes when one of the indicators on its left side carries a
non-empty comment: the comment is the explanation (giải trình) the approver reads.

Missing data is the completeness check's job, not this one's: by default a rule whose side cannot
be computed (an operand is missing, a divisor is zero) is skipped, so a half-filled draft is not
buried under findings that say only "empty".

The module is pure (no ORM): the report page, the Excel import and the API pass plain values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal, DecimalException
from functools import lru_cache
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from thidua.lib.numbers import format_vn_number
from thidua.reporting.expressions import (
    Expression,
    ExpressionError,
    Values,
    compile_expression,
    evaluate,
)

Operator = Literal["<", "<=", ">", ">=", "==", "!="]
Severity = Literal["blocking", "warning"]
OPERATORS: tuple[Operator, ...] = ("<", "<=", ">", ">=", "==", "!=")
SEVERITIES: tuple[Severity, ...] = ("blocking", "warning")

TOLERANCE = Decimal("1e-9")
"""Both sides are rounded to this before comparing, so 1/3*3 equals 1."""
MAX_SHOWN_DECIMALS = 3
"""Figures in messages keep their own decimals up to this many (3 decimals of a million VND
is a thousand VND); a computed 33.3333… shows as 33,333."""
MISSING = "—"
PLACEHOLDERS = frozenset({"left", "right"})

_WIDE = Context(prec=80)  # quantising a large figure to 1e-9 needs more than 28 digits


@dataclass(frozen=True)
class Rule:
    """``left operator right`` must hold; otherwise the message is shown on the left side."""

    code: str
    left: str
    operator: str
    right: str
    severity: str
    message_vi: str
    message_en: str
    waivable_by_comment: bool = False

    def message(self, language: str) -> str:
        return self.message_en if language.startswith("en") else self.message_vi


@dataclass(frozen=True)
class Cells:
    """One report's figures: this period's, the previous period's, the same period last year's,
    and the reporter's comment on each indicator."""

    values: Values
    previous: Values = field(default_factory=dict)
    last_year: Values = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    """In the requested language, ``{left}`` and ``{right}`` filled with vi-VN numbers."""
    indicators: tuple[str, ...]
    """The codes on the rule's left side: where the finding is shown."""
    left: Decimal | None
    right: Decimal | None


def check(
    rules: Sequence[Rule],
    cells: Cells,
    *,
    language: str = "vi",
    skip_missing: bool = True,
) -> list[Finding]:
    """The findings of every rule that fails, in the order of ``rules``.

    ``language`` picks ``message_vi`` or ``message_en`` (any code starting with "en" gives
    English). With ``skip_missing=False`` a side that cannot be computed fails the rule, and its
    number shows as "—". A rule whose formulas do not compile raises :class:`ExpressionError`;
    :func:`validate_rule_definition` keeps such rules out of the database.
    """
    findings: list[Finding] = []
    for rule in rules:
        left_expr, right_expr = _compiled(rule.left), _compiled(rule.right)
        left = evaluate(left_expr, cells.values, cells.previous, cells.last_year)
        right = evaluate(right_expr, cells.values, cells.previous, cells.last_year)
        if left is None or right is None:
            if skip_missing:
                continue
        elif holds(left, rule.operator, right):
            continue
        indicators = tuple(sorted(left_expr.codes))
        if rule.waivable_by_comment and _explained(indicators, cells):
            continue
        message = fill(rule.message(language), left, right)
        findings.append(Finding(rule.code, rule.severity, message, indicators, left, right))
    return findings


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that stop a report from being submitted."""
    return [finding for finding in findings if finding.severity == "blocking"]


def warnings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings shown to the reporter and the approver that do not stop submission."""
    return [finding for finding in findings if finding.severity == "warning"]


def holds(left: Decimal, operator: str, right: Decimal) -> bool:
    """``left operator right`` after rounding both sides to :data:`TOLERANCE`."""
    a, b = _rounded(left), _rounded(right)
    if operator == "<":
        return a < b
    if operator == "<=":
        return a <= b
    if operator == ">":
        return a > b
    if operator == ">=":
        return a >= b
    if operator == "==":
        return a == b
    if operator == "!=":
        return a != b
    raise ValueError(f"unknown operator {operator!r}")


def fill(template: str, left: Decimal | None, right: Decimal | None) -> str:
    """Put vi-VN numbers in place of ``{left}`` and ``{right}``.

    A plain replacement, not :meth:`str.format`: templates are edited by administrators, and
    other braces stay as they are.
    """
    return template.replace("{left}", format_figure(left)).replace("{right}", format_figure(right))


def format_figure(value: Decimal | None) -> str:
    """1234567.5 -> "1.234.567,5"; a missing value -> "—"."""
    if value is None:
        return MISSING
    exponent = value.normalize(_WIDE).as_tuple().exponent
    decimals = min(-exponent, MAX_SHOWN_DECIMALS) if isinstance(exponent, int) else 0
    try:
        return format_vn_number(value, max(decimals, 0))
    except DecimalException:  # beyond 28 digits: no grouping, but still a number
        return str(value)


def validate_rule_definition(rule: Rule) -> list[str]:
    """What is wrong with a rule an administrator wrote, in the active language; [] if nothing.

    Both sides must compile, the operator and severity must be known, both messages must be
    written and use no placeholder other than ``{left}`` and ``{right}``, and a rule waived by a
    comment needs an indicator on its left side to carry that comment.
    """
    errors: list[str] = []
    if not rule.code.strip():
        errors.append(str(_("The rule needs a code.")))
    left = _check_side(errors, rule.left, _("Left side: %(error)s"))
    _check_side(errors, rule.right, _("Right side: %(error)s"))
    if rule.operator not in OPERATORS:
        errors.append(
            str(_("Unknown comparison “%(operator)s”; use one of %(operators)s."))
            % {"operator": rule.operator, "operators": " ".join(OPERATORS)}
        )
    if rule.severity not in SEVERITIES:
        errors.append(str(_("The severity must be “blocking” or “warning”.")))
    for text, missing in (
        (rule.message_vi, _("The Vietnamese message is empty.")),
        (rule.message_en, _("The English message is empty.")),
    ):
        if not text.strip():
            errors.append(str(missing))
        for name in sorted(set(re.findall(r"\{([^{}]*)\}", text)) - PLACEHOLDERS):
            errors.append(
                str(_("Unknown placeholder “{%(name)s}”; a message may use {left} and {right}."))
                % {"name": name}
            )
    if rule.waivable_by_comment and left is not None and not left.codes:
        errors.append(str(_("A rule waived by a comment needs an indicator on its left side.")))
    return errors


def _check_side(errors: list[str], text: str, prefix: str | Promise) -> Expression | None:
    try:
        return _compiled(text)
    except ExpressionError as exc:
        errors.append(str(prefix) % {"error": str(exc)})
        return None


@lru_cache(maxsize=2048)
def _compiled(text: str) -> Expression:
    return compile_expression(text)


def _explained(indicators: tuple[str, ...], cells: Cells) -> bool:
    return any(cells.comments.get(code, "").strip() for code in indicators)


def _rounded(value: Decimal) -> Decimal:
    try:
        return value.quantize(TOLERANCE, context=_WIDE)
    except DecimalException:  # more than 70 digits before the point: already far beyond 1e-9
        return value


# The default rule set.

SAVINGS_CODES: tuple[str, ...] = (
    "SAV_CONF",
    "SAV_TRAVEL_DOMESTIC",
    "SAV_TRAVEL_FOREIGN",
    "SAV_UTILITIES",
    "SAV_STATIONERY",
    "SAV_RECEPTION",
    "SAV_FESTIVAL",
    "SAV_INV_CUT",
    "SAV_CEREMONY",
    "SAV_BIDDING",
    "SAV_AUDIT",
    "SAV_VEHICLE_DEFER",
    "SAV_PROC_BIDDING",
    "SAV_OFFICE_DEFER",
)
"""The entered savings amounts of the catalogue (``data/catalogue.json``); ``SAV_TOTAL`` is
their sum, so it needs no rule of its own."""

JUMP_CODES: tuple[str, ...] = (
    "EST_RECURRENT",
    "SETTLE_RECURRENT",
    "CONF_SPEND",
    "INV_PLAN",
    "INV_DISBURSED",
    "PROC_CENTRAL",
    "PROC_OUTSIDE",
    "ELECTRICITY_KWH",
    "WATER_M3",
    *SAVINGS_CODES,
)
"""The entered money and consumption figures checked against three times last year. Counts
(documents, online meetings) are left out: the movement wants them to grow fast."""

JUMP_FACTOR = 3


def default_rules(
    savings_codes: Iterable[str] = SAVINGS_CODES,
    jump_codes: Iterable[str] = JUMP_CODES,
) -> tuple[Rule, ...]:
    """The rules every THTK-CLP report starts with.

    - ``SETTLE_LE_EST``: recurrent spending settled stays within the estimate assigned for the
      year (Circular 129/2017: savings are the estimate minus actual spending), unless the
      reporter explains why (a supplement not yet recorded, say). Blocking, waivable by comment.
    - ``INV_DISBURSED_LE_PLAN``: public investment disbursed cannot exceed the capital plan
      assigned (Law on Public Investment). Blocking, never waived: it is an input error.
    - ``<SAV_…>_NON_NEGATIVE``: a savings amount is never negative; an overspend is reported on
      the spending indicators. Blocking.
    - ``<CODE>_JUMP_3X``: a figure above three times the same period last year needs a comment.
      Blocking but waivable by comment, not a warning: "needs a comment" means the report does
      not go up without one, and one comment lets it through. A figure whose last year was 0 also
      needs one; a figure with no last year is skipped.
    """
    rules = [
        Rule(
            code="SETTLE_LE_EST",
            left="SETTLE_RECURRENT",
            operator="<=",
            right="EST_RECURRENT",
            severity="blocking",
            message_vi="Số quyết toán chi thường xuyên ({left}) vượt dự toán được giao ({right}):"
            " cần giải trình.",
            message_en="Recurrent spending settled ({left}) exceeds the estimate assigned"
            " ({right}): an explanation is needed.",
            waivable_by_comment=True,
        ),
        Rule(
            code="INV_DISBURSED_LE_PLAN",
            left="INV_DISBURSED",
            operator="<=",
            right="INV_PLAN",
            severity="blocking",
            message_vi="Vốn đầu tư công đã giải ngân ({left}) vượt kế hoạch vốn được giao"
            " ({right}).",
            message_en="Public investment disbursed ({left}) exceeds the capital plan assigned"
            " ({right}).",
        ),
    ]
    rules += [
        Rule(
            code=f"{code}_NON_NEGATIVE",
            left=code,
            operator=">=",
            right="0",
            severity="blocking",
            message_vi="Số tiết kiệm không được âm ({left}).",
            message_en="A savings amount cannot be negative ({left}).",
        )
        for code in savings_codes
    ]
    rules += [
        Rule(
            code=f"{code}_JUMP_3X",
            left=code,
            operator="<=",
            right=f"{JUMP_FACTOR} * last_year({code})",
            severity="blocking",
            message_vi="Số liệu ({left}) cao hơn 3 lần cùng kỳ năm trước (3 lần là {right}):"
            " cần ghi chú giải trình.",
            message_en="The figure ({left}) is more than three times the same period last year"
            " (three times is {right}): add a comment to explain it.",
            waivable_by_comment=True,
        )
        for code in jump_codes
    ]
    return tuple(rules)


DEFAULT_RULES: tuple[Rule, ...] = default_rules()
