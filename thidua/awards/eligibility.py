"""The eligibility engine: pure functions over plain dataclasses (no ORM, no clock).

Each function answers ELIGIBLE, NOT_ELIGIBLE or HOLD for one subject, one title and one
evaluated year, with the reasons; every reason names the article it applies
(`../shared/domain/emulation-rules.md` §8, rules R0–R10). The rule version is chosen by the
caller from the evaluated year (`Title.rule_on(31/12/Y)`) and passed in as `RuleParams`; the
articles a version cites travel in its `articles` mapping, so the TT 01/2019 and TT 02/2024
regimes differ by data, not by code.

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

# Title codes of the catalogue (thidua/packs/ksnd/titles.json).
LDTT = "LDTT"
CSTDCS = "CSTDCS"
CSTD_NGANH = "CSTD_NGANH"
CSTD_TQ = "CSTD_TQ"
TTLDTT = "TTLDTT"
TTLDXS = "TTLDXS"
CO_NGANH = "CO_NGANH"
CO_CP = "CO_CP"
KNC = "KNC_VSNKS"

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

DEFAULT_ARTICLES = {
    "hold": "Nghị định 152/2025/NĐ-CP Điều 4(4)",
    "penalty_served": "Nghị định 152/2025/NĐ-CP Điều 4(4)",
    "maternity": "Nghị định 152/2025/NĐ-CP Điều 4(5)",
    "once": "Luật 06/2022/QH15 Điều 5(2)(c); Công văn 5007/BNV-TĐKT",
    "rating": "Luật 06/2022/QH15 Điều 24(1)(a)",
    "service": "Thông tư 02/2024/TT-VKSTC Điều 15(1)",
    "absence": "Thông tư 02/2024/TT-VKSTC Điều 15(2)",
    "discipline": "Thông tư 02/2024/TT-VKSTC Điều 15(3)",
    "cstdcs": "Luật 06/2022/QH15 Điều 23",
    "cstdcs_share": "Nghị định 91/2017/NĐ-CP Điều 9(3) (đã hết hiệu lực; thực tiễn)",
    "nganh_chain": "Luật 06/2022/QH15 Điều 22(1)(a); Thông tư 01/2019/TT-VKSTC Điều 16(1)",
    "nganh_initiative": "Luật 06/2022/QH15 Điều 22(1)(b)",
    "tq_chain": "Luật 06/2022/QH15 Điều 21",
    "tq_initiative": "Luật 06/2022/QH15 Điều 21",
    "knc_once": "Thông tư 02/2024/TT-VKSTC Điều 21(1)",
    "knc_service": "Thông tư 02/2024/TT-VKSTC Điều 21(3)",
    "ttldtt_share": "Thông tư 01/2019/TT-VKSTC Điều 18(1); Luật 06/2022/QH15 Điều 28",
    "ttldtt_warning": "Thông tư 01/2019/TT-VKSTC Điều 18(1)",
    "ttldtt_result": "Luật 06/2022/QH15 Điều 28",
    "ttldxs_exceeded": "Thông tư 02/2024/TT-VKSTC Điều 18(1)",
    "ttldxs_complete": "Luật 06/2022/QH15 Điều 27",
    "ttldxs_share": "Luật 06/2022/QH15 Điều 27",
    "ttldxs_cstdcs": "Luật 06/2022/QH15 Điều 27",
    "ttldxs_quota": "Thông tư 02/2024/TT-VKSTC Điều 18(2)",
    "co_ttldxs": "Thông tư 01/2019/TT-VKSTC Điều 20",
    "co_level": "Thông tư 01/2019/TT-VKSTC Điều 20",
    "co_thtk": "Thông tư 01/2019/TT-VKSTC Điều 20(c)",
    "co_first": "Thông tư 01/2019/TT-VKSTC Điều 20(d)",
    "cp_co": "Luật 06/2022/QH15 Điều 25 (thực tiễn)",
    "form": "Luật 06/2022/QH15 Điều 74, 75",
}


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
    valid_from: dt.date = dt.date(2024, 10, 1)
    service_months_min: int | None = None
    share_threshold: Decimal | None = None
    share_comparator: str = "ge"
    quota_share: Decimal | None = None
    quota_minimum: int | None = None
    warn_share: Decimal | None = None
    chain_years: int = 0
    params: Mapping[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def articles(self) -> dict[str, str]:
        """The defaults overlaid with the articles this rule version cites."""
        given = self.params.get("articles", {})
        return {**DEFAULT_ARTICLES, **{k: str(v) for k, v in given.items() if v}}

    def article(self, key: str) -> str:
        return self.articles[key]


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
    open_cases = [c for c in cases if c.open_on(as_of)]
    if not open_cases:
        return []
    first = min(c.opened_on for c in open_cases)
    return [Reason("case_open", HOLD, rule.article("hold"), {"since": first.isoformat()})]


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
    """TT 02/2024 Art. 15(2): off work 3 to under 6 months → no LĐTT; maternity leave counts
    as worked (Decree 152/2025 Art. 4(5)); 6 months or more is not settled → HOLD (review)."""
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
    """TT 02/2024 Art. 15(3): khiển trách or above decided in the year → no LĐTT, unless the
    breach was already used to refuse LĐTT in an earlier year. Decree 152/2025 Art. 4(4):
    achievements before the end of a penalty do not count."""
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
    """R1 Lao động tiên tiến: rating HTT or better (Law Art. 24(1)(a)); service of at least
    6 months (TT 02/2024 Art. 15(1); 10 under TT 01/2019); not off work 3 to <6 months
    (Art. 15(2)); no reprimand or worse in the year (Art. 15(3)); R0 holds."""
    reasons = [_rating_reason(p, year, rule), _service_reason(p, year, rule)]
    reasons += _absence_reasons(p, year, rule)
    reasons += _discipline_reasons(p, year, rule)
    reasons += holds(p.cases, as_of, rule)
    return Verdict.of(LDTT, reasons)


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
    p: PersonFacts, year: int, rule: RuleParams, as_of: dt.date, ldtt: Verdict | None = None
) -> Verdict:
    """R2 Chiến sĩ thi đua cơ sở (Law Art. 23): LĐTT in the year, and a rating HTXS or an
    initiative recognised (base level or above) in the year that backed no other award."""
    ldtt = ldtt or lao_dong_tien_tien(p, year, rule, as_of)
    reasons: list[Reason] = []
    if p.has(LDTT, year) or ldtt.eligible:
        reasons.append(Reason("has_ldtt", PASS, rule.article("cstdcs"), {"year": year}))
        reasons += holds(p.cases, as_of, rule)
    else:
        # the LĐTT refusal carries its own reasons, an open case among them
        reasons.append(Reason("needs_ldtt", FAIL, rule.article("cstdcs"), {"year": year}))
        reasons += [r for r in ldtt.reasons if r.status != PASS]
    if p.ratings.get(year) == "HTXS":
        reasons.append(Reason("rating_excellent", PASS, rule.article("cstdcs"), {"year": year}))
    elif usable_initiatives(p, "base", CSTDCS, year, in_year=year):
        reasons.append(Reason("initiative_ok", PASS, rule.article("cstdcs"), {"level": "base"}))
    elif _used_elsewhere(p, "base", CSTDCS, year):
        reasons.append(Reason("initiative_used", FAIL, rule.article("once"), {}))
    else:
        reasons.append(Reason("needs_htxs_or_initiative", FAIL, rule.article("cstdcs"), {}))
    return Verdict.of(CSTDCS, reasons)


def _chain(
    p: PersonFacts, lower: str, year: int, years: int, lower_now: bool, rule: RuleParams, key: str
) -> Reason:
    """`years` consecutive years of `lower` ending with `year`; the year itself counts when
    the lower title was awarded or is eligible now (both are considered in the same round)."""
    held = [y for y in range(year - years + 1, year + 1) if p.has(lower, y)]
    if lower_now and year not in held:
        held.append(year)
    missing = [y for y in range(year - years + 1, year + 1) if y not in held]
    params = {"title": lower, "years": years, "missing": ", ".join(str(y) for y in missing)}
    return Reason(
        f"{key}_ok" if not missing else f"{key}_missing",
        PASS if not missing else FAIL,
        rule.article(key),
        params,
    )


def chien_si_thi_dua_nganh(
    p: PersonFacts, year: int, rule: RuleParams, as_of: dt.date, *, cstdcs_now: bool = False
) -> Verdict:
    """R3 CSTĐ ngành KSND: 3 consecutive CSTĐCS ending in the year, and an initiative
    recognised by the Prosecutor General (sector level or above) that backed no other award
    (Law Art. 22(1); TT 01/2019 Art. 16(1))."""
    years = rule.chain_years or 3
    reasons = [_chain(p, CSTDCS, year, years, cstdcs_now, rule, "nganh_chain")]
    reasons.append(_initiative_reason(p, "sector", CSTD_NGANH, year, rule, "nganh_initiative"))
    reasons += holds(p.cases, as_of, rule)
    return Verdict.of(CSTD_NGANH, reasons)


def _initiative_reason(
    p: PersonFacts, level: str, title: str, year: int, rule: RuleParams, key: str
) -> Reason:
    if usable_initiatives(p, level, title, year):
        return Reason("initiative_ok", PASS, rule.article(key), {"level": level})
    if _used_elsewhere(p, level, title, year):
        return Reason("initiative_used", FAIL, rule.article("once"), {"level": level})
    return Reason("initiative_missing", FAIL, rule.article(key), {"level": level})


def chien_si_thi_dua_toan_quoc(
    p: PersonFacts, year: int, rule: RuleParams, as_of: dt.date, *, nganh_now: bool = False
) -> Verdict:
    """R4 CSTĐ toàn quốc: 2 consecutive CSTĐ ngành, the second in the year, and an initiative
    with nationwide effect (Law Art. 21)."""
    years = rule.chain_years or 2
    reasons = [_chain(p, CSTD_NGANH, year, years, nganh_now, rule, "tq_chain")]
    reasons.append(_initiative_reason(p, "national", CSTD_TQ, year, rule, "tq_initiative"))
    reasons += holds(p.cases, as_of, rule)
    return Verdict.of(CSTD_TQ, reasons)


def ky_niem_chuong(p: PersonFacts, year: int, rule: RuleParams, as_of: dt.date) -> Verdict:
    """R10 Kỷ niệm chương "Vì sự nghiệp Kiểm sát": once per person; an insider needs 15 years
    of continuous service (TT 02/2024 Art. 21); the rating must not be KHT."""
    needed = int(rule.params.get("service_years", 15))
    reasons = []
    if p.ever(KNC):
        reasons.append(Reason("knc_received", FAIL, rule.article("knc_once"), {}))
    months = service_months(p.joined_on, year)
    if months is None:
        reasons.append(Reason("service_unknown", HOLD, rule.article("knc_service"), {}))
    else:
        ok = months >= needed * 12
        reasons.append(
            Reason(
                "knc_service_ok" if ok else "knc_service_short",
                PASS if ok else FAIL,
                rule.article("knc_service"),
                {"years": months // 12, "needed": needed},
            )
        )
    if p.ratings.get(year) == "KHT":
        reasons.append(Reason("rating_low", FAIL, rule.article("knc_service"), {"level": "KHT"}))
    reasons += holds(p.cases, as_of, rule)
    return Verdict.of(KNC, reasons)


def award_form(code: str, cases: Sequence[CaseFact], rule: RuleParams, as_of: dt.date) -> Verdict:
    """R9 Bằng khen, Giấy khen: the criteria are set by the sector (not found) and assessed by
    the reviewer; only the holds of R0 are checked here."""
    reasons = [Reason("form_reviewer", WARN, rule.article("form"), {})]
    return Verdict.of(code, reasons + holds(cases, as_of, rule))


def evaluate_person(
    p: PersonFacts,
    year: int,
    rules: Mapping[str, RuleParams],
    as_of: dt.date,
    *,
    candidates_only: bool = False,
) -> dict[str, Verdict]:
    """Every individual title for which a rule is in force, lower titles first (a higher
    title's chain counts this year's lower title when it is eligible now). With
    `candidates_only`, a higher title whose chain cannot hold (last year's lower title
    missing) or a medal already received is skipped: the sector-wide run stores only
    candidates (`is_candidate`)."""
    out: dict[str, Verdict] = {}
    if LDTT in rules:
        out[LDTT] = lao_dong_tien_tien(p, year, rules[LDTT], as_of)
    if CSTDCS in rules:
        out[CSTDCS] = chien_si_thi_dua_co_so(p, year, rules[CSTDCS], as_of, out.get(LDTT))
    if CSTD_NGANH in rules and not (candidates_only and not p.has(CSTDCS, year - 1)):
        now = p.has(CSTDCS, year) or (CSTDCS in out and out[CSTDCS].eligible)
        out[CSTD_NGANH] = chien_si_thi_dua_nganh(p, year, rules[CSTD_NGANH], as_of, cstdcs_now=now)
    if CSTD_TQ in rules and not (candidates_only and not p.has(CSTD_NGANH, year - 1)):
        now = p.has(CSTD_NGANH, year) or (CSTD_NGANH in out and out[CSTD_NGANH].eligible)
        out[CSTD_TQ] = chien_si_thi_dua_toan_quoc(p, year, rules[CSTD_TQ], as_of, nganh_now=now)
    if KNC in rules and not (candidates_only and p.ever(KNC)):
        out[KNC] = ky_niem_chuong(p, year, rules[KNC], as_of)
    return out


def is_candidate(code: str, verdict: Verdict) -> bool:
    """Whether a verdict is worth storing for the candidate lists: every LĐTT and CSTĐCS
    answer; for the higher titles only people whose chain or service is in place."""
    if code in {LDTT, CSTDCS}:
        return True
    blocking = {r.code for r in verdict.reasons if r.status == FAIL}
    return not blocking & {
        "nganh_chain_missing",
        "tq_chain_missing",
        "knc_service_short",
        "knc_received",
    }


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
    """R5 Tập thể lao động tiên tiến: share of members LĐTT ≥ (or >) the threshold, default
    50 % (TT 01/2019 Art. 18(1); comparator configurable); no member warned or worse; tasks
    completed well (the THTK-CLP evaluation result, reviewer-confirmed)."""
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
    return Verdict.of(TTLDTT, reasons)


def tap_the_lao_dong_xuat_sac(
    u: UnitFacts, year: int, rule: RuleParams, as_of: dt.date, *, ttldtt: bool
) -> Verdict:
    """R6 Tập thể lao động xuất sắc (KSND): targets of the approved programme exceeded
    (TT 02/2024 Art. 18(1)); all members complete their tasks, ≥ 70 % LĐTT, ≥ 1 CSTĐCS
    (Law Art. 27). The quota (Art. 18(2)) is applied afterwards over the awarding level."""
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
    return Verdict.of(TTLDXS, reasons)


def ttldxs_quota(count_ttldtt: int, rule: RuleParams) -> int:
    """TT 02/2024 Art. 18(2): at most 20 % of the units rated TTLĐTT, at least one; fractions
    above one are rounded down (rounding not found in the text: configurable)."""
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
    """R7 Cờ thi đua ngành KSND: among the TTLĐXS; a unit of the supreme procuracy, a high-level
    or a provincial procuracy; targets exceeded; active in THTK-CLP (the evaluation result);
    first of its cluster or block (TT 01/2019 Art. 20)."""
    levels = rule.params.get("levels", ["don-vi-vkstc", "cap-cao", "cap-tinh"])
    reasons = [
        Reason(
            "has_ttldxs" if ttldxs else "needs_ttldxs",
            PASS if ttldxs else FAIL,
            rule.article("co_ttldxs"),
            {},
        )
    ]
    ok_level = u.level_code in levels
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
    return Verdict.of(CO_NGANH, reasons)


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
    return Verdict.of(CO_CP, reasons)


def evaluate_unit(
    u: UnitFacts, year: int, rules: Mapping[str, RuleParams], as_of: dt.date
) -> dict[str, Verdict]:
    """Every collective title in force, lower first (the quota is applied by the caller)."""
    out: dict[str, Verdict] = {}
    if TTLDTT in rules:
        out[TTLDTT] = tap_the_lao_dong_tien_tien(u, year, rules[TTLDTT], as_of)
    tt = u.has(TTLDTT, year) or (TTLDTT in out and out[TTLDTT].eligible)
    if TTLDXS in rules:
        out[TTLDXS] = tap_the_lao_dong_xuat_sac(u, year, rules[TTLDXS], as_of, ttldtt=tt)
    xs = u.has(TTLDXS, year) or (TTLDXS in out and out[TTLDXS].eligible)
    if CO_NGANH in rules:
        out[CO_NGANH] = co_thi_dua_nganh(u, year, rules[CO_NGANH], as_of, ttldxs=xs)
    co = u.has(CO_NGANH, year) or (CO_NGANH in out and out[CO_NGANH].eligible)
    if CO_CP in rules:
        out[CO_CP] = co_thi_dua_chinh_phu(u, year, rules[CO_CP], as_of, co_nganh=co)
    return out


def cash_amount(multiple: Decimal, base_salary: Decimal) -> Decimal:
    """R11: multiple × the base salary in force on the decision date, rounded to the đồng."""
    return (multiple * base_salary).quantize(Decimal(1))
