"""Load the titles and award forms, their dated rules and the base salary from a sector pack's
versioned data file (thidua/packs/<name>/titles.json); turn a TitleRule into RuleParams."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from thidua.lib.dates import OPEN_END
from thidua.lib.packs import pack_file

from .eligibility import RuleParams
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
NEW_DECREE = "R2025"


def _date(text: str | None) -> dt.date:
    return dt.date.fromisoformat(text) if text else OPEN_END


def _rule_values(entry: dict[str, Any], regime: str, data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in RULE_FIELDS:
        if name in entry:
            value = entry[name]
            values[name] = Decimal(value) if name in DECIMALS and value is not None else value
    old = data.get("old_regime_articles", {})
    articles = dict(entry.get("params", {}).get("articles", {}))
    if regime != NEW_DECREE:
        articles.setdefault("hold", old.get("hold"))
        articles.setdefault("penalty_served", old.get("hold"))
    if entry.get("old_articles"):
        for key in ("service", "absence", "discipline"):
            articles.setdefault(key, old.get(key))
    params = {**entry.get("params", {}), "articles": {k: v for k, v in articles.items() if v}}
    basis = data["regimes"][regime]["basis"]
    return {**values, "params": params, "legal_basis": entry.get("legal_basis", basis)}


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


def rule_params(rule: TitleRule, code: str) -> RuleParams:
    return RuleParams(
        code=code,
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
    return {r.title.code: rule_params(r, r.title.code) for r in rules}


def rule_for(title: Title, year: int) -> TitleRule | None:
    try:
        return title.rule_on(dt.date(year, 12, 31))
    except TitleRule.DoesNotExist:
        return None
