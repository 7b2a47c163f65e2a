"""Progress of a programme target from approved figures: pure functions, no ORM.

A target reads the unit's approved figures of the year (quarters approved so far) and, for a
change against last year, the same quarters of the previous year, so a half year is compared
with a half year. When every quarter of the year is approved the target is met or missed;
before that it is on track or at risk, by the figures so far.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

MET, MISSED, ON_TRACK, AT_RISK, NO_DATA = "met", "missed", "on_track", "at_risk", "no_data"
AMOUNT, PERCENT_CHANGE = "amount", "percent_change"
AT_MOST, AT_LEAST = "<=", ">="
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Progress:
    status: str
    achieved: Decimal | None
    """The figure compared with the target: the amount, or the % change against last year."""
    actual: Decimal | None
    baseline: Decimal | None


def achieved(kind: str, actual: Decimal | None, baseline: Decimal | None) -> Decimal | None:
    if actual is None:
        return None
    if kind == AMOUNT:
        return actual
    if baseline is None or baseline == 0:
        return None
    return ((actual - baseline) / abs(baseline) * HUNDRED).quantize(Decimal("0.01"))


def reaches(value: Decimal, comparator: str, target: Decimal) -> bool:
    return value <= target if comparator == AT_MOST else value >= target


def target_progress(
    kind: str,
    comparator: str,
    target: Decimal,
    actual: Decimal | None,
    baseline: Decimal | None,
    *,
    complete: bool,
) -> Progress:
    """Met / missed once the year is complete; on track / at risk before; no data when the
    figures (or last year's, for a change) are not approved."""
    value = achieved(kind, actual, baseline)
    if value is None:
        return Progress(NO_DATA, None, actual, baseline)
    ok = reaches(value, comparator, target)
    if complete:
        return Progress(MET if ok else MISSED, value, actual, baseline)
    return Progress(ON_TRACK if ok else AT_RISK, value, actual, baseline)
