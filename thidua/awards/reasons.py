"""The wording of the engine's reasons (awards/eligibility.py keeps only codes and figures, so
the stored results read in the language of whoever looks at them)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.lib.dates import format_vn_date

MESSAGES: dict[str, Promise] = {
    "case_open": gettext_lazy("A case is open on the nominee since %(since)s: on hold."),
    "finding_open": gettext_lazy(
        "Named in an oversight finding open since %(since)s: on hold until the case closes."
    ),
    "penalty_running": gettext_lazy(
        "The disciplinary penalty runs until %(until)s: achievements before it do not count."
    ),
    "penalty_served_in_year": gettext_lazy(
        "The penalty ended on %(until)s: only achievements after that date count (check)."
    ),
    "maternity_counted": gettext_lazy("%(months)s months of maternity leave count as worked."),
    "rating_missing": gettext_lazy("No performance rating is recorded for %(year)s."),
    "rating_good": gettext_lazy("Rated %(level)s in %(year)s."),
    "rating_low": gettext_lazy("Rated %(level)s: the title needs a good rating or better."),
    "rating_excellent": gettext_lazy("Rated excellent (HTXS) in %(year)s."),
    "service_ok": gettext_lazy("%(months)s months of service (at least %(needed)s)."),
    "service_short": gettext_lazy(
        "Only %(months)s months of service; at least %(needed)s are needed."
    ),
    "service_unknown": gettext_lazy("The date the person joined is not recorded."),
    "absence_3_6": gettext_lazy("Off work %(months)s months (3 to under 6): no title."),
    "absence_long": gettext_lazy(
        "Off work %(months)s months (6 or more): the rule is not settled, review by hand."
    ),
    "discipline_in_year": gettext_lazy("Disciplined (%(level)s) on %(on)s."),
    "discipline_already_used": gettext_lazy(
        "The breach was already used to refuse the title in %(year)s: not counted again."
    ),
    "has_ldtt": gettext_lazy("Advanced worker (LĐTT) in %(year)s."),
    "needs_ldtt": gettext_lazy("Not an advanced worker (LĐTT) in %(year)s."),
    "initiative_ok": gettext_lazy("A recognised initiative at the required level."),
    "initiative_used": gettext_lazy(
        "The initiative already backed another award: an achievement is rewarded once."
    ),
    "initiative_missing": gettext_lazy("No recognised initiative at the required level."),
    "needs_htxs_or_initiative": gettext_lazy(
        "Needs an excellent rating (HTXS) or an initiative recognised in the year."
    ),
    "nganh_chain_ok": gettext_lazy("%(years)s consecutive years of %(title)s."),
    "nganh_chain_missing": gettext_lazy(
        "%(years)s consecutive years of %(title)s are needed; missing: %(missing)s."
    ),
    "tq_chain_ok": gettext_lazy("%(years)s consecutive years of %(title)s."),
    "tq_chain_missing": gettext_lazy(
        "%(years)s consecutive years of %(title)s are needed; missing: %(missing)s."
    ),
    "successive_titles_ok": gettext_lazy(
        "%(times)s successive titles of %(title)s, %(step)s years apart."
    ),
    "successive_titles_missing": gettext_lazy(
        "%(times)s successive titles of %(title)s, %(step)s years apart, are needed; "
        "missing: %(missing)s."
    ),
    "service_resumed": gettext_lazy(
        "Continuous service counted from %(since)s (after a break) to %(on)s."
    ),
    "knc_received": gettext_lazy("Already received: the medal is given once per person."),
    "knc_service_ok": gettext_lazy("%(years)s years of service (at least %(needed)s)."),
    "knc_service_short": gettext_lazy(
        "Only %(years)s years of service; at least %(needed)s are needed."
    ),
    "form_reviewer": gettext_lazy(
        "The criteria of this form are set by the sector and assessed by the reviewer."
    ),
    "ldtt_share_ok": gettext_lazy(
        "%(share)s%% of members are advanced workers (%(comparator)s %(threshold)s%%)."
    ),
    "ldtt_share_low": gettext_lazy(
        "Only %(share)s%% of members are advanced workers; %(comparator)s %(threshold)s%% "
        "is needed."
    ),
    "member_warned": gettext_lazy("%(count)s member(s) disciplined at warning or above."),
    "result_missing": gettext_lazy("No final THTK-CLP evaluation for the year."),
    "result_final": gettext_lazy("Final THTK-CLP evaluation: %(total)s points."),
    "targets_exceeded": gettext_lazy("Every target of the programme was met or beaten."),
    "targets_not_exceeded": gettext_lazy("Not every target of the programme was exceeded."),
    "has_ttldtt": gettext_lazy("Advanced collective (TTLĐTT) in the year."),
    "needs_ttldtt": gettext_lazy("Not an advanced collective (TTLĐTT) in the year."),
    "all_complete": gettext_lazy("Every member completed their tasks."),
    "not_all_complete": gettext_lazy(
        "%(count)s member(s) did not complete their tasks or have no rating."
    ),
    "has_cstdcs": gettext_lazy("%(count)s grassroots emulation fighter(s) (CSTĐCS)."),
    "needs_cstdcs": gettext_lazy("No grassroots emulation fighter (CSTĐCS) among the members."),
    "quota_exceeded": gettext_lazy(
        "Beyond the quota: at most %(limit)s of the %(count)s advanced collectives."
    ),
    "cstdcs_share_high": gettext_lazy(
        "CSTĐCS are %(share)s%% of the unit's advanced workers (above the usual %(threshold)s%%)."
    ),
    "has_ttldxs": gettext_lazy("Excellent collective (TTLĐXS) in the year."),
    "needs_ttldxs": gettext_lazy("Not an excellent collective (TTLĐXS) in the year."),
    "level_ok": gettext_lazy("A unit of a level that may receive the flag."),
    "level_not_allowed": gettext_lazy("Units of this level do not receive the flag."),
    "cluster_first": gettext_lazy("First of its emulation cluster or block."),
    "cluster_not_first": gettext_lazy("Not first of its cluster or block (rank %(rank)s)."),
    "has_co_nganh": gettext_lazy("Holds the sector emulation flag of the year."),
    "needs_co_nganh": gettext_lazy("Does not hold the sector emulation flag of the year."),
}


@dataclass(frozen=True)
class ShownReason:
    code: str
    status: str
    article: str
    text: str
    url: str = ""
    """The case behind a hold (an oversight finding), when there is one to open."""


_DECIMAL_PARAMS = frozenset({"share", "threshold", "total"})


def _display(params: dict[str, Any], titles: dict[str, str]) -> dict[str, Any]:
    out = {}
    for key, value in params.items():
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            with contextlib.suppress(ValueError):
                value = format_vn_date(dt.date.fromisoformat(value))
        if key == "title" and isinstance(value, str):
            value = titles.get(value, value)  # a title by its name, never by its code
        elif key in _DECIMAL_PARAMS and isinstance(value, str):
            with contextlib.suppress(ArithmeticError):  # "16.8" stored, "16,8" shown in vi
                value = formats.number_format(Decimal(value), use_l10n=True)
        out[key] = value
    return out


def _title_names(stored: Sequence[Sequence[Any]]) -> dict[str, str]:
    codes = {p["title"] for *_rest, p in stored if isinstance(p, dict) and "title" in p}
    if not codes:
        return {}
    from thidua.awards.models import Title

    return {t.code: t.display_name for t in Title.objects.filter(code__in=codes)}


def show(stored: Sequence[Sequence[Any]]) -> list[ShownReason]:
    """Stored reasons ([code, status, article, params]) as text in the active language."""
    shown = []
    titles = _title_names(stored)
    for code, status, article, params in stored:
        template = MESSAGES.get(code)
        text = str(template) % _display(params, titles) if template is not None else code
        url = ""
        if isinstance(params, dict) and params.get("finding"):
            url = reverse("oversight:finding", args=[params["finding"]])
        shown.append(ShownReason(code, status, article, text, url))
    return shown


def summary(stored: Sequence[Sequence[Any]]) -> str:
    """The blocking reasons as one sentence, for refusals."""
    blocking = [r for r in show(stored) if r.status in {"fail", "hold"}]
    return " ".join(f"{r.text} ({r.article})" for r in blocking) or _("No blocking reason.")
