"""The eligibility engine: pure functions over plain dataclasses (no ORM, no clock).

Each function answers ELIGIBLE, NOT_ELIGIBLE or HOLD for one subject, one title and one
evaluated year, with the reasons; every reason names the article it applies
(`../shared/domain/emulation-rules.md` §8, rules R0–R10). The rule version is chosen by the
caller from the evaluated year (`Title.rule_on(31/12/Y)`) and passed in as `RuleParams`; the
articles a version cites travel in its `articles` mapping (from the pack's data), so the
regimes of a sector's successive circulars differ by data, not by code; the checks of a title
are chosen by the title of the Law it is (`RuleParams.law_title`), never by its code.

Precedence of outcomes: any failed criterion → NOT_ELIGIBLE; otherwise an open case (or a
situation the legal text does not settle) → HOLD; otherwise ELIGIBLE. Warnings never block.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple

# Which title or form of Law 06/2022/QH15 a title is (awards.models.LawTitle): the engine
# chooses each check from this, never from a pack's own title code.
ADVANCED_LABOURER = "advanced_labourer"
BASE_FIGHTER = "base_fighter"
MINISTERIAL_FIGHTER = "ministerial_fighter"
NATIONAL_FIGHTER = "national_fighter"
ADVANCED_COLLECTIVE = "advanced_collective"
EXCELLENT_COLLECTIVE = "excellent_collective"
MINISTERIAL_FLAG = "ministerial_flag"
GOVERNMENT_FLAG = "government_flag"
COMMEMORATIVE_MEDAL = "commemorative_medal"
COMMENDATION = "commendation"
INDIVIDUAL_LAWS = (
    ADVANCED_LABOURER,
    BASE_FIGHTER,
    MINISTERIAL_FIGHTER,
    NATIONAL_FIGHTER,
    COMMEMORATIVE_MEDAL,
)
COLLECTIVE_LAWS = (ADVANCED_COLLECTIVE, EXCELLENT_COLLECTIVE, MINISTERIAL_FLAG, GOVERNMENT_FLAG)
LOWER = {
    BASE_FIGHTER: ADVANCED_LABOURER,
    MINISTERIAL_FIGHTER: BASE_FIGHTER,
    NATIONAL_FIGHTER: MINISTERIAL_FIGHTER,
    EXCELLENT_COLLECTIVE: ADVANCED_COLLECTIVE,
    MINISTERIAL_FLAG: EXCELLENT_COLLECTIVE,
    GOVERNMENT_FLAG: MINISTERIAL_FLAG,
}
"""The title of the Law each title rests on (the title a chain counts, or the one a collective
title is chosen among); a rule may name another with params["counts"]."""

PASS, FAIL, HOLD, WARN = "pass", "fail", "hold", "warn"

RATINGS = ("HTXS", "HTT", "HT", "KHT")
DISCIPLINE_RANK = {
    "reprimand": 1,
    "warning": 2,
    "demotion": 3,
    "dismissal_from_post": 4,
    "dismissal": 5,
}
INITIATIVE_RANK = {"base": 1, "sector": 2, "national": 3}
DECREE_152_FROM = dt.date(2025, 7, 1)

LAW = "Luật 06/2022/QH15"
LAW_ARTICLE = {
    ADVANCED_LABOURER: f"{LAW} Điều 24",
    BASE_FIGHTER: f"{LAW} Điều 23",
    MINISTERIAL_FIGHTER: f"{LAW} Điều 22",
    NATIONAL_FIGHTER: f"{LAW} Điều 21",
    ADVANCED_COLLECTIVE: f"{LAW} Điều 28",
    EXCELLENT_COLLECTIVE: f"{LAW} Điều 27",
    MINISTERIAL_FLAG: f"{LAW} Điều 26",
    GOVERNMENT_FLAG: f"{LAW} Điều 25",
    COMMENDATION: f"{LAW} Điều 74, 75",
}
"""The article of the Law for each of its titles: the citation of last resort when a pack's
rule data names none for a criterion."""

NATIONAL_ARTICLES = {
    "hold": "Nghị định 152/2025/NĐ-CP Điều 4(4)",
    "penalty_served": "Nghị định 152/2025/NĐ-CP Điều 4(4)",
    "maternity": "Nghị định 152/2025/NĐ-CP Điều 4(5)",
    "once": f"{LAW} Điều 5(2)(c)",
    "rating": f"{LAW} Điều 24(1)(a)",
    "cstdcs": f"{LAW} Điều 23",
    "nganh_chain": f"{LAW} Điều 22(1)(a)",
    "nganh_initiative": f"{LAW} Điều 22(1)(b)",
    "tq_chain": f"{LAW} Điều 21",
    "tq_initiative": f"{LAW} Điều 21",
    "ttldtt_share": f"{LAW} Điều 28",
    "ttldtt_warning": f"{LAW} Điều 28",
    "ttldtt_result": f"{LAW} Điều 28",
    "ttldxs_complete": f"{LAW} Điều 27",
    "ttldxs_share": f"{LAW} Điều 27",
    "ttldxs_cstdcs": f"{LAW} Điều 27",
    "ttldxs_exceeded": f"{LAW} Điều 27",
    "cp_co": f"{LAW} Điều 25",
    "form": f"{LAW} Điều 74, 75",
}
"""National citations (the Law and the Decrees) used where a rule version's data cites nothing
for a criterion; a sector's own instruments are cited only from its pack's data."""


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    HOLD = "hold"


EMPTY: Mapping[str, Any] = MappingProxyType({})


class Reason(NamedTuple):
    """One checked criterion: `code` names the message (awards/reasons.py), `status` is
    pass/fail/hold/warn, `article` the legal basis, `params` the figures the message shows.
    (A named tuple: the engine makes ~100,000 of them per year of the whole sector.)"""

    code: str
    status: str
    article: str
    params: Mapping[str, Any] = EMPTY

    def as_json(self) -> list[Any]:
        return [self.code, self.status, self.article, dict(self.params)]


@dataclass(frozen=True)
class Verdict:
    title: str
    outcome: Outcome
    reasons: tuple[Reason, ...]

    @classmethod
    def of(cls, title: str, reasons: Sequence[Reason]) -> Verdict:
        statuses = {r.status for r in reasons}
        if FAIL in statuses:
            outcome = Outcome.NOT_ELIGIBLE
        elif HOLD in statuses:
            outcome = Outcome.HOLD
        else:
            outcome = Outcome.ELIGIBLE
        return cls(title, outcome, tuple(reasons))

    @property
    def eligible(self) -> bool:
        return self.outcome == Outcome.ELIGIBLE

    def failed(self) -> list[Reason]:
        return [r for r in self.reasons if r.status in {FAIL, HOLD}]


@dataclass(frozen=True)
class RuleParams:
    """The figures of one TitleRule version that the engine needs."""

    code: str
    law_title: str = ""
    valid_from: dt.date = dt.date(2024, 10, 1)
    service_months_min: int | None = None
    share_threshold: Decimal | None = None
    share_comparator: str = "gt"
    quota_share: Decimal | None = None
    quota_minimum: int | None = None
    warn_share: Decimal | None = None
    chain_years: int = 0
    params: Mapping[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def articles(self) -> dict[str, str]:
        """The national citations overlaid with the articles this rule version cites."""
        given = self.params.get("articles", {})
        return {**NATIONAL_ARTICLES, **{k: str(v) for k, v in given.items() if v}}

    def article(self, key: str) -> str:
        """The article the rule version cites for `key`; else the Law's article of the title."""
        found = self.articles.get(key)
        return found or LAW_ARTICLE.get(self.law_title, LAW)

    @property
    def counts(self) -> str:
        """The title of the Law this title's chain counts or is chosen among."""
        return str(self.params.get("counts", LOWER.get(self.law_title, "")))


