"""Reading a year's records quickly for the rules (issue 13: a sector's year, ~270,000 rows, in
a few seconds): the rows as plain tuples of the needed columns, each distinct date or amount
converted once, built into the rules' frozen records without their generated `__init__`.

The same values come out on SQLite (dates as text, amounts as numbers) and PostgreSQL (dates
and Decimals) as Django's own converters would give."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection
from django.db.models import DateField, DateTimeField, TextField
from django.db.models.functions import Cast

T = TypeVar("T")


class Values(dict[Any, Any]):
    """Raw value → converted value, converted on first use: a year's rows repeat the same
    days and amounts, and a dict lookup costs less than a call. None stays None."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__({None: None})
        self.convert = convert

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.convert(key)
        return value


def to_day(v: Any) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)[:10])


def to_money(v: Any) -> Decimal:
    """An amount of a DecimalField with no decimal places (VND)."""
    if isinstance(v, Decimal):
        return v
    return Decimal(v) if isinstance(v, int) else Decimal(str(v)).quantize(Decimal(1))


def to_bids(v: Any) -> tuple[Decimal, ...]:
    """The bid prices of a JSONField (a list, or its text on SQLite)."""
    if not v or v == "[]":
        return ()
    if isinstance(v, str):
        v = json.loads(v)
    return tuple(Decimal(str(b)) for b in v or ())


def days() -> Values:
    return Values(to_day)


def money() -> Values:
    return Values(to_money)


def rows(qs: Any, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The rows of `qs` as plain tuples of `columns`, without model instances or Django's
    per-value converters. On SQLite the date columns are read as text (the driver would parse
    every value with a regular expression); `days()` parses each distinct one once."""
    qs = qs.order_by()
    if connection.vendor == "sqlite":
        meta = qs.model._meta
        dates = {
            c
            for c in columns
            if c != "pk"
            and isinstance(meta.get_field(c), DateField)
            and not isinstance(meta.get_field(c), DateTimeField)
        }
        if dates:
            qs = qs.annotate(**{f"{c}_as_text": Cast(c, TextField()) for c in dates})
            columns = tuple(f"{c}_as_text" if c in dates else c for c in columns)
    sql, params = qs.values_list(*columns).query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        found: list[tuple[Any, ...]] = cur.fetchall()
        return found


def maker(cls: type[T]) -> Callable[[Iterable[Any]], T]:
    """Build a frozen dataclass from all its field values in field order, without running its
    generated `__init__` (which sets each field through `object.__setattr__`, half the cost of
    building a year's records). No defaults apply and nothing is validated: the values come
    from the database, already converted."""
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    new = object.__new__

    def make(values: Iterable[Any]) -> T:
        obj = new(cls)
        obj.__dict__.update(zip(names, values, strict=True))
        return obj

    return make
