"""Working days the Vietnamese way: Monday to Friday, less the public holidays and days off,
plus the Saturdays the government moves work to (ngày làm bù). Pure functions; the dated
data lives in the council's Holiday table (loaded by `thidua load_holidays`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection


def is_working_day(
    day: dt.date, days_off: Collection[dt.date] = (), workdays: Collection[dt.date] = ()
) -> bool:
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in days_off


def add_working_days(
    start: dt.date,
    days: int,
    days_off: Collection[dt.date] = (),
    workdays: Collection[dt.date] = (),
) -> dt.date:
    """The `days`-th working day after `start` (before it when `days` is negative)."""
    step = 1 if days >= 0 else -1
    day, left = start, abs(days)
    while left > 0:
        day += dt.timedelta(days=step)
        if is_working_day(day, days_off, workdays):
            left -= 1
    return day


def working_days_between(
    start: dt.date,
    end: dt.date,
    days_off: Collection[dt.date] = (),
    workdays: Collection[dt.date] = (),
) -> int:
    """Working days in (start, end]: 0 when end is not after start."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day, days_off, workdays)
    return count