@dataclass(frozen=True)
class DisciplineFact:
    level: str
    decided_on: dt.date
    served_until: dt.date | None = None
    used_to_refuse_year: int | None = None


@dataclass(frozen=True)
class AbsenceFact:
    year: int
    months: Decimal
    reason: str


@dataclass(frozen=True)
class CaseFact:
    opened_on: dt.date
    closed_on: dt.date | None = None
    finding_id: int | None = None
    """An oversight finding naming the person (issue 13), rather than an awards case."""

    def open_on(self, day: dt.date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)


@dataclass(frozen=True)
class InitiativeFact:
    id: int
    level: str
    recognised_on: dt.date
    used_for: tuple[str, int] | None = None
    """(title code, year) of the award this initiative already backed, if any."""


@dataclass(frozen=True)
class PersonFacts:
    person_id: int
    joined_on: dt.date | None
    ratings: Mapping[int, str] = field(default_factory=dict)
    absences: tuple[AbsenceFact, ...] = ()
    disciplines: tuple[DisciplineFact, ...] = ()
    cases: tuple[CaseFact, ...] = ()
    awards: Mapping[int, frozenset[str]] = field(default_factory=dict)
    initiatives: tuple[InitiativeFact, ...] = ()
    resumed_on: tuple[dt.date, ...] = ()
    """the days service resumed after a break (a gap between two positions)"""

    def has(self, code: str, year: int) -> bool:
        return code in self.awards.get(year, frozenset())

    def ever(self, code: str) -> bool:
        return any(code in codes for codes in self.awards.values())


@dataclass(frozen=True)
class ResultFact:
    """The unit's THTK-CLP evaluation for the year (thidua.evaluation.results.UnitResult)."""

    total: Decimal | None
    final: bool
    targets_exceeded: bool | None
    rank_in_cluster: int | None = None


