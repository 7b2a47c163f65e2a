"""What the findings on conferences, vehicles, office space and assets say, with the figures,
the norm or threshold and its basis."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _

from thidua.lib.numbers import format_vn_number


def _n(text: str) -> str:
    try:
        value = Decimal(text)
    except ArithmeticError:
        return text
    places = 0 if value == value.to_integral_value() else 1
    return format_vn_number(value, places)


def _basis(n: dict[str, str]) -> str:
    return ", ".join(x for x in (n.get("article", ""), n.get("basis", "")) if x)


def _nums(n: dict[str, str], *names: str) -> dict[str, str]:
    return {**n, **{k: _n(n[k]) for k in names}, "basis": _basis(n)}


def _conference(n: dict[str, str]) -> str:
    return _(
        "“%(title)s”: meals and refreshments %(paid)s VND (%(per)s VND per participant a day)"
        " exceed the %(allowed)s VND the norms allow (%(norm_per)s VND per participant a day;"
        " %(basis)s) — excess %(excess)s VND"
    ) % _nums(n, "paid", "per", "allowed", "norm_per", "excess")


def _peer_conference(n: dict[str, str]) -> str:
    return _(
        "conference cost %(per)s VND per participant a day against a median of %(median)s VND"
        " among %(peers)s units of the same level (robust z-score %(z)s > %(threshold)s)"
    ) % {**n, "per": _n(n["per"]), "median": _n(n["median"]), "z": _n(n["z"])}


def _quota(n: dict[str, str]) -> str:
    return _(
        "%(cars)s general-service cars for %(staff)s staff, above the quota of %(quota)s"
        " (%(basis)s)"
    ) % _nums(n)


def _price(n: dict[str, str]) -> str:
    return _(
        "car %(plate)s bought for %(price)s VND above the cap of %(cap)s VND (%(basis)s) —"
        " excess %(excess)s VND"
    ) % _nums(n, "price", "cap", "excess")


def _disposal(n: dict[str, str]) -> str:
    return _(
        "car %(plate)s disposed of after %(years)s years and %(km)s km, before %(life)s years"
        " or %(km_norm)s km (%(basis)s)"
    ) % _nums(n, "years", "km", "km_norm")


def _area(n: dict[str, str]) -> str:
    return _(
        "%(building)s: working area %(area)s m² for %(staff)s staff, above %(allowed)s m²"
        " (%(per)s m² a person; %(basis)s) — excess %(excess)s m²"
    ) % _nums(n, "area", "allowed", "per", "excess")


def _shared(n: dict[str, str]) -> str:
    return _(
        "%(building)s: shared area %(shared)s m² above %(pct)s%% of the working area"
        " (%(allowed)s m²; %(basis)s) — excess %(excess)s m²"
    ) % _nums(n, "shared", "allowed", "excess")


def _idle(n: dict[str, str]) -> str:
    until = dt.date.fromisoformat(n["until"])
    return _(
        "%(asset)s (%(code)s) not in use for %(months)s consecutive months until %(until)s,"
        " above %(limit)s months (%(basis)s)"
    ) % {**_nums(n), "until": f"{until.month:02d}/{until.year}"}


def _upkeep(n: dict[str, str]) -> str:
    return _(
        "%(upkeep)s VND of upkeep spent on %(asset)s (%(code)s), unusable for %(unusable)s"
        " months of the year and not disposed of (%(basis)s)"
    ) % _nums(n, "upkeep")


WORDING: dict[str, Callable[[dict[str, str]], str]] = {
    "NORM_CONFERENCE": _conference,
    "PEER_CONFERENCE": _peer_conference,
    "VEHICLE_QUOTA": _quota,
    "VEHICLE_PRICE": _price,
    "VEHICLE_EARLY_DISPOSAL": _disposal,
    "OFFICE_AREA": _area,
    "OFFICE_SHARED": _shared,
    "IDLE_ASSET": _idle,
    "UPKEEP_UNUSABLE": _upkeep,
}
