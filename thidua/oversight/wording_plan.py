"""What the plan flags say (disbursement, savings with no record, projects behind schedule),
with the figures, the threshold and its basis."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from thidua.lib.dates import format_vn_date

from .wording_assets import _basis, _n


def _d(text: str) -> str:
    return format_vn_date(dt.date.fromisoformat(text)) if text else ""


def _disbursement(n: dict[str, str]) -> str:
    figures = {**n, "rate": _n(n["rate"]), "threshold": _n(n["threshold"]), "basis": _basis(n)}
    figures["until"] = _d(n["until"])
    if n.get("plan") and n.get("disbursed"):
        return _(
            "public-investment capital disbursed by %(until)s: %(disbursed)s VND of a plan of"
            " %(plan)s VND (%(rate)s%%), under the threshold of %(threshold)s%% (%(basis)s)"
        ) % {**figures, "plan": _n(n["plan"]), "disbursed": _n(n["disbursed"])}
    return (
        _(
            "public-investment disbursement rate by %(until)s: %(rate)s%%, under the threshold of"
            " %(threshold)s%% (%(basis)s)"
        )
        % figures
    )


def _savings(n: dict[str, str]) -> str:
    from .imports import KINDS

    name = n["name_en"] if get_language() == "en" else n["name"]
    kinds = [str(KINDS[k].label).lower() for k in n["kinds"].split(",") if k in KINDS]
    return _(
        "the approved report claims “%(name)s” of %(claimed)s VND by %(until)s, but the unit"
        " has no record of %(kinds)s for the year"
    ) % {
        "name": name,
        "claimed": _n(n["claimed"]),
        "until": _d(n["until"]),
        "kinds": _(" or ").join(kinds),
    }


def _project(n: dict[str, str]) -> str:
    figures = {
        **n,
        "approved_start": _d(n["approved_start"]),
        "approved_end": _d(n["approved_end"]),
        "expected_end": _d(n["expected_end"]),
        "as_of": _d(n["as_of"]),
        "progress": _n(n["progress"]),
        "elapsed": _n(n["elapsed"]),
        "gap": _n(n["gap"]),
        "basis": _basis(n),
    }
    parts = []
    if int(n["late_days"]) > 0:
        if n.get("completed"):
            text = _(
                "ended on %(expected_end)s, %(late_days)s days after the approved end"
                " %(approved_end)s"
            )
        else:
            text = _(
                "expected to end on %(expected_end)s, %(late_days)s days after the approved end"
                " %(approved_end)s"
            )
        parts.append(text % figures)
    if n.get("slow"):
        parts.append(
            _(
                "physical progress %(progress)s%% on %(as_of)s while %(elapsed)s%% of the approved"
                " schedule (%(approved_start)s–%(approved_end)s) has gone by, more than"
                " %(gap)s points behind"
            )
            % figures
        )
    return _("project “%(project)s” (%(decision)s): %(what)s (%(basis)s)") % {
        **figures,
        "what": "; ".join(parts),
    }


WORDING: dict[str, Callable[[dict[str, str]], str]] = {
    "DISBURSE_LAG": _disbursement,
    "SAVINGS_NO_RECORD": _savings,
    "PROJECT_BEHIND": _project,
}
