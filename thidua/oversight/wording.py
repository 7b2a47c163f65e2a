"""What a finding says, in the active language, from its rule and its figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from thidua.lib.dates import format_vn_date
from thidua.lib.numbers import format_vn_number

from .models import Category
from .rules import REGISTRY
from .wording_assets import WORDING
from .wording_plan import WORDING as PLAN_WORDING


def _n(text: str) -> str:
    try:
        value = Decimal(text)
    except ArithmeticError:
        return text
    places = 0 if value == value.to_integral_value() else 1
    return format_vn_number(value, places)


def _d(text: str) -> str:
    return format_vn_date(dt.date.fromisoformat(text))


def _basis(n: dict[str, str]) -> str:
    return ", ".join(x for x in (n.get("article", ""), n.get("basis", "")) if x)


def describe(rule: str, n: dict[str, str]) -> str:
    """One sentence with the figures, the norm or threshold and its basis."""
    if rule in WORDING:
        return WORDING[rule](n)
    if rule in PLAN_WORDING:
        return PLAN_WORDING[rule](n)
    if rule == "NORM_ALLOWANCE":
        return _(
            "daily allowance %(paid)s VND/day exceeds the norm %(norm)s VND/day (%(basis)s)"
            " — excess %(diff)s VND × %(days)s days = %(excess)s VND"
        ) % {**{k: _n(v) for k, v in n.items()}, "basis": _basis(n)}
    if rule == "NORM_LODGING":
        return _(
            "lodging lump sum %(paid)s VND/night exceeds the norm %(norm)s VND/night (%(basis)s)"
            " — excess %(diff)s VND × %(days)s nights = %(excess)s VND"
        ) % {**{k: _n(v) for k, v in n.items()}, "basis": _basis(n)}
    if rule == "SPLIT":
        return _(
            "%(count)s direct purchases of %(category)s from %(first)s to %(last)s (within"
            " %(window)s days), each under the direct-contracting limit of %(limit)s VND, total"
            " %(total)s VND"
        ) % {
            "count": n["count"],
            "category": str(Category(n["category"]).label).lower(),
            "first": _d(n["first"]),
            "last": _d(n["last"]),
            "window": n["window"],
            "limit": _n(n["limit"]),
            "total": _n(n["total"]),
        }
    if rule == "SINGLE_BIDDER":
        return _("competitive procedure with a single bid")
    if rule == "DIRECT_OVER_LIMIT":
        return _(
            "direct contracting for %(price)s VND above the limit of %(limit)s VND — excess"
            " %(excess)s VND"
        ) % {k: _n(v) for k, v in n.items()}
    if rule == "LATE_AWARD":
        return _("awarded %(days)s days after bid closing (threshold %(limit)s days)") % n
    if rule == "SHORT_WINDOW":
        return _("bidding window of %(days)s days (threshold %(limit)s days)") % n
    if rule == "NEAR_ESTIMATE":
        return _(
            "winning bid %(award)s VND is %(gap)s%% from the estimate %(estimate)s VND"
            " (threshold %(pct)s%%)"
        ) % {**{k: _n(v) for k, v in n.items()}, "gap": _n(n["gap"]), "pct": _n(n["pct"])}
    if rule == "REPEAT_SUPPLIER":
        return _(
            "%(count)s awards to %(supplier)s in the year, total %(total)s VND (threshold"
            " %(limit)s)"
        ) % {**n, "total": _n(n["total"])}
    if rule == "CENTRAL_BYPASS":
        return _("item on the centralised list bought outside it for %(price)s VND") % {
            "price": _n(n["price"])
        }
    if rule == "PEER_TRAVEL":
        return _(
            "travel cost %(per)s VND per traveller against a median of %(median)s VND among"
            " %(peers)s peer units (robust z-score %(z)s > %(threshold)s)"
        ) % {**n, "per": _n(n["per"]), "median": _n(n["median"]), "z": _n(n["z"])}
    return _more(rule, n)


def _more(rule: str, n: dict[str, str]) -> str:
    """The red flags of issue 13 points 4 and 9 (settlement, bids, year-end)."""
    figures = {k: _n(v) for k, v in n.items() if k != "supplier"}
    if rule == "SETTLEMENT_OVER":
        return (
            _(
                "settled %(settled)s VND against an award of %(award)s VND (excess %(excess)s VND)"
                " with no explanation recorded"
            )
            % figures
        )
    if rule == "ONLY_WINNER_ELIGIBLE":
        return _("%(bidders)s bids received, only the winner found eligible") % n
    if rule == "WIN_GAP":
        return (
            _(
                "winning bid %(award)s VND is %(gap)s%% below the next bid %(next)s VND"
                " (threshold %(pct)s%%)"
            )
            % figures
        )
    if rule == "ROUND_PCT_BIDS":
        return _("bids of %(low)s VND and %(high)s VND are exactly %(pct)s%% apart") % figures
    if rule == "REPEAT_DIRECT":
        return _(
            "%(count)s direct awards to %(supplier)s in the year, total %(total)s VND"
            " (threshold %(limit)s)"
        ) % {**n, "total": _n(n["total"])}
    if rule == "SAMPLE_REVIEW":
        return _("found in the sampled second review: %(note)s") % {"note": n.get("note", "")}
    if rule == "WASTE_REPORT":
        return _("an anonymous waste report verified by the supervisor: %(note)s") % {
            "note": n.get("note", "")
        }
    if rule == "YEAR_END_SPIKE":
        return (
            _(
                "%(share)s%% of the year's procurement (%(december)s of %(total)s VND) awarded in"
                " December (threshold %(threshold)s%%)"
            )
            % figures
        )
    return str(REGISTRY[rule].title) if rule in REGISTRY else rule
