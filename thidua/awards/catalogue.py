"""Load the titles and award forms, their dated rules and the base salary from a sector pack's
versioned data file (thidua/packs/<name>/titles.json); turn a TitleRule into RuleParams."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.lib.dates import OPEN_END
from thidua.lib.numbers import format_vn_number
from thidua.lib.packs import pack_file

from .eligibility import LOWER, RuleParams
from .models import BaseSalary, RegistrationDeadline, Title, TitleRule

CATALOGUE = pack_file("titles.json")
RULE_FIELDS = (
    "confidence",
    "note",
    "note_en",
    "vote_threshold",
    "vote_body",
    "consultation_working_days",
    "cash_multiple",
    "cash_is_maximum",
    "service_months_min",
    "share_threshold",
    "share_comparator",
    "quota_share",
    "quota_minimum",
    "warn_share",
    "chain_years",
)
DECIMALS = {"vote_threshold", "cash_multiple", "share_threshold", "quota_share", "warn_share"}


def _date(text: str | None) -> dt.date:
    return dt.date.fromisoformat(text) if text else OPEN_END


def _rule_values(entry: dict[str, Any], regime: str, data: dict[str, Any]) -> dict[str, Any]:
    """The fields of one rule version; its articles are the regime's article map overlaid
    with the entry's own (`params.articles`, then `articles_by_regime[regime]`)."""
    values: dict[str, Any] = {}
    for name in RULE_FIELDS:
        if name in entry:
            value = entry[name]
            values[name] = Decimal(value) if name in DECIMALS and value is not None else value
    articles = articles_of(entry, regime, data)
    params = {**entry.get("params", {}), "articles": articles}
    basis = data["regimes"][regime]["basis"]
    return {**values, "params": params, "legal_basis": entry.get("legal_basis", basis)}


def articles_of(entry: dict[str, Any], regime: str, data: dict[str, Any]) -> dict[str, str]:
    """Every article one rule version cites, by criterion key (eligibility.RuleParams)."""
    articles: dict[str, Any] = dict(data["regimes"][regime].get("articles", {}))
    if entry.get("old_articles"):
        articles.update(data.get("old_regime_articles", {}))
    articles.update(entry.get("params", {}).get("articles", {}))
    articles.update(entry.get("articles_by_regime", {}).get(regime, {}))
    return {k: str(v) for k, v in articles.items() if v}


CITATION = re.compile(r"(?:Luật|Nghị định|Thông tư|Quyết định|Công văn)\s+\d+/\d{4}/[\w-]+")


def citations_out_of_force(data: dict[str, Any]) -> list[str]:
    """Each instrument a rule version cites that was not in force for the whole period the
    version applies to (the `instruments` list of the pack gives their dates), or that the
    list does not know: one line per problem, empty when every citation is sound."""
    instruments = {
        row["name"]: (_date(row["valid_from"]), _date(row["valid_to"]))
        for row in data.get("instruments", [])
    }
    problems = []
    for row in data["titles"]:
        for entry in row["rules"]:
            for regime in entry["regimes"]:
                start = _date(data["regimes"][regime]["valid_from"])
                end = _date(data["regimes"][regime]["valid_to"])
                for key, text in articles_of(entry, regime, data).items():
                    where = f"{row['code']} {regime} {key}"
                    for cited in CITATION.findall(text):
                        if cited not in instruments:
                            problems.append(f"{where}: unknown {cited}")
                    for name, (valid_from, valid_to) in instruments.items():
                        if name in text and (valid_from > start or valid_to < end):
                            problems.append(f"{where}: {name} not in force")
    return problems


@transaction.atomic
def load_catalogue(path: Path = CATALOGUE) -> int:
    """Create or update every title, one rule per title and regime, and the base salaries.
    Returns the number of rules. Running it twice changes nothing."""
    data = json.loads(path.read_text(encoding="utf-8"))
    count = 0
    for order, row in enumerate(data["titles"]):
        fields = {k: row[k] for k in ("name", "name_en", "subject", "kind", "yearly")}
        fields["short_name"] = row.get("short_name", "")
        fields["law_title"] = row.get("law_title", "")
        title, _created = Title.objects.update_or_create(
            code=row["code"], defaults={**fields, "sort_order": order}
        )
        for entry in row["rules"]:
            for regime in entry["regimes"]:
                period = data["regimes"][regime]
                TitleRule.objects.update_or_create(
                    title=title,
                    valid_from=_date(period["valid_from"]),
                    defaults={
                        **_rule_values(entry, regime, data),
                        "valid_to": _date(period["valid_to"]),
                    },
                )
                count += 1
    for row in data["base_salary"]:
        BaseSalary.objects.update_or_create(
            valid_from=_date(row["valid_from"]),
            defaults={
                "amount": Decimal(row["amount"]),
                "valid_to": _date(row["valid_to"]),
                "legal_basis": row["legal_basis"],
                "confidence": row["confidence"],
                "note": row["note"],
                "note_en": row.get("note_en", ""),
            },
        )
    for row in data.get("registration_deadlines", []):
        RegistrationDeadline.objects.update_or_create(
            valid_from=_date(row["valid_from"]),
            defaults={
                "month": row["month"],
                "day": row["day"],
                "valid_to": _date(row["valid_to"]),
                "legal_basis": row["legal_basis"],
                "confidence": row["confidence"],
                "note": row["note"],
                "note_en": row.get("note_en", ""),
            },
        )
    return count


