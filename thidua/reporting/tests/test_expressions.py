"""The formula language: grammar, values, rejections, dependency order. No database."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.functional import Promise
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.reporting.expressions import (
    MAX_LENGTH,
    Expression,
    ExpressionError,
    compile_expression,
    dependency_order,
    evaluate,
    formula_in_words,
)

D = Decimal

VALUES: dict[str, Decimal | None] = {
    "EST_RECURRENT": D(200),
    "SETTLE_RECURRENT": D(150),
    "C188_CONF": D("12.5"),
    "A": D("0.1"),
    "B": D("0.2"),
    "ZERO": D(0),
    "NEG": D(-7),
    "EMPTY": None,
}
PREVIOUS: dict[str, Decimal | None] = {"EST_RECURRENT": D(180), "EMPTY": None}
LAST_YEAR: dict[str, Decimal | None] = {"EST_RECURRENT": D(160), "C188_CONF": D(10)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", D(12)),
        ("1.5", D("1.5")),
        ("0.1 + 0.2", D("0.3")),
        ("A + B", D("0.3")),
        ("(EST_RECURRENT - SETTLE_RECURRENT) / EST_RECURRENT * 100", D(25)),
        ("EST_RECURRENT - SETTLE_RECURRENT * 2", D(-100)),
        ("(EST_RECURRENT - SETTLE_RECURRENT) * 2", D(100)),
        ("-C188_CONF", D("-12.5")),
        ("+C188_CONF", D("12.5")),
        ("--C188_CONF", D("12.5")),
        ("1 / 3 * 3", D("0.9999999999999999999999999999")),  # 28 digits, then rounded
        ("2 / 3", D("0.6666666666666666666666666667")),
        ("abs(NEG)", D(7)),
        ("min(EST_RECURRENT, SETTLE_RECURRENT, C188_CONF)", D("12.5")),
        ("max(EST_RECURRENT, SETTLE_RECURRENT, 1000)", D(1000)),
        ("min(NEG)", D(-7)),
        ("sum(A, B, 1)", D("1.3")),
        ("coalesce(EMPTY, 0)", D(0)),
        ("coalesce(EMPTY, MISSING_CODE, 5)", D(5)),
        ("coalesce(C188_CONF, 0)", D("12.5")),
        ("coalesce(EST_RECURRENT / ZERO, 0)", D(0)),
        ("prev(EST_RECURRENT)", D(180)),
        ("EST_RECURRENT - prev(EST_RECURRENT)", D(20)),
        ("last_year(EST_RECURRENT)", D(160)),
        ("C188_CONF / last_year(C188_CONF) * 100", D(125)),
        ("1000000000000000000", D("1e18")),
        ("  A\n+\tB  ", D("0.3")),  # line breaks and tabs are spaces
        ("((((A)))) + ((B))", D("0.3")),
        ("sum(" + ", ".join(["A"] * 80) + ")", D(8)),
        (" + ".join(["A"] * 80), D(8)),  # a long chain is not deep nesting
    ],
)
def test_it_computes_formulas_exactly(text: str, expected: Decimal) -> None:
    assert evaluate(compile_expression(text), VALUES, PREVIOUS, LAST_YEAR) == expected


@pytest.mark.parametrize(
    "text",
    [
        "EMPTY",
        "MISSING_CODE",
        "EMPTY + 1",
        "-EMPTY",
        "EST_RECURRENT * EMPTY",
        "abs(EMPTY)",
        "min(1, EMPTY)",
        "max(EMPTY, 1)",
        "sum(A, B, EMPTY)",
        "coalesce(EMPTY, MISSING_CODE)",
        "prev(EMPTY)",
        "prev(SETTLE_RECURRENT)",
        "last_year(SETTLE_RECURRENT)",
    ],
)
def test_it_gives_none_when_an_operand_is_missing(text: str) -> None:
    assert evaluate(compile_expression(text), VALUES, PREVIOUS, LAST_YEAR) is None


@pytest.mark.parametrize(
    "text",
    ["EST_RECURRENT / ZERO", "ZERO / ZERO", "1 / (EST_RECURRENT - 200)", "A / (ZERO * 5)"],
)
def test_it_gives_none_on_division_by_zero(text: str) -> None:
    assert evaluate(compile_expression(text), VALUES) is None


def test_it_treats_nan_and_infinity_as_missing() -> None:
    expr = compile_expression("X + 1")
    assert evaluate(expr, {"X": D("NaN")}) is None
    assert evaluate(expr, {"X": D("Infinity")}) is None


def test_it_gives_none_rather_than_overflowing() -> None:
    expr = compile_expression("X * X")
    assert evaluate(expr, {"X": D("1e600000")}) is None


def test_it_reads_history_from_the_mappings_it_is_given() -> None:
    expr = compile_expression("X - prev(X)")
    assert evaluate(expr, {"X": D(5)}) is None  # no previous period given
    assert evaluate(expr, {"X": D(5)}, previous={"X": D(2)}) == D(3)
    assert evaluate(expr, {"X": D(5)}, last_year={"X": D(2)}) is None


@pytest.mark.parametrize(
    ("text", "codes", "previous", "last_year"),
    [
        ("(EST - SETTLE) / EST * 100", {"EST", "SETTLE"}, set(), set()),
        ("X - prev(X)", {"X"}, {"X"}, set()),
        ("X / last_year(Y)", {"X"}, set(), {"Y"}),
        ("prev(A) + last_year(B) + 1", set(), {"A"}, {"B"}),
        ("coalesce(C188_CONF, 0) + sum(A1, B_2)", {"C188_CONF", "A1", "B_2"}, set(), set()),
    ],
)
def test_it_lists_the_codes_a_formula_reads(
    text: str, codes: set[str], previous: set[str], last_year: set[str]
) -> None:
    expr = compile_expression(text)
    assert expr.codes == codes
    assert expr.previous_codes == previous
    assert expr.last_year_codes == last_year
    assert expr.history_codes == previous | last_year


def test_it_keeps_the_source_and_compares_by_value() -> None:
    assert compile_expression(" A + 1 ").source == "A + 1"
    assert compile_expression("A + 1") == compile_expression("A + 1")
    with pytest.raises(AttributeError):
        compile_expression("A").source = "B"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The formula is empty."),
        ("   ", "The formula is empty."),
        ("import os", "The formula is not well formed."),
        ("__import__('os')", "Unknown function “__import__”."),
        ("A.__class__", "Attribute access with a dot is not allowed"),
        ("().__class__", "Attribute access with a dot is not allowed"),
        ("A.B", "Attribute access with a dot is not allowed"),
        ("lambda: 1", "“lambda: 1” is not allowed in a formula."),
        ("A ** 2", "The power operator (**) is not allowed"),
        ("A % 2", "“A % 2” is not allowed"),
        ("A // 2", "“A // 2” is not allowed"),
        ("open('x')", "Unknown function “open”."),
        ("eval('1')", "Unknown function “eval”."),
        ("'x'", "Text in quotes is not allowed"),
        ("A[0]", "“A[0]” is not allowed"),
        ("[A]", "“[A]” is not allowed"),
        ("A < B", "Comparisons are not allowed"),
        ("A == B", "Comparisons are not allowed"),
        ("A and B", "Comparisons are not allowed"),
        ("A if B else C", "is not allowed in a formula"),
        ("A := 1", "The formula is not well formed."),
        ("A = 1", "The formula is not well formed."),
        ("A +", "The formula is not well formed."),
        ("est", "“est” is not an indicator code"),
        ("_A", "“_A” is not an indicator code"),
        ("Est_Recurrent", "“Est_Recurrent” is not an indicator code"),
        ("True", "“True” is not allowed"),
        ("None", "“None” is not allowed"),
        ("1e3", "“1e3” is not a plain decimal number"),
        ("1_000", "“1_000” is not a plain decimal number"),
        ("0x10", "“0x10” is not a plain decimal number"),
        ("2j", "“2j” is not a plain decimal number"),
        (".5", "“.5” is not a plain decimal number"),
        ("1,5", "Write decimals with a dot (1.5)"),
        ("A, B", "Write decimals with a dot (1.5)"),
        ("1000000000000000001", "The number 1000000000000000001 is too large"),
        ("A / 0", "Division by zero is not allowed in a formula constant."),
        ("A / (2 - 2)", "Division by zero is not allowed in a formula constant."),
        ("A / -0.0", "Division by zero is not allowed in a formula constant."),
        ("foo(A)", "Unknown function “foo”."),
        ("ABS(A)", "Unknown function “ABS”."),
        ("A(1)", "Unknown function “A”."),
        ("abs()", "“abs” takes exactly one argument."),
        ("abs(A, B)", "“abs” takes exactly one argument."),
        ("min()", "“min” needs at least one argument."),
        ("coalesce(A)", "“coalesce” needs a value and at least one default"),
        ("sum(*A)", "Write the arguments of “sum” one after the other"),
        ("max(x=A)", "Write the arguments of “max” one after the other"),
        ("prev(A + B)", "“prev” takes exactly one indicator code"),
        ("last_year(1)", "“last_year” takes exactly one indicator code"),
        ("prev(A, B)", "“prev” takes exactly one indicator code"),
        ("prev(a)", "“a” is not an indicator code"),
        ("A # + B", "character that is not allowed: “#”"),
        ("'\\l'", "character that is not allowed: “\\”"),
        ("1if A else B", "“1if” is not a plain decimal number"),
        ("0x1F", "“0x1F” is not a plain decimal number"),
        ("1.", "“1.” is not a plain decimal number"),
        ("ＡＢ", "character that is not allowed: “Ａ”"),
        ("ĐỊNH_MỨC", "character that is not allowed: “Đ”"),
        ("A\x00", "character that is not allowed: “U+0000”"),
        ("A + " * 200 + "A", "The formula is too long (801 characters; at most 500)."),
        ("-" * 60 + "A", "nested too deeply (at most 50 levels)"),
        ("(" * 201 + "A" + ")" * 201, "The formula is not well formed."),  # Python's own limit
        ("+".join(["(A"] * 55) + ")" * 55, "nested too deeply"),
    ],
)
def test_it_rejects_what_is_not_a_formula(text: str, message: str) -> None:
    with translation.override("en"):
        with pytest.raises(ExpressionError) as caught:
            compile_expression(text)
        assert message in str(caught.value)


def test_it_keeps_the_message_lazy_for_forms() -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression("foo(A)")
    # A form raises ValidationError(exc.message, params=exc.params): translated when shown.
    assert isinstance(caught.value.message, Promise)
    assert caught.value.params["name"] == "foo"
    with translation.override("en"):
        assert str(caught.value).startswith("Unknown function “foo”.")


def test_it_accepts_the_longest_allowed_formula() -> None:
    text = "1 + " * ((MAX_LENGTH - 1) // 4) + "1"
    assert len(text) <= MAX_LENGTH
    assert evaluate(compile_expression(text), {}) == D(len(text.split("+")))


def formulas(**texts: str) -> dict[str, Expression]:
    return {code: compile_expression(text) for code, text in texts.items()}


@pytest.mark.parametrize(
    ("texts", "order"),
    [
        ({}, []),
        ({"RATE": "(EST - SETTLE) / EST * 100"}, ["RATE"]),
        ({"C": "A + B", "A": "X", "B": "A * 2"}, ["A", "B", "C"]),
        ({"TOTAL": "SUB1 + SUB2", "SUB2": "Y", "SUB1": "X"}, ["SUB1", "SUB2", "TOTAL"]),
        ({"Z": "1", "Y": "Z", "X": "Y", "W": "X"}, ["Z", "Y", "X", "W"]),
        ({"A": "prev(B) + 1", "B": "A"}, ["A", "B"]),  # prev() reads another period
        ({"A": "A * 0 + last_year(A)"} | {"B": "1"}, None),  # reads itself in this period
    ],
)
def test_it_orders_derived_indicators_after_what_they_read(
    texts: dict[str, str], order: list[str] | None
) -> None:
    if order is None:
        with pytest.raises(ExpressionError):
            dependency_order(formulas(**texts))
    else:
        assert dependency_order(formulas(**texts)) == order


@pytest.mark.parametrize(
    ("texts", "cycle"),
    [
        ({"A": "A + 1"}, "A → A"),
        ({"A": "B + 1", "B": "A * 2"}, "A → B → A"),
        ({"A": "B", "B": "C", "C": "A", "D": "A"}, "A → B → C → A"),
        ({"X": "Y", "Y": "Z", "Z": "Y"}, "Y → Z → Y"),
    ],
)
def test_it_names_the_cycle_in_formulas_that_read_each_other(
    texts: dict[str, str], cycle: str
) -> None:
    with translation.override("en"):
        with pytest.raises(ExpressionError) as caught:
            dependency_order(formulas(**texts))
        assert str(caught.value) == f"These formulas depend on each other in a cycle: {cycle}."


def test_it_orders_a_long_chain_without_recursion() -> None:
    chain = {f"C{i}": compile_expression(f"C{i + 1} + 1") for i in range(3000)}
    order = dependency_order(chain)
    assert order[0] == "C2999"
    assert order[-1] == "C0"


# Property tests.

CODES = ("A", "B", "C188_CONF", "EST_RECURRENT")
REFERENCE = decimal.Context(prec=28)

decimals = st.decimals(
    min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False, places=6
)


@st.composite
def leaves(draw: st.DrawFn) -> tuple[str, object]:
    if draw(st.booleans()):
        code = draw(st.sampled_from(CODES))
        return code, ("code", code)
    number = draw(decimals)
    literal = f"{abs(number):f}"
    if number < 0:
        return f"(-{literal})", ("neg", D(literal))
    return literal, ("num", D(literal))


def combine(
    children: st.SearchStrategy[tuple[str, object]],
) -> st.SearchStrategy[tuple[str, object]]:
    return st.tuples(children, st.sampled_from("+-*"), children).map(
        lambda t: (f"({t[0][0]} {t[1]} {t[2][0]})", (t[1], t[0][1], t[2][1]))
    )


def reference(tree: object, values: dict[str, Decimal]) -> Decimal:
    assert isinstance(tree, tuple)
    kind = tree[0]
    if kind == "code":
        return values[tree[1]]
    if kind in ("num", "neg"):
        number = tree[1]
        assert isinstance(number, Decimal)
        return number if kind == "num" else REFERENCE.minus(number)
    left, right = reference(tree[1], values), reference(tree[2], values)
    operation = {"+": REFERENCE.add, "-": REFERENCE.subtract, "*": REFERENCE.multiply}[kind]
    return operation(left, right)


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(leaves(), combine, max_leaves=12),
    st.fixed_dictionaries(dict.fromkeys(CODES, decimals)),
)
def test_it_computes_what_python_decimal_computes(
    formula: tuple[str, object], values: dict[str, Decimal]
) -> None:
    text, tree = formula
    assert evaluate(compile_expression(text), dict(values)) == reference(tree, values)


FORMULA_ALPHABET = "ABCXYZ_019 .,+-*/()<=>!'\"[]{}:;#@%&|^~`\\\n\tabcprevlast_yearsumincoalesce"


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=FORMULA_ALPHABET, max_size=80)))
def test_the_parser_raises_only_expression_errors(text: str) -> None:
    try:
        expr = compile_expression(text)
    except ExpressionError:
        return
    evaluate(expr, dict.fromkeys(expr.codes, D(2)), dict.fromkeys(expr.history_codes, D(1)))


NAMES = {
    "EST_RECURRENT": "Dự toán chi thường xuyên",
    "SETTLE_RECURRENT": "Quyết toán chi thường xuyên",
    "INSPECTIONS": "Số cuộc kiểm tra",
    "A": "a",
    "B": "b",
    "C": "c",
}


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        (
            "(EST_RECURRENT - SETTLE_RECURRENT) / EST_RECURRENT * 100",
            "(Dự toán chi thường xuyên − Quyết toán chi thường xuyên)"
            " ÷ Dự toán chi thường xuyên × 100",
        ),
        ("coalesce(INSPECTIONS, 0) + 1.5", "Số cuộc kiểm tra (nếu trống: 0) + 1,5"),
        ("coalesce(A, B, 0)", "a (nếu trống: b (nếu trống: 0))"),
        ("A - (B - C)", "a − (b − c)"),
        ("A - B - C", "a − b − c"),
        ("A / (B * C)", "a ÷ (b × c)"),
        ("A * B + C", "a × b + c"),
        ("-(A + B)", "−(a + b)"),
        ("prev(A) + last_year(B)", "a (kỳ trước) + b (cùng kỳ năm trước)"),
        ("max(A, B) + abs(C)", "số lớn nhất trong (a; b) + giá trị tuyệt đối của c"),
        ("sum(A, B, UNKNOWN)", "(a + b + UNKNOWN)"),
        ("12000", "12.000"),
        ("A +", "A +"),  # does not compile: shown as stored
    ],
)
def test_it_reads_a_formula_in_words(formula: str, expected: str) -> None:
    with translation.override("vi"):
        assert formula_in_words(formula, NAMES) == expected


def test_it_reads_a_formula_in_english_words() -> None:
    with translation.override("en"):
        assert formula_in_words("coalesce(A, 1.5)", NAMES) == "a (if blank: 1.5)"
