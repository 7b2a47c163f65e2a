"""A small, safe expression language over indicator codes.

Derived indicators (``(EST_RECURRENT - SETTLE_RECURRENT) / EST_RECURRENT * 100``) and both sides
of a validation rule are written in it. The grammar:

- decimal numbers: ``12``, ``1.5`` (no exponent, no grouping, at most 1e18);
- indicator codes: ``[A-Z][A-Z0-9_]*`` (``C188_CONF``, ``EST_RECURRENT``);
- ``+ - * /``, unary ``-`` and ``+``, parentheses;
- at most 500 characters and 50 levels of nesting (brackets, function calls, signs; a chain
  such as ``A + B + C + …`` is one level);
- functions: ``prev(CODE)`` (the previous period's value), ``last_year(CODE)`` (the same period
  last year), ``abs(x)``, ``min(x, y, …)``, ``max(…)``, ``sum(…)``, ``coalesce(x, default, …)``.

Text is parsed with :func:`ast.parse` and every node is checked against a whitelist; nothing is
ever compiled or executed by Python. Evaluation uses :class:`~decimal.Decimal` with 28 digits, so
``0.1 + 0.2`` is exactly ``0.3``. A missing value (``None``) makes the result ``None`` except
inside ``coalesce``; so does a division by zero, because a unit whose estimate is 0 has no savings
rate rather than an error. ``if(…)`` is not provided: ``if`` is a Python keyword, and no formula
in the catalogue needs it.

The module is pure (no ORM) so forms, imports, roll-ups and tests share it.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, DecimalException
from types import MappingProxyType
from typing import Literal

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 500
MAX_DEPTH = 50
MAX_LITERAL = Decimal("1e18")
DECIMAL_CONTEXT = Context(prec=28)

CODE_PATTERN = re.compile(r"[A-Z][A-Z0-9_]*")
_NUMBER_PATTERN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_GLUED_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])[0-9][0-9.]*[A-Za-z_][A-Za-z0-9_.]*")
_NOT_A_NUMBER = _("“%(text)s” is not a plain decimal number such as 12 or 1.5.")

Values = Mapping[str, Decimal | None]
EMPTY: Values = MappingProxyType({})

BinaryOperator = Literal["+", "-", "*", "/"]
HistoryKind = Literal["prev", "last_year"]
FunctionName = Literal["abs", "min", "max", "sum", "coalesce"]


class ExpressionError(ValueError):
    """A formula that cannot be compiled, or formulas that depend on each other in a cycle.

    ``message`` stays lazy and ``params`` separate, so a form can raise
    ``ValidationError(exc.message, params=exc.params)`` and show it in the user's language;
    ``str(exc)`` gives the text in the active language.
    """

    def __init__(self, message: str | Promise, **params: str | int) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


# The tree. Frozen dataclasses instead of ast nodes: immutable, comparable, typed.


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    """The value of an indicator in the period being computed."""

    code: str


@dataclass(frozen=True)
class History:
    """``prev(CODE)`` or ``last_year(CODE)``."""

    kind: HistoryKind
    code: str


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: BinaryOperator
    left: Node
    right: Node


@dataclass(frozen=True)
class Function:
    name: FunctionName
    args: tuple[Node, ...]


Node = Number | Ref | History | Negate | Binary | Function


@dataclass(frozen=True)
class Expression:
    """A compiled formula: its source, its tree and the indicator codes it reads."""

    source: str
    tree: Node
    codes: frozenset[str]
    """Codes read in the period being computed: the edges of :func:`dependency_order`."""
    previous_codes: frozenset[str]
    """Codes read through ``prev(…)``."""
    last_year_codes: frozenset[str]
    """Codes read through ``last_year(…)``."""

    @property
    def history_codes(self) -> frozenset[str]:
        """Codes read from another period; they never make a dependency cycle."""
        return self.previous_codes | self.last_year_codes


# Compiling.

_BINARY_OPERATORS: dict[type[ast.operator], BinaryOperator] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}
_HISTORY_FUNCTIONS: tuple[HistoryKind, ...] = ("prev", "last_year")
_FUNCTIONS: dict[str, tuple[FunctionName, int]] = {  # name -> (name, minimum number of arguments)
    "abs": ("abs", 1),
    "min": ("min", 1),
    "max": ("max", 1),
    "sum": ("sum", 1),
    "coalesce": ("coalesce", 2),
}
_ALL_FUNCTIONS = ", ".join([*_HISTORY_FUNCTIONS, *_FUNCTIONS])


@functools.lru_cache(maxsize=4096)
def compile_expression(text: str) -> Expression:
    """Parse ``text`` into an :class:`Expression`, or raise :class:`ExpressionError`.
    Cached (an Expression is immutable): the rules are compiled again on every save."""
    source = text.strip()
    if not source:
        raise ExpressionError(_("The formula is empty."))
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            _("The formula is too long (%(length)d characters; at most %(limit)d)."),
            length=len(source),
            limit=MAX_LENGTH,
        )
    for char in source:
        # Python folds compatibility characters into ASCII names (NFKC: "ＡＢ" is "AB"); a formula
        # must say exactly what it reads, so only ASCII is accepted. "#" would hide the rest of
        # the line as a comment, and a backslash has no use outside Python's strings.
        if not char.isascii() or char in "#\\" or not (char.isprintable() or char in "\t\r\n"):
            raise ExpressionError(
                _("The formula contains a character that is not allowed: “%(char)s”."),
                char=char if char.isprintable() else f"U+{ord(char):04X}",
            )
    glued = _GLUED_NUMBER.search(source)
    if glued:  # "1e5", "0x1F", "2j", "1if": Python would read another kind of number, or warn
        raise ExpressionError(_NOT_A_NUMBER, text=glued.group())
    # One line, same offsets: the eval grammar refuses a line break outside parentheses.
    line = re.sub(r"[\t\r\n]", " ", source)
    try:
        parsed = ast.parse(line, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(_("The formula is not well formed.")) from exc
    tree = _Compiler(line).node(parsed.body, 1)
    codes: set[str] = set()
    history: dict[HistoryKind, set[str]] = {"prev": set(), "last_year": set()}
    _collect(tree, codes, history)
    return Expression(
        source=source,
        tree=tree,
        codes=frozenset(codes),
        previous_codes=frozenset(history["prev"]),
        last_year_codes=frozenset(history["last_year"]),
    )


class _Compiler:
    """Turns a whitelisted ``ast`` tree into :data:`Node`; anything else is an error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def node(self, node: ast.expr, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise ExpressionError(
                _("The formula is nested too deeply (at most %(limit)d levels)."), limit=MAX_DEPTH
            )
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return Ref(self.code(node))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.node(node.operand, depth + 1)
            return Negate(operand) if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            return self.binary(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise self.refuse(node)

    def number(self, node: ast.Constant) -> Number:
        if not isinstance(node.value, int | float | complex) or isinstance(node.value, bool):
            raise self.refuse(node)
        text = self.segment(node)
        if not _NUMBER_PATTERN.fullmatch(text):
            raise ExpressionError(_NOT_A_NUMBER, text=text)
        value = Decimal(text)
        if value > MAX_LITERAL:
            raise ExpressionError(_("The number %(text)s is too large (at most 10¹⁸)."), text=text)
        return Number(value)

    def code(self, node: ast.Name) -> str:
        if not CODE_PATTERN.fullmatch(node.id):
            raise ExpressionError(
                _(
                    "“%(name)s” is not an indicator code: a code is capital letters, digits and"
                    " underscores, and starts with a letter."
                ),
                name=node.id,
            )
        return node.id

    def binary(self, node: ast.BinOp, depth: int) -> Binary:
        op = _BINARY_OPERATORS.get(type(node.op))
        if op is None:
            if isinstance(node.op, ast.Pow):
                raise ExpressionError(_("The power operator (**) is not allowed in a formula."))
            raise self.refuse(node)
        # A chain such as A + B + C + … nests to the left in the ast; a reader sees one level.
        left = self.node(node.left, depth if isinstance(node.left, ast.BinOp) else depth + 1)
        right = self.node(node.right, depth + 1)
        if op == "/" and _is_constant(right) and _evaluate(right, EMPTY, EMPTY, EMPTY) == 0:
            raise ExpressionError(_("Division by zero is not allowed in a formula constant."))
        return Binary(op, left, right)

    def call(self, node: ast.Call, depth: int) -> Node:
        if not isinstance(node.func, ast.Name):
            raise self.refuse(node)
        name = node.func.id
        if name not in _FUNCTIONS and name not in _HISTORY_FUNCTIONS:
            raise ExpressionError(
                _("Unknown function “%(name)s”. The functions are: %(functions)s."),
                name=name,
                functions=_ALL_FUNCTIONS,
            )
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise ExpressionError(
                _("Write the arguments of “%(name)s” one after the other, separated by commas."),
                name=name,
            )
        if name in _HISTORY_FUNCTIONS:
            if len(node.args) != 1 or not isinstance(node.args[0], ast.Name):
                raise ExpressionError(
                    _("“%(name)s” takes exactly one indicator code, such as %(name)s(EST)."),
                    name=name,
                )
            kind: HistoryKind = "prev" if name == "prev" else "last_year"
            return History(kind, self.code(node.args[0]))
        function, minimum = _FUNCTIONS[name]
        if function == "abs" and len(node.args) != 1:
            raise ExpressionError(_("“abs” takes exactly one argument."))
        if len(node.args) < minimum:
            raise ExpressionError(
                _("“coalesce” needs a value and at least one default, such as coalesce(X, 0).")
                if function == "coalesce"
                else _("“%(name)s” needs at least one argument."),
                name=name,
            )
        return Function(function, tuple(self.node(arg, depth + 1) for arg in node.args))

    def refuse(self, node: ast.AST) -> ExpressionError:
        if isinstance(node, ast.Attribute):
            return ExpressionError(_("Attribute access with a dot is not allowed in a formula."))
        if isinstance(node, ast.Compare | ast.BoolOp):
            return ExpressionError(_("Comparisons are not allowed in a formula."))
        if isinstance(node, ast.Tuple):  # "1,5": the Vietnamese decimal comma
            return ExpressionError(
                _("Write decimals with a dot (1.5); a comma only separates a function's arguments.")
            )
        if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
            return ExpressionError(_("Text in quotes is not allowed in a formula."))
        return ExpressionError(
            _("“%(text)s” is not allowed in a formula."), text=self.segment(node)[:40]
        )

    def segment(self, node: ast.AST) -> str:
        # The source is ASCII on one line, so the ast's UTF-8 byte offsets are string offsets.
        start = getattr(node, "col_offset", 0)
        end = getattr(node, "end_col_offset", None) or len(self.source)
        return self.source[start:end]


def _collect(node: Node, codes: set[str], history: dict[HistoryKind, set[str]]) -> None:
    if isinstance(node, Ref):
        codes.add(node.code)
    elif isinstance(node, History):
        history[node.kind].add(node.code)
    elif isinstance(node, Negate):
        _collect(node.operand, codes, history)
    elif isinstance(node, Binary):
        _collect(node.left, codes, history)
        _collect(node.right, codes, history)
    elif isinstance(node, Function):
        for arg in node.args:
            _collect(arg, codes, history)


def _is_constant(node: Node) -> bool:
    if isinstance(node, Number):
        return True
    if isinstance(node, Negate):
        return _is_constant(node.operand)
    if isinstance(node, Binary):
        return _is_constant(node.left) and _is_constant(node.right)
    if isinstance(node, Function):
        return all(_is_constant(arg) for arg in node.args)
    return False


# Evaluating.


def evaluate(
    expr: Expression,
    values: Values,
    previous: Values = EMPTY,
    last_year: Values = EMPTY,
) -> Decimal | None:
    """The formula's value, or ``None`` when an operand is missing or a divisor is zero.

    ``values`` holds this period's figures, ``previous`` the previous period's and ``last_year``
    the same period's of last year. A code absent from its mapping counts as missing, as do NaN
    and infinite values.
    """
    try:
        result = _evaluate(expr.tree, values, previous, last_year)
    except (DecimalException, OverflowError):
        return None
    return result if result is None or result.is_finite() else None


def _evaluate(node: Node, values: Values, previous: Values, last_year: Values) -> Decimal | None:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Ref):
        return _finite(values.get(node.code))
    if isinstance(node, History):
        return _finite((previous if node.kind == "prev" else last_year).get(node.code))
    if isinstance(node, Negate):
        operand = _evaluate(node.operand, values, previous, last_year)
        return None if operand is None else DECIMAL_CONTEXT.minus(operand)
    if isinstance(node, Binary):
        left = _evaluate(node.left, values, previous, last_year)
        right = _evaluate(node.right, values, previous, last_year)
        if left is None or right is None or (node.op == "/" and right == 0):
            return None
        return _OPERATIONS[node.op](left, right)
    args = [_evaluate(arg, values, previous, last_year) for arg in node.args]
    if node.name == "coalesce":
        return next((arg for arg in args if arg is not None), None)
    present = [arg for arg in args if arg is not None]
    if len(present) < len(args):
        return None
    if node.name == "abs":
        return DECIMAL_CONTEXT.abs(present[0])
    if node.name == "sum":
        total = Decimal(0)
        for arg in present:
            total = DECIMAL_CONTEXT.add(total, arg)
        return total
    return min(present) if node.name == "min" else max(present)


_OPERATIONS: dict[BinaryOperator, Callable[[Decimal, Decimal], Decimal]] = {
    "+": DECIMAL_CONTEXT.add,
    "-": DECIMAL_CONTEXT.subtract,
    "*": DECIMAL_CONTEXT.multiply,
    "/": DECIMAL_CONTEXT.divide,
}


def _finite(value: Decimal | None) -> Decimal | None:
    return value if value is not None and value.is_finite() else None


# Ordering derived indicators.


def dependency_order(formulas: Mapping[str, Expression]) -> list[str]:
    """The derived indicators in an order where each comes after the derived ones it reads.

    Only codes read in the same period count: ``prev(X)`` and ``last_year(X)`` are already
    known. Codes that are not keys of ``formulas`` are entered figures and are left out. Ties
    follow the codes' alphabetical order, so the result is stable. A cycle raises
    :class:`ExpressionError` naming it, for example ``A → B → A``.
    """
    done: set[str] = set()
    order: list[str] = []
    for root in sorted(formulas):
        if root in done:
            continue
        path = [root]  # the chain being explored; a code met again on it closes a cycle
        pending = [iter(_derived_inputs(formulas, root))]
        while pending:
            code = next(pending[-1], None)
            if code is None:
                pending.pop()
                finished = path.pop()
                done.add(finished)
                order.append(finished)
            elif code in path:
                cycle = [*path[path.index(code) :], code]
                raise ExpressionError(
                    _("These formulas depend on each other in a cycle: %(cycle)s."),
                    cycle=" → ".join(cycle),
                )
            elif code not in done:
                path.append(code)
                pending.append(iter(_derived_inputs(formulas, code)))
    return order


def _derived_inputs(formulas: Mapping[str, Expression], code: str) -> list[str]:
    return sorted(c for c in formulas[code].codes if c in formulas)


# Reading a formula aloud.

_WORD_OPERATORS: dict[BinaryOperator, str] = {"+": "+", "-": "−", "*": "×", "/": "÷"}
_PRECEDENCE: dict[BinaryOperator, int] = {"+": 1, "-": 1, "*": 2, "/": 2}


def formula_in_words(formula: str | Expression, names: Mapping[str, str]) -> str:
    """The formula as a user reads it: indicator names instead of codes, × and ÷ for * and /,
    ``coalesce(A, 0)`` as "A (if blank: 0)", numbers in the active language's form.

    ``names`` maps indicator codes to their display names; a code it lacks is shown as is. A
    formula that does not compile is returned unchanged (it is data an administrator must fix).
    """
    try:
        expr = formula if isinstance(formula, Expression) else compile_expression(formula)
    except ExpressionError:
        return str(formula)
    return _words(expr.tree, names)


def _words(node: Node, names: Mapping[str, str]) -> str:
    if isinstance(node, Number):
        return _number_words(node.value)
    if isinstance(node, Ref):
        return names.get(node.code) or node.code
    if isinstance(node, History):
        name = names.get(node.code) or node.code
        if node.kind == "prev":
            return str(_("%(name)s (previous period)") % {"name": name})
        return str(_("%(name)s (same period last year)") % {"name": name})
    if isinstance(node, Negate):
        operand = _words(node.operand, names)
        return f"−({operand})" if isinstance(node.operand, Binary) else f"−{operand}"
    if isinstance(node, Binary):
        return _binary_words(node, names)
    args = [_words(arg, names) for arg in node.args]
    if node.name == "coalesce":
        text = args[-1]
        for value in reversed(args[:-1]):
            text = str(_("%(value)s (if blank: %(default)s)") % {"value": value, "default": text})
        return text
    if node.name == "sum":
        return "(" + " + ".join(args) + ")"
    template = {
        "abs": _("absolute value of %(args)s"),
        "min": _("the smallest of (%(args)s)"),
        "max": _("the largest of (%(args)s)"),
    }[node.name]
    return str(template % {"args": "; ".join(args)})


def _binary_words(node: Binary, names: Mapping[str, str]) -> str:
    level = _PRECEDENCE[node.op]
    left = _words(node.left, names)
    right = _words(node.right, names)
    if isinstance(node.left, Binary) and _PRECEDENCE[node.left.op] < level:
        left = f"({left})"
    if isinstance(node.right, Binary) and (
        _PRECEDENCE[node.right.op] < level
        or (_PRECEDENCE[node.right.op] == level and node.op in "-/")
    ):
        right = f"({right})"
    return f"{left} {_WORD_OPERATORS[node.op]} {right}"


def _number_words(value: Decimal) -> str:
    places = max(0, -int(value.normalize().as_tuple().exponent))
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)
