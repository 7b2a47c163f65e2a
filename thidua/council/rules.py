"""Pure rules of the council: quorum, the ballot threshold, working days. No ORM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal

from thidua.lib import workdays as workdays_lib

MAJORITY = Decimal("0.5")
"""Used when a title's rule sets no ballot threshold: more than half of all members (a sector
default, not a statutory figure)."""


def quorum_met(present: int, members: int, numerator: int, denominator: int) -> bool:
    """At least numerator/denominator of the members are present (e.g. ≥ 2/3).

    The KSND quorum was not found in the legal text (emulation-rules.md §3.4); the session stores
    it as data, 2/3 by default."""
    if members <= 0:
        return False
    return present * denominator >= members * numerator


def ballot_passes(agree: int, members: int, threshold: Decimal | None) -> bool:
    """Decree 98/2023 Art. 30(7): the share of "agree" over ALL council members — present or
    voting in writing — reaches the title's threshold (≥ 90 % for CSTĐ ngành and toàn quốc,
    ≥ 80 % for CSTĐ cơ sở and the Cờ thi đua). Without a threshold: more than half."""
    if members <= 0:
        return False
    if threshold is None:
        return agree * 2 > members
    return Decimal(agree) >= threshold * members


def add_working_days(
    start: dt.date,
    days: int,
    holidays: Collection[dt.date] = (),
    workdays: Collection[dt.date] = (),
) -> dt.date:
    """The `days`-th working day after `start`, skipping Saturdays, Sundays and holidays but
    counting the Saturdays worked in exchange for a day off (thidua/lib/workdays.py)."""
    return workdays_lib.add_working_days(start, days, holidays, workdays)


def share_text(part: int, whole: int) -> str:
    """'83,3%' — one decimal, Vietnamese comma, no space before %; '—' without a whole."""
    if whole <= 0:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
    return f"{value}".replace(".", ",") + "%"
