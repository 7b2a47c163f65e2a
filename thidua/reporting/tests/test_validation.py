"""Validation rules as data: the default rule set, findings and their messages. No database."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from thidua.reporting.expressions import ExpressionError
from thidua.reporting.validation import (
    DEFAULT_RULES,
    JUMP_CODES,
    SAVINGS_CODES,
    Cells,
    Finding,
    Rule,
    blocking,
    check,
    default_rules,
    format_figure,
    holds,
    validate_rule_definition,
    warnings,
)

D = Decimal

# A report where every default rule holds: spending within the estimate, savings positive,
# every figure at most three times last year's.
CLEAN: dict[str, Decimal | None] = {
    "EST_RECURRENT": D(10_000),
    "SETTLE_RECURRENT": D(9_500),
    "CONF_SPEND": D(120),
    "INV_PLAN": D(50_000),
    "INV_DISBURSED": D(42_000),
    "PROC_CENTRAL": D(800),
    "PROC_OUTSIDE": D(200),
    "ELECTRICITY_KWH": D(180_000),
    "WATER_M3": D(2_400),
    **{code: D(10) for code in SAVINGS_CODES},
}
LAST_YEAR: dict[str, Decimal | None] = {
    **{code: D(9) for code in SAVINGS_CODES},
    "EST_RECURRENT": D(9_800),
    "SETTLE_RECURRENT": D(9_300),
    "CONF_SPEND": D(150),
    "INV_PLAN": D(45_000),
    "INV_DISBURSED": D(40_000),
    "PROC_CENTRAL": D(700),
    "PROC_OUTSIDE": D(250),
    "ELECTRICITY_KWH": D(190_000),
    "WATER_M3": D(2_500),
}


def report(
    changes: dict[str, Decimal | None] | None = None,
    *,
    last_year: dict[str, Decimal | None] | None = None,
    comments: dict[str, str] | None = None,
) -> Cells:
    return Cells(
        values=CLEAN | (changes or {}),
        last_year=LAST_YEAR | (last_year or {}),
        comments=comments or {},
    )


def findings_of(rule_code: str, cells: Cells, *, language: str = "vi") -> list[Finding]:
    return [f for f in check(DEFAULT_RULES, cells, language=language) if f.rule == rule_code]


def test_the_clean_report_passes_every_default_rule() -> None:
    assert check(DEFAULT_RULES, report()) == []


def test_the_default_rules_are_well_defined_and_uniquely_coded() -> None:
    codes = [rule.code for rule in DEFAULT_RULES]
    assert len(codes) == len(set(codes)) == 2 + len(SAVINGS_CODES) + len(JUMP_CODES)
    for rule in DEFAULT_RULES:
        assert validate_rule_definition(rule) == [], rule.code


# Settlement within the estimate, unless explained.


@pytest.mark.parametrize(
    ("settled", "estimate", "comments", "fails"),
    [
        (D(9_500), D(10_000), {}, False),
        (D(10_000), D(10_000), {}, False),  # spending the whole estimate is allowed
        (D("10000.0000000001"), D(10_000), {}, False),  # below the 1e-9 tolerance
        (D("10000.01"), D(10_000), {}, True),
        (D(12_000), D(10_000), {}, True),
        (D(12_000), D(10_000), {"SETTLE_RECURRENT": "Bổ sung dự toán tháng 12 chưa ghi"}, False),
        (D(12_000), D(10_000), {"SETTLE_RECURRENT": "   "}, True),  # blank is no explanation
        (D(12_000), D(10_000), {"EST_RECURRENT": "Giải trình"}, True),  # on the wrong side
        (None, D(10_000), {}, False),  # missing: the completeness check's job
        (D(12_000), None, {}, False),
    ],
)
def test_settlement_stays_within_the_estimate_unless_explained(
    settled: Decimal | None, estimate: Decimal | None, comments: dict[str, str], fails: bool
) -> None:
    cells = report(
        {"SETTLE_RECURRENT": settled, "EST_RECURRENT": estimate},
        last_year={"SETTLE_RECURRENT": None, "EST_RECURRENT": None},
        comments=comments,
    )
    found = findings_of("SETTLE_LE_EST", cells)
    assert bool(found) is fails
    if fails:
        assert found[0].severity == "blocking"
        assert found[0].indicators == ("SETTLE_RECURRENT",)
        assert (found[0].left, found[0].right) == (settled, estimate)


def test_the_settlement_message_names_both_figures_in_vietnamese() -> None:
    cells = report({"SETTLE_RECURRENT": D("1234567.5"), "EST_RECURRENT": D(1_000_000)})
    [finding] = findings_of("SETTLE_LE_EST", cells)
    assert finding.message == (
        "Số quyết toán chi thường xuyên (1.234.567,5) vượt dự toán được giao (1.000.000):"
        " cần giải trình."
    )
    [english] = findings_of("SETTLE_LE_EST", cells, language="en")
    assert english.message == (
        "Recurrent spending settled (1.234.567,5) exceeds the estimate assigned (1.000.000):"
        " an explanation is needed."
    )


# Disbursed within the capital plan.


@pytest.mark.parametrize(
    ("disbursed", "plan", "comments", "fails"),
    [
        (D(42_000), D(50_000), {}, False),
        (D(50_000), D(50_000), {}, False),
        (D("50000.5"), D(50_000), {}, True),
        (D(60_000), D(50_000), {"INV_DISBURSED": "Ứng trước kế hoạch vốn"}, True),  # never waived
        (None, D(50_000), {}, False),
        (D(60_000), None, {}, False),
    ],
)
def test_disbursement_stays_within_the_capital_plan(
    disbursed: Decimal | None, plan: Decimal | None, comments: dict[str, str], fails: bool
) -> None:
    cells = report({"INV_DISBURSED": disbursed, "INV_PLAN": plan}, comments=comments)
    found = findings_of("INV_DISBURSED_LE_PLAN", cells)
    assert bool(found) is fails
    if fails:
        assert found[0].severity == "blocking"
        assert found[0].indicators == ("INV_DISBURSED",)
        assert found[0].message == (
            "Vốn đầu tư công đã giải ngân (50.000,5) vượt kế hoạch vốn được giao (50.000)."
            if disbursed == D("50000.5")
            else "Vốn đầu tư công đã giải ngân (60.000) vượt kế hoạch vốn được giao (50.000)."
        )


# Savings are never negative.


@pytest.mark.parametrize("code", SAVINGS_CODES)
@pytest.mark.parametrize(
    ("value", "comment", "fails"),
    [
        (D(0), "", False),
        (D("0.5"), "", False),
        (D("-0.0000000001"), "", False),  # rounding noise, not a negative saving
        (D("-1.5"), "", True),
        (D(-3), "Vượt chi", True),  # a comment does not make a negative saving right
        (None, "", False),
    ],
)
def test_every_savings_amount_is_non_negative(
    code: str, value: Decimal | None, comment: str, fails: bool
) -> None:
    cells = report(
        {code: value},
        comments={code: comment},
        last_year={code: None},
    )
    found = findings_of(f"{code}_NON_NEGATIVE", cells)
    assert bool(found) is fails
    if fails:
        assert found[0].severity == "blocking"
        assert found[0].indicators == (code,)
        assert found[0].message == f"Số tiết kiệm không được âm ({format_figure(value)})."


# A figure above three times last year's needs a comment.


@pytest.mark.parametrize("code", JUMP_CODES)
@pytest.mark.parametrize(
    ("value", "last_year", "comment", "fails"),
    [
        (D(300), D(100), "", False),  # exactly three times
        (D("300.5"), D(100), "", True),
        (D(1_000), D(100), "", True),
        (D(1_000), D(100), "Năm nay được giao thêm nhiệm vụ", False),
        (D(1_000), D(100), " \n", True),
        (D(1), D(0), "", True),  # from nothing to something: say why
        (D(0), D(0), "", False),
        (D(1_000), None, "", False),  # no last year: nothing to compare with
        (None, D(100), "", False),
    ],
)
def test_a_figure_above_three_times_last_year_needs_a_comment(
    code: str,
    value: Decimal | None,
    last_year: Decimal | None,
    comment: str,
    fails: bool,
) -> None:
    # The jump check alone: other rules on the same code are not under test here.
    rules = [rule for rule in DEFAULT_RULES if rule.code == f"{code}_JUMP_3X"]
    cells = Cells(
        values={code: value},
        last_year={code: last_year},
        comments={code: comment},
    )
    found = check(rules, cells)
    assert bool(found) is fails
    if fails:
        assert found[0].severity == "blocking"
        assert found[0].indicators == (code,)
        assert found[0].right == (None if last_year is None else 3 * last_year)


def test_the_jump_message_reads_naturally_in_both_languages() -> None:
    cells = report({"ELECTRICITY_KWH": D(600_000)}, last_year={"ELECTRICITY_KWH": D("180000.5")})
    [vi] = findings_of("ELECTRICITY_KWH_JUMP_3X", cells)
    assert vi.message == (
        "Số liệu (600.000) cao hơn 3 lần cùng kỳ năm trước (3 lần là 540.001,5):"
        " cần ghi chú giải trình."
    )
    [en] = findings_of("ELECTRICITY_KWH_JUMP_3X", cells, language="en")
    assert (en.left, en.right) == (D(600_000), D("540001.5"))
    assert en.message == (
        "The figure (600.000) is more than three times the same period last year"
        " (three times is 540.001,5): add a comment to explain it."
    )


def test_the_default_rules_can_cover_other_codes() -> None:
    rules = default_rules(savings_codes=["SAV_X"], jump_codes=["Y"])
    assert [rule.code for rule in rules] == [
        "SETTLE_LE_EST",
        "INV_DISBURSED_LE_PLAN",
        "SAV_X_NON_NEGATIVE",
        "Y_JUMP_3X",
    ]
    assert rules[-1].right == "3 * last_year(Y)"


# The checker itself.


def rule(left: str = "A", operator: str = "<=", right: str = "B", **changes: object) -> Rule:
    fields: dict[str, object] = {
        "code": "R",
        "left": left,
        "operator": operator,
        "right": right,
        "severity": "blocking",
        "message_vi": "{left} so với {right}",
        "message_en": "{left} against {right}",
    }
    return Rule(**(fields | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("left", "operator", "right", "expected"),
    [
        (D(1), "<", D(2), True),
        (D(2), "<", D(2), False),
        (D(2), "<=", D(2), True),
        (D(3), "<=", D(2), False),
        (D(3), ">", D(2), True),
        (D(2), ">", D(2), False),
        (D(2), ">=", D(2), True),
        (D(1), ">=", D(2), False),
        (D(2), "==", D("2.000"), True),
        (D("0.9999999999999999999999999999"), "==", D(1), True),  # 1/3*3
        (D("1.000000001"), "==", D(1), False),
        (D("1.0000000001"), "!=", D(1), False),
        (D("1.000000001"), "!=", D(1), True),
        (D("1e40"), "==", D("1e40"), True),  # large figures are still compared
        (D("1e90"), "<", D("2e90"), True),
    ],
)
def test_it_compares_with_a_tolerance_of_1e_9(
    left: Decimal, operator: str, right: Decimal, expected: bool
) -> None:
    assert holds(left, operator, right) is expected


def test_it_compares_computed_sides() -> None:
    cells = Cells(values={"A": D(1), "B": D(3)})
    assert check([rule("A / B * B", "==", "A")], cells) == []
    assert check([rule("A / B", "==", "0.333333333")], cells) == []


def test_it_reads_previous_and_last_year_figures() -> None:
    cells = Cells(values={"A": D(10)}, previous={"A": D(4)}, last_year={"A": D(7)})
    assert check([rule("A - prev(A)", "==", "6"), rule("last_year(A)", "==", "7")], cells) == []
    [finding] = check([rule("A - prev(A)", ">", "last_year(A)")], cells)
    assert (finding.left, finding.right, finding.indicators) == (D(6), D(7), ("A",))


def test_it_fails_a_rule_on_missing_data_when_asked() -> None:
    rules = [rule("A", "<=", "B")]
    cells = Cells(values={"A": D(5)})
    assert check(rules, cells) == []
    [finding] = check(rules, cells, skip_missing=False)
    assert (finding.left, finding.right) == (D(5), None)
    assert finding.message == "5 so với —"


def test_it_skips_a_side_divided_by_zero() -> None:
    assert check([rule("A / B", ">", "1")], Cells(values={"A": D(5), "B": D(0)})) == []


def test_a_waiver_needs_a_comment_on_any_left_side_indicator() -> None:
    waived = [rule("A + B", "<=", "C", waivable_by_comment=True)]
    values: dict[str, Decimal | None] = {"A": D(5), "B": D(5), "C": D(1)}
    [finding] = check(waived, Cells(values=values))
    assert finding.indicators == ("A", "B")
    assert check(waived, Cells(values=values, comments={"B": "Giải trình"})) == []
    assert check(waived, Cells(values=values, comments={"C": "Giải trình"})) != []


def test_it_keeps_the_order_of_the_rules_and_splits_by_severity() -> None:
    rules = [
        rule("A", ">", "1", code="W1", severity="warning"),
        rule("A", ">", "2", code="B1"),
        rule("A", ">", "0", code="OK"),
        rule("A", ">", "3", code="B2"),
    ]
    found = check(rules, Cells(values={"A": D(1)}))
    assert [f.rule for f in found] == ["W1", "B1", "B2"]
    assert [f.rule for f in blocking(found)] == ["B1", "B2"]
    assert [f.rule for f in warnings(found)] == ["W1"]


def test_it_raises_on_a_rule_that_does_not_compile() -> None:
    with pytest.raises(ExpressionError):
        check([rule("A.B", "<", "1")], Cells(values={}))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("1234567.5"), "1.234.567,5"),
        (D("1234567.50"), "1.234.567,5"),
        (D(1_000_000), "1.000.000"),
        (D("1E+6"), "1.000.000"),
        (D("-1234.25"), "-1.234,25"),
        (D("0.5"), "0,5"),
        (D(0), "0"),
        (D("100") / D(3), "33,333"),  # computed: at most three decimals
        (D("2") / D(3), "0,667"),
        (None, "—"),
        (D("1e30"), "1E+30"),  # beyond 28 digits: still a number, without grouping
    ],
)
def test_it_formats_figures_the_vietnamese_way(value: Decimal | None, text: str) -> None:
    assert format_figure(value) == text


def test_it_leaves_other_braces_in_a_message_alone() -> None:
    [finding] = check(
        [rule("A", "<", "B", message_vi="{left} ≥ {right} {không phải ô} {left}")],
        Cells(values={"A": D(2), "B": D(1)}),
    )
    assert finding.message == "2 ≥ 1 {không phải ô} 2"


# Checking a rule an administrator writes.


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({}, []),
        ({"code": " "}, ["The rule needs a code."]),
        ({"left": "A.B"}, ["Left side: Attribute access with a dot is not allowed in a formula."]),
        ({"right": "foo(A)"}, ["Right side: Unknown function “foo”."]),
        ({"right": ""}, ["Right side: The formula is empty."]),
        ({"operator": "=<"}, ["Unknown comparison “=<”; use one of < <= > >= == !=."]),
        ({"operator": "="}, ["Unknown comparison “=”; use one of < <= > >= == !=."]),
        ({"severity": "error"}, ["The severity must be “blocking” or “warning”."]),
        ({"message_vi": " "}, ["The Vietnamese message is empty."]),
        ({"message_en": ""}, ["The English message is empty."]),
        (
            {"message_en": "{left} over {rigth}"},
            ["Unknown placeholder “{rigth}”; a message may use {left} and {right}."],
        ),
        (
            {"left": "0", "waivable_by_comment": True},
            ["A rule waived by a comment needs an indicator on its left side."],
        ),
        (
            {"left": "A +", "right": "B ** 2", "message_vi": ""},
            [
                "Left side: The formula is not well formed.",
                "Right side: The power operator (**) is not allowed in a formula.",
                "The Vietnamese message is empty.",
            ],
        ),
    ],
)
def test_it_explains_what_is_wrong_with_a_rule(changes: dict[str, Any], errors: list[str]) -> None:
    with translation.override("en"):
        found = validate_rule_definition(replace(rule("A", "<=", "B"), **changes))
    assert [e.split(" The functions are")[0] for e in found] == errors