@dataclass(frozen=True)
class UnitFacts:
    unit_id: int
    level_code: str
    members: int
    members_ldtt: int
    members_cstdcs: int
    members_not_complete: int
    """members rated KHT or without a rating"""
    members_warned: int
    """members disciplined at cảnh cáo (warning) or above in the year"""
    result: ResultFact | None = None
    cases: tuple[CaseFact, ...] = ()
    awards: Mapping[int, frozenset[str]] = field(default_factory=dict)

    def has(self, code: str, year: int) -> bool:
        return code in self.awards.get(year, frozenset())


# ---------------------------------------------------------------- helpers


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (a month is counted when its day is reached)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def service_months(joined_on: dt.date | None, year: int) -> int | None:
    """Months of service at the end of the evaluated year (31/12 counts as a full day)."""
    if joined_on is None:
        return None
    return months_between(joined_on, year_end(year) + dt.timedelta(days=1))


def holds(cases: Sequence[CaseFact], as_of: dt.date, rule: RuleParams) -> list[Reason]:
    """R0: an open disciplinary review, investigation, inspection or complaint → HOLD."""
    open_cases = [c for c in cases if c.open_on(as_of) and c.finding_id is None]
    out = []
    if open_cases:
        first = min(c.opened_on for c in open_cases)
        out.append(Reason("case_open", HOLD, rule.article("hold"), {"since": first.isoformat()}))
    for c in sorted(cases, key=lambda c: (c.opened_on, c.finding_id or 0)):
        if c.finding_id is not None and c.open_on(as_of):
            params = {"since": c.opened_on.isoformat(), "finding": c.finding_id}
            out.append(Reason("finding_open", HOLD, rule.article("hold"), params))
    return out


def _compare(share: Decimal, threshold: Decimal, comparator: str) -> bool:
    return share > threshold if comparator == "gt" else share >= threshold


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(0)


def _pct(value: Decimal) -> str:
    return str((value * 100).quantize(Decimal("0.1")))


# ---------------------------------------------------------------- individuals


def _rating_reason(p: PersonFacts, year: int, rule: RuleParams) -> Reason:
    level = p.ratings.get(year)
    if level is None:
        return Reason("rating_missing", FAIL, rule.article("rating"), {"year": year})
    ok = level in {"HTXS", "HTT"}
    return Reason(
        "rating_good" if ok else "rating_low",
        PASS if ok else FAIL,
        rule.article("rating"),
        {"level": level, "year": year},
    )


def _service_reason(p: PersonFacts, year: int, rule: RuleParams) -> Reason:
    needed = rule.service_months_min or 0
    months = service_months(p.joined_on, year)
    if months is None:
        return Reason("service_unknown", HOLD, rule.article("service"), {"needed": needed})
    status = PASS if months >= needed else FAIL
    code = "service_ok" if status == PASS else "service_short"
    return Reason(code, status, rule.article("service"), {"months": months, "needed": needed})


def _absence_reasons(p: PersonFacts, year: int, rule: RuleParams) -> list[Reason]:
    """Off work from `absence_from_months` (3) to under `absence_to_months` (6) → no LĐTT, as
    the sector's circular sets it (cited from the pack's data); maternity leave counts as
    worked (Decree 152/2025 Art. 4(5)); longer absences are not settled → HOLD (review)."""
    if not p.absences:
        return []
    this_year = [a for a in p.absences if a.year == year]
    maternity = sum((a.months for a in this_year if a.reason == "maternity"), Decimal(0))
    months = sum((a.months for a in this_year if a.reason != "maternity"), Decimal(0))
    reasons = []
    if maternity:
        reasons.append(
            Reason("maternity_counted", PASS, rule.article("maternity"), {"months": str(maternity)})
        )
    low = Decimal(rule.params.get("absence_from_months", 3))
    high = Decimal(rule.params.get("absence_to_months", 6))
    if months >= high:
        reasons.append(
            Reason("absence_long", HOLD, rule.article("absence"), {"months": str(months)})
        )
    elif months >= low:
        reasons.append(
            Reason("absence_3_6", FAIL, rule.article("absence"), {"months": str(months)})
        )
    return reasons


def _discipline_reasons(p: PersonFacts, year: int, rule: RuleParams) -> list[Reason]:
    """Khiển trách or above decided in the year → no LĐTT, unless the breach was already used
    to refuse LĐTT in an earlier year (the sector's circular, cited from the pack's data).
    Decree 152/2025 Art. 4(4): achievements before the end of a penalty do not count."""
    reasons = []
    for d in p.disciplines:
        if d.decided_on.year == year and DISCIPLINE_RANK.get(d.level, 0) >= 1:
            if d.used_to_refuse_year is not None and d.used_to_refuse_year < year:
                reasons.append(
                    Reason(
                        "discipline_already_used",
                        PASS,
                        rule.article("discipline"),
                        {"level": d.level, "year": d.used_to_refuse_year},
                    )
                )
            else:
                reasons.append(
                    Reason(
                        "discipline_in_year",
                        FAIL,
                        rule.article("discipline"),
                        {"level": d.level, "on": d.decided_on.isoformat()},
                    )
                )
        served = d.served_until
        if served is None or served < DECREE_152_FROM or d.decided_on.year == year:
            continue
        if served > year_end(year):
            reasons.append(
                Reason(
                    "penalty_running",
                    FAIL,
                    rule.article("penalty_served"),
                    {"until": served.isoformat()},
                )
            )
        elif served > dt.date(year, 1, 1):
            reasons.append(
                Reason(
                    "penalty_served_in_year",
                    WARN,
                    rule.article("penalty_served"),
                    {"until": served.isoformat()},
                )
            )
    return reasons