def pack_title(key: str) -> str:
    """The code of a title the pack names for a role (titles.json "roles", e.g. the award form
    proposed for the leaders of a thematic movement); "" when the pack names none."""
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return str(data.get("roles", {}).get(key, ""))


def first_title_of(law_title: str) -> str:
    """The code of the pack's first title that is `law_title` of the Law, or ""."""
    code = Title.objects.filter(law_title=law_title).values_list("code", flat=True).first()
    return code or ""


def rule_params(rule: TitleRule, code: str, law_title: str = "") -> RuleParams:
    return RuleParams(
        code=code,
        law_title=law_title,
        valid_from=rule.valid_from,
        service_months_min=rule.service_months_min,
        share_threshold=rule.share_threshold,
        share_comparator=rule.share_comparator,
        quota_share=rule.quota_share,
        quota_minimum=rule.quota_minimum,
        warn_share=rule.warn_share,
        chain_years=rule.chain_years,
        params=rule.params or {},
    )


def rules_for_year(year: int) -> dict[str, RuleParams]:
    """The rule of every title in force on 31/12 of the evaluated year, by title code."""
    day = dt.date(year, 12, 31)
    rules = TitleRule.objects.filter(valid_from__lte=day, valid_to__gt=day).select_related("title")
    return {r.title.code: rule_params(r, r.title.code, r.title.law_title) for r in rules}


def rule_for(title: Title, year: int) -> TitleRule | None:
    try:
        return title.rule_on(dt.date(year, 12, 31))
    except TitleRule.DoesNotExist:
        return None


@dataclass(frozen=True)
class Statement:
    """One sentence stating how a rule counts (a quota, a ballot threshold), with its article."""

    text: str
    article: str


def _pct(share: Decimal) -> str:
    return format_vn_number(share * 100, 0)


def rule_statements(rule: TitleRule | None, members: int | None = None) -> list[Statement]:
    """How the rule version rounds its quota and its ballot threshold, in words, each with
    the article it comes from (shown on the candidate list and the council session page).
    `members`: the council's size, to say how many agree votes are needed."""
    if rule is None:
        return []
    params = rule_params(rule, rule.title.code, rule.title.law_title)
    out = []
    if rule.quota_share is not None:
        law = str(params.params.get("quota_of", LOWER.get(rule.title.law_title, "")))
        below = Title.objects.filter(law_title=law).first() if law else None
        values = {
            "share": _pct(rule.quota_share),
            "below": below.display_name if below else _("the title below"),
            "minimum": rule.quota_minimum or 0,
        }
        if params.params.get("quota_rounding", "floor") == "ceil":
            text = _(
                "At most %(share)s%% of the units rated %(below)s at the awarding level, "
                "rounded up, and at least %(minimum)s."
            )
        else:
            text = _(
                "At most %(share)s%% of the units rated %(below)s at the awarding level, "
                "rounded down, and at least %(minimum)s."
            )
        article = params.params.get("articles", {}).get("ttldxs_quota") or rule.legal_basis
        out.append(Statement(text % values, article))
    if rule.vote_threshold is not None:
        share = _pct(rule.vote_threshold)
        if members:
            needed = math.ceil(rule.vote_threshold * members)
            text = _(
                "Ballot: at least %(share)s%% of all %(members)s council members, present or "
                "voting in writing: %(needed)s agree votes (a fraction counts as a whole vote)."
            ) % {"share": share, "members": members, "needed": needed}
        else:
            text = _(
                "Ballot: at least %(share)s%% of all council members, present or voting in "
                "writing (a fraction of a vote counts as a whole vote)."
            ) % {"share": share}
        out.append(
            Statement(text, params.params.get("articles", {}).get("ballot") or rule.legal_basis)
        )
    return out