def lao_dong_tien_tien(p: PersonFacts, year: int, rule: RuleParams, as_of: dt.date) -> Verdict:
    """R1 Lao động tiên tiến: rating HTT or better (Law Art. 24(1)(a)); at least
    `service_months_min` months of service, not off work too long, no reprimand or worse in
    the year (the sector details the criteria: Law Art. 24); R0 holds."""
    reasons = [_rating_reason(p, year, rule), _service_reason(p, year, rule)]
    reasons += _absence_reasons(p, year, rule)
    reasons += _discipline_reasons(p, year, rule)
    reasons += holds(p.cases, as_of, rule)
    return Verdict.of(rule.code, reasons)


def usable_initiatives(
    p: PersonFacts, min_level: str, title: str, year: int, *, in_year: int | None = None
) -> list[InitiativeFact]:
    """Initiatives at `min_level` or above that have not backed another award (one
    achievement is rewarded once: Law Art. 5(2)(c))."""
    if not p.initiatives:
        return []
    rank = INITIATIVE_RANK[min_level]
    return [
        i
        for i in p.initiatives
        if INITIATIVE_RANK.get(i.level, 0) >= rank
        and (in_year is None or i.recognised_on.year == in_year)
        and i.recognised_on <= year_end(year)
        and (i.used_for is None or i.used_for == (title, year))
    ]


def _used_elsewhere(p: PersonFacts, min_level: str, title: str, year: int) -> bool:
    if not p.initiatives:
        return False
    rank = INITIATIVE_RANK[min_level]
    return any(
        INITIATIVE_RANK.get(i.level, 0) >= rank and i.used_for not in (None, (title, year))
        for i in p.initiatives
    )


def chien_si_thi_dua_co_so(
    p: PersonFacts,
    year: int,
    rule: RuleParams,
    as_of: dt.date,
    ldtt: Verdict | None = None,
    *,
    ldtt_held: bool = False,
) -> Verdict:
    """R2 Chiến sĩ thi đua cơ sở (Law Art. 23): LĐTT in the year (`ldtt_held`: already
    awarded; else the LĐTT verdict, computed with this rule when the pack has no LĐTT rule),
    and a rating HTXS or an initiative recognised (base level or above) in the year that backed
    no other award."""
    ldtt = ldtt or lao_dong_tien_tien(p, year, rule, as_of)
    reasons: list[Reason] = []
    if ldtt_held or ldtt.eligible:
        reasons.append(Reason("has_ldtt", PASS, rule.article("cstdcs"), {"year": year}))
        reasons += holds(p.cases, as_of, rule)
    else:
        # the LĐTT refusal carries its own reasons, an open case among them
        reasons.append(Reason("needs_ldtt", FAIL, rule.article("cstdcs"), {"year": year}))
        reasons += [r for r in ldtt.reasons if r.status != PASS]
    level = str(rule.params.get("initiative_level", "base"))
    if p.ratings.get(year) == "HTXS":
        reasons.append(Reason("rating_excellent", PASS, rule.article("cstdcs"), {"year": year}))
    elif usable_initiatives(p, level, rule.code, year, in_year=year):
        reasons.append(Reason("initiative_ok", PASS, rule.article("cstdcs"), {"level": level}))
    elif _used_elsewhere(p, level, rule.code, year):
        reasons.append(Reason("initiative_used", FAIL, rule.article("once"), {}))
    else:
        reasons.append(Reason("needs_htxs_or_initiative", FAIL, rule.article("cstdcs"), {}))
    return Verdict.of(rule.code, reasons)


def _held(p: PersonFacts | UnitFacts, codes: Sequence[str], year: int) -> bool:
    return any(p.has(code, year) for code in codes)


def _chain(
    p: PersonFacts,
    lower: Sequence[str],
    year: int,
    years: int,
    lower_now: bool,
    rule: RuleParams,
    key: str,
) -> Reason:
    """`years` consecutive years of a title among `lower` ending with `year`; the year itself
    counts when the lower title was awarded or is eligible now (both are considered in the same
    round)."""
    held = [y for y in range(year - years + 1, year + 1) if _held(p, lower, y)]
    if lower_now and year not in held:
        held.append(year)
    missing = [y for y in range(year - years + 1, year + 1) if y not in held]
    title = lower[0] if lower else ""
    params = {"title": title, "years": years, "missing": ", ".join(str(y) for y in missing)}
    return Reason(
        f"{key}_ok" if not missing else f"{key}_missing",
        PASS if not missing else FAIL,
        rule.article(key),
        params,
    )


def chien_si_thi_dua_nganh(
    p: PersonFacts,
    year: int,
    rule: RuleParams,
    as_of: dt.date,
    *,
    lower: Sequence[str] = (),
    lower_now: bool = False,
) -> Verdict:
    """R3 CSTĐ of a ministry, sector or province (Law Art. 22(1)): `chain_years` (3)
    consecutive CSTĐ cơ sở titles (`lower`: the codes of the pack's base_fighter titles) ending
    in the year, and an initiative recognised at the level the rule names (default: sector)
    that backed no other award."""
    years = rule.chain_years or 3
    level = str(rule.params.get("initiative_level", "sector"))
    reasons = [_chain(p, lower, year, years, lower_now, rule, "nganh_chain")]
    reasons.append(_initiative_reason(p, level, rule.code, year, rule, "nganh_initiative"))
    reasons += holds(p.cases, as_of, rule)
    return Verdict.of(rule.code, reasons)


def _initiative_reason(
    p: PersonFacts, level: str, title: str, year: int, rule: RuleParams, key: str
) -> Reason:
    if usable_initiatives(p, level, title, year):
        return Reason("initiative_ok", PASS, rule.article(key), {"level": level})
    if _used_elsewhere(p, level, title, year):
        return Reason("initiative_used", FAIL, rule.article("once"), {"level": level})
    return Reason("initiative_missing", FAIL, rule.article(key), {"level": level})


def successive_years(year: int, times: int, step: int) -> list[int]:
    """The years of `times` successive titles, the last in `year`, each resting on its own
    chain of `step` years: 2 titles of a 3-year chain → [year - 3, year]."""
    return [year - k * step for k in range(times - 1, -1, -1)]


def chien_si_thi_dua_toan_quoc(
    p: PersonFacts,
    year: int,
    rule: RuleParams,
    as_of: dt.date,
    *,
    lower: Sequence[str] = (),
    lower_now: bool = False,
    step: int = 3,
) -> Verdict:
    """R4 CSTĐ toàn quốc (Law Art. 21): `chain_years` (2) *successive* CSTĐ titles of a
    ministry, sector or province (`lower`), the last in the year: each rests on its own chain
    of `step` years of CSTĐ cơ sở, so successive titles are `step` years apart (not two
    calendar years that happen to hold one); and an initiative with nationwide effect."""
    times = rule.chain_years or 2
    wanted = successive_years(year, times, step)
    held = {y for y in wanted if _held(p, lower, y) or (y == year and lower_now)}
    missing = [y for y in wanted if y not in held]
    title = lower[0] if lower else ""
    reasons = [
        Reason(
            "successive_titles_ok" if not missing else "successive_titles_missing",
            PASS if not missing else FAIL,
            rule.article("tq_chain"),
            {
                "title": title,
                "times": times,
                "step": step,
                "missing": ", ".join(str(y) for y in missing),
            },
        )
    ]
    level = str(rule.params.get("initiative_level", "national"))
    reasons.append(_initiative_reason(p, level, rule.code, year, rule, "tq_initiative"))
    reasons += holds(p.cases, as_of, rule)
    return Verdict.of(rule.code, reasons)


def ky_niem_chuong(p: PersonFacts, year: int, rule: RuleParams, as_of: dt.date) -> Verdict:
    """R10 Kỷ niệm chương of a sector or body: once per person; an insider needs
    `service_years` of continuous service counted to the award round's date (params
    "round_date", "MM-DD"; 31/12 when absent); a break in service restarts the count; the
    rating must not be KHT."""
    needed = int(rule.params.get("service_years", 15))
    round_day = round_date(rule, year)
    reasons = []
    if p.ever(rule.code):
        reasons.append(Reason("knc_received", FAIL, rule.article("knc_once"), {}))
    start = continuous_since(p, round_day)
    if start is None:
        reasons.append(Reason("service_unknown", HOLD, rule.article("knc_service"), {}))
    else:
        months = months_between(start, round_day + dt.timedelta(days=1))
        ok = months >= needed * 12
        reasons.append(
            Reason(
                "knc_service_ok" if ok else "knc_service_short",
                PASS if ok else FAIL,
                rule.article("knc_service"),
                {"years": max(months, 0) // 12, "needed": needed},
            )
        )
        if start != p.joined_on:
            reasons.append(
                Reason(
                    "service_resumed",
                    PASS,
                    rule.article("knc_service"),
                    {"since": start.isoformat(), "on": round_day.isoformat()},
                )
            )
    if p.ratings.get(year) == "KHT":
        reasons.append(Reason("rating_low", FAIL, rule.article("knc_service"), {"level": "KHT"}))
    reasons += holds(p.cases, as_of, rule)
    return Verdict.of(rule.code, reasons)


def round_date(rule: RuleParams, year: int) -> dt.date:
    """The date of the award round of `year` from the rule data ("07-26"), else 31/12."""
    text = str(rule.params.get("round_date") or "12-31")
    month, day = (int(part) for part in text.split("-"))
    return dt.date(year, month, day)


def continuous_since(p: PersonFacts, day: dt.date) -> dt.date | None:
    """The start of the unbroken service that runs on `day`: the date joined, or the latest
    return after a break (`resumed_on`) on or before `day`."""
    if p.joined_on is None:
        return None
    resumed = [d for d in p.resumed_on if p.joined_on < d <= day]
    return max(resumed) if resumed else p.joined_on


def award_form(code: str, cases: Sequence[CaseFact], rule: RuleParams, as_of: dt.date) -> Verdict:
    """R9 Bằng khen, Giấy khen: the criteria are set by the sector (not found) and assessed by
    the reviewer; only the holds of R0 are checked here."""
    reasons = [Reason("form_reviewer", WARN, rule.article("form"), {})]
    return Verdict.of(code, reasons + holds(cases, as_of, rule))


def by_law(rules: Mapping[str, RuleParams]) -> dict[str, list[str]]:
    """The codes of the titles in force, by the title of the Law each one is."""
    out: dict[str, list[str]] = {}
    for code, rule in rules.items():
        if rule.law_title:
            out.setdefault(rule.law_title, []).append(code)
    return out


def step_years(rules: Mapping[str, RuleParams], law: str, default: int = 3) -> int:
    """How many years apart successive titles of `law` are: its rule's own chain."""
    for rule in rules.values():
        if rule.law_title == law and rule.chain_years:
            return rule.chain_years
    return default


def lookback_years(rules: Mapping[str, RuleParams]) -> int:
    """How many years before the evaluated one the longest chain of any rule reads."""
    back = 0
    for rule in rules.values():
        if rule.law_title == MINISTERIAL_FIGHTER:
            back = max(back, (rule.chain_years or 3) - 1)
        elif rule.law_title == NATIONAL_FIGHTER:
            step = int(rule.params.get("step_years") or step_years(rules, rule.counts))
            back = max(back, ((rule.chain_years or 2) - 1) * step)
        elif rule.chain_years:
            back = max(back, rule.chain_years - 1)
    return back


def evaluate_person(
    p: PersonFacts,
    year: int,
    rules: Mapping[str, RuleParams],
    as_of: dt.date,
    *,
    candidates_only: bool = False,
) -> dict[str, Verdict]:
    """Every individual title for which a rule is in force, chosen by the title of the Law each
    one is, lower titles first (a higher title's chain counts this year's lower title when it
    is eligible now). With `candidates_only`, a higher title whose chain cannot hold (the
    previous lower title missing) or a medal already received is skipped: the sector-wide run
    stores only candidates (`is_candidate`)."""
    out: dict[str, Verdict] = {}
    laws = by_law(rules)

    def now(law: str) -> bool:
        codes = laws.get(law, [])
        return _held(p, codes, year) or any(c in out and out[c].eligible for c in codes)

    for code in laws.get(ADVANCED_LABOURER, []):
        out[code] = lao_dong_tien_tien(p, year, rules[code], as_of)
    ldtt = next((out[c] for c in laws.get(ADVANCED_LABOURER, [])), None)
    for code in laws.get(BASE_FIGHTER, []):
        rule = rules[code]
        held = _held(p, laws.get(rule.counts, []), year)
        out[code] = chien_si_thi_dua_co_so(p, year, rule, as_of, ldtt, ldtt_held=held)
    for code in laws.get(MINISTERIAL_FIGHTER, []):
        rule = rules[code]
        lower = laws.get(rule.counts, [])
        if candidates_only and not _held(p, lower, year - 1):
            continue
        out[code] = chien_si_thi_dua_nganh(
            p, year, rule, as_of, lower=lower, lower_now=now(rule.counts)
        )
    for code in laws.get(NATIONAL_FIGHTER, []):
        rule = rules[code]
        lower = laws.get(rule.counts, [])
        step = int(rule.params.get("step_years") or step_years(rules, rule.counts))
        if candidates_only and not _held(p, lower, year - step):
            continue
        out[code] = chien_si_thi_dua_toan_quoc(
            p, year, rule, as_of, lower=lower, lower_now=now(rule.counts), step=step
        )
    for code in laws.get(COMMEMORATIVE_MEDAL, []):
        if candidates_only and p.ever(code):
            continue
        out[code] = ky_niem_chuong(p, year, rules[code], as_of)
    return out


CHAIN_FAILURES = frozenset(
    {
        "nganh_chain_missing",
        "tq_chain_missing",
        "successive_titles_missing",
        "knc_service_short",
        "knc_received",
    }
)


def is_candidate(code: str, verdict: Verdict) -> bool:
    """Whether a verdict is worth storing for the candidate lists: every answer but those of a
    higher title whose chain or service is not in place (`code` is kept for the callers)."""
    blocking = {r.code for r in verdict.reasons if r.status == FAIL}
    return not blocking & CHAIN_FAILURES


# ---------------------------------------------------------------- collectives


def _result_reasons(u: UnitFacts, rule: RuleParams, *, exceeded: bool, key: str) -> list[Reason]:
    """The THTK-CLP evaluation of the unit as a criterion for collective titles."""
    r = u.result
    if r is None or not r.final:
        status = FAIL if exceeded else WARN
        return [Reason("result_missing", status, rule.article(key), {})]
    total = "" if r.total is None else str(r.total)
    reasons = [Reason("result_final", PASS, rule.article(key), {"total": total})]
    if exceeded:
        ok = bool(r.targets_exceeded)
        reasons.append(
            Reason(
                "targets_exceeded" if ok else "targets_not_exceeded",
                PASS if ok else FAIL,
                rule.article(key),
                {},
            )
        )
    return reasons


def tap_the_lao_dong_tien_tien(
    u: UnitFacts, year: int, rule: RuleParams, as_of: dt.date
) -> Verdict:
    """R5 Tập thể lao động tiên tiến (Law Art. 28): the share of members LĐTT more than
    ("trên 50%", comparator "gt") or, as a rule version may say, at least ("ge") the
    threshold (default 50 %); no member warned or worse; tasks completed well (the THTK-CLP
    evaluation result, reviewer-confirmed)."""
    threshold = rule.share_threshold if rule.share_threshold is not None else Decimal("0.5")
    share = _share(u.members_ldtt, u.members)
    ok = u.members > 0 and _compare(share, threshold, rule.share_comparator)
    reasons = [
        Reason(
            "ldtt_share_ok" if ok else "ldtt_share_low",
            PASS if ok else FAIL,
            rule.article("ttldtt_share"),
            {
                "share": _pct(share),
                "threshold": _pct(threshold),
                "comparator": ">" if rule.share_comparator == "gt" else "≥",
            },
        ),
    ]
    if u.members_warned:
        reasons.append(
            Reason(
                "member_warned", FAIL, rule.article("ttldtt_warning"), {"count": u.members_warned}
            )
        )
    reasons += _result_reasons(u, rule, exceeded=False, key="ttldtt_result")
    reasons += holds(u.cases, as_of, rule)
    return Verdict.of(rule.code, reasons)


def tap_the_lao_dong_xuat_sac(
    u: UnitFacts, year: int, rule: RuleParams, as_of: dt.date, *, ttldtt: bool
) -> Verdict:
    """R6 Tập thể lao động xuất sắc (Law Art. 27): all members complete their tasks, ≥ 70 %
    LĐTT, ≥ 1 CSTĐCS; "excellent completion" read as the targets of the approved programme
    exceeded, as a sector may define it (cited from the pack's data). A quota, when the rule
    has one, is applied afterwards over the awarding level."""
    threshold = rule.share_threshold if rule.share_threshold is not None else Decimal("0.7")
    share = _share(u.members_ldtt, u.members)
    reasons = [
        Reason(
            "has_ttldtt" if ttldtt else "needs_ttldtt",
            PASS if ttldtt else FAIL,
            rule.article("ttldxs_complete"),
            {},
        )
    ]
    complete = u.members > 0 and u.members_not_complete == 0
    reasons.append(
        Reason(
            "all_complete" if complete else "not_all_complete",
            PASS if complete else FAIL,
            rule.article("ttldxs_complete"),
            {"count": u.members_not_complete},
        )
    )
    ok = u.members > 0 and share >= threshold
    reasons.append(
        Reason(
            "ldtt_share_ok" if ok else "ldtt_share_low",
            PASS if ok else FAIL,
            rule.article("ttldxs_share"),
            {"share": _pct(share), "threshold": _pct(threshold), "comparator": "≥"},
        )
    )
    has = u.members_cstdcs >= 1
    reasons.append(
        Reason(
            "has_cstdcs" if has else "needs_cstdcs",
            PASS if has else FAIL,
            rule.article("ttldxs_cstdcs"),
            {"count": u.members_cstdcs},
        )
    )
    reasons += _result_reasons(u, rule, exceeded=True, key="ttldxs_exceeded")
    reasons += holds(u.cases, as_of, rule)
    return Verdict.of(rule.code, reasons)


def ttldxs_quota(count_ttldtt: int, rule: RuleParams) -> int:
    """The quota of a rule: at most `quota_share` of the units rated at the title below, at
    least `quota_minimum`; fractions rounded as params["quota_rounding"] says (floor by
    default; the reading and its source are in the rule's note)."""
    share = rule.quota_share if rule.quota_share is not None else Decimal("0.2")
    minimum = rule.quota_minimum if rule.quota_minimum is not None else 1
    rounding = rule.params.get("quota_rounding", "floor")
    raw = share * count_ttldtt
    value = math.ceil(raw) if rounding == "ceil" else math.floor(raw)
    return max(minimum, value) if count_ttldtt else 0


def apply_quota(
    ranked: Sequence[int], count_ttldtt: int, rule: RuleParams
) -> tuple[list[int], list[int]]:
    """Split TTLĐXS-eligible unit ids, best first, into those within the quota and the rest."""
    limit = ttldxs_quota(count_ttldtt, rule)
    return list(ranked[:limit]), list(ranked[limit:])


def quota_reason(limit: int, count_ttldtt: int, rule: RuleParams) -> Reason:
    return Reason(
        "quota_exceeded",
        FAIL,
        rule.article("ttldxs_quota"),
        {"limit": limit, "count": count_ttldtt},
    )


def cstdcs_share_warning(count_cstdcs: int, count_ldtt: int, rule: RuleParams) -> Reason | None:
    """No statutory cap on CSTĐCS since 2024; warn above the old 15 % practice."""
    if rule.warn_share is None or not count_ldtt:
        return None
    share = _share(count_cstdcs, count_ldtt)
    if share <= rule.warn_share:
        return None
    return Reason(
        "cstdcs_share_high",
        WARN,
        rule.article("cstdcs_share"),
        {"share": _pct(share), "threshold": _pct(rule.warn_share)},
    )


def co_thi_dua_nganh(
    u: UnitFacts, year: int, rule: RuleParams, as_of: dt.date, *, ttldxs: bool
) -> Verdict:
    """R7 Cờ thi đua of a ministry, sector or province (Law Art. 26): among the excellent
    collectives of the year; a unit of a level the rule allows (params "levels", the org level
    codes; any level when absent); targets exceeded and active in THTK-CLP (the evaluation
    result); first of its cluster or block."""
    levels = rule.params.get("levels")
    reasons = [
        Reason(
            "has_ttldxs" if ttldxs else "needs_ttldxs",
            PASS if ttldxs else FAIL,
            rule.article("co_ttldxs"),
            {},
        )
    ]
    ok_level = levels is None or u.level_code in levels
    reasons.append(
        Reason(
            "level_ok" if ok_level else "level_not_allowed",
            PASS if ok_level else FAIL,
            rule.article("co_level"),
            {},
        )
    )
    reasons += _result_reasons(u, rule, exceeded=True, key="co_thtk")
    rank = u.result.rank_in_cluster if u.result else None
    first = rank == 1
    reasons.append(
        Reason(
            "cluster_first" if first else "cluster_not_first",
            PASS if first else FAIL,
            rule.article("co_first"),
            {"rank": rank or "—"},
        )
    )
    reasons += holds(u.cases, as_of, rule)
    return Verdict.of(rule.code, reasons)


def co_thi_dua_chinh_phu(
    u: UnitFacts, year: int, rule: RuleParams, as_of: dt.date, *, co_nganh: bool
) -> Verdict:
    """R8 Cờ thi đua của Chính phủ: a candidate among the holders of the sector flag of the
    year (practice; Law Art. 25 criteria not read: confidence low)."""
    reasons = [
        Reason(
            "has_co_nganh" if co_nganh else "needs_co_nganh",
            PASS if co_nganh else FAIL,
            rule.article("cp_co"),
            {},
        )
    ]
    reasons += _result_reasons(u, rule, exceeded=True, key="co_thtk")
    reasons += holds(u.cases, as_of, rule)
    return Verdict.of(rule.code, reasons)


def evaluate_unit(
    u: UnitFacts, year: int, rules: Mapping[str, RuleParams], as_of: dt.date
) -> dict[str, Verdict]:
    """Every collective title in force, by the title of the Law each one is, lower first
    (the quota is applied by the caller)."""
    out: dict[str, Verdict] = {}
    laws = by_law(rules)
    for law in COLLECTIVE_LAWS:
        for code in laws.get(law, []):
            rule = rules[code]
            lower = laws.get(rule.counts, [])
            below = _held(u, lower, year) or any(c in out and out[c].eligible for c in lower)
            out[code] = collective_verdict(u, year, rule, as_of, below)
    return out


def collective_verdict(
    u: UnitFacts, year: int, rule: RuleParams, as_of: dt.date, below: bool
) -> Verdict:
    """The check of one collective title, chosen by its title of the Law; `below`: the unit
    holds (or is eligible now for) the title this one is chosen among."""
    if rule.law_title == ADVANCED_COLLECTIVE:
        return tap_the_lao_dong_tien_tien(u, year, rule, as_of)
    if rule.law_title == EXCELLENT_COLLECTIVE:
        return tap_the_lao_dong_xuat_sac(u, year, rule, as_of, ttldtt=below)
    if rule.law_title == MINISTERIAL_FLAG:
        return co_thi_dua_nganh(u, year, rule, as_of, ttldxs=below)
    return co_thi_dua_chinh_phu(u, year, rule, as_of, co_nganh=below)


def cash_amount(multiple: Decimal, base_salary: Decimal) -> Decimal:
    """R11: multiple × the base salary in force on the decision date, rounded to the đồng."""
    return (multiple * base_salary).quantize(Decimal(1))
