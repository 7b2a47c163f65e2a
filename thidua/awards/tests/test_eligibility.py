"""The eligibility engine, database-free. Each case names the article it comes from
(../shared/domain/emulation-rules.md §8)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.awards import eligibility as engine
from thidua.awards.catalogue import CATALOGUE, _rule_values
from thidua.awards.eligibility import (
    AbsenceFact,
    CaseFact,
    DisciplineFact,
    InitiativeFact,
    Outcome,
    PersonFacts,
    ResultFact,
    RuleParams,
    UnitFacts,
)

# The KSND pack's title codes, as fixtures: the engine itself knows only titles of the Law.
LDTT, CSTDCS, CSTD_NGANH, CSTD_TQ = "LDTT", "CSTDCS", "CSTD_NGANH", "CSTD_TQ"
TTLDTT, TTLDXS, KNC = "TTLDTT", "TTLDXS", "KNC_VSNKS"
PACK = json.loads(CATALOGUE.read_text(encoding="utf-8"))


def ksnd(code: str, regime: str = "R2025", **overrides: Any) -> RuleParams:
    """The KSND pack's rule version of `code` under `regime`, as the catalogue loads it."""
    title = next(t for t in PACK["titles"] if t["code"] == code)
    entry = next(e for e in title["rules"] if regime in e["regimes"])
    values = _rule_values(entry, regime, PACK)
    fields = {
        name: values[name]
        for name in (
            "service_months_min",
            "share_threshold",
            "share_comparator",
            "quota_share",
            "quota_minimum",
            "warn_share",
            "chain_years",
        )
        if name in values
    }
    start = dt.date.fromisoformat(PACK["regimes"][regime]["valid_from"])
    kw = {"law_title": title["law_title"], "valid_from": start, "params": values["params"]}
    return RuleParams(code=code, **{**kw, **fields, **overrides})


AS_OF = dt.date(2026, 2, 1)
Y = 2025
TT02 = ksnd(LDTT)
TT01 = ksnd(LDTT, "R2019")
CS = ksnd(CSTDCS)
NGANH = ksnd(CSTD_NGANH)
TQ = ksnd(CSTD_TQ)
TT = ksnd(TTLDTT, "R2019")
XS = ksnd(TTLDXS)


def person(**kw: object) -> PersonFacts:
    base: dict[str, object] = {
        "person_id": 1,
        "joined_on": dt.date(2015, 1, 1),
        "ratings": {Y: "HTT", Y - 1: "HTT", Y - 2: "HTT"},
    }
    base.update(kw)
    return PersonFacts(**base)  # type: ignore[arg-type]


def codes(v: engine.Verdict) -> set[str]:
    return {r.code for r in v.reasons if r.status in {engine.FAIL, engine.HOLD}}


# (case, facts, rule, outcome, blocking reason, article cited)
LDTT_CASES = [
    ("HTT rating suffices", person(), TT02, Outcome.ELIGIBLE, None,
     "Luật 06/2022/QH15 Điều 24(1)(a)"),
    ("HT rating is below 'good'", person(ratings={Y: "HT"}), TT02, Outcome.NOT_ELIGIBLE,
     "rating_low", "Luật 06/2022/QH15 Điều 24(1)(a)"),
    ("no rating recorded", person(ratings={}), TT02, Outcome.NOT_ELIGIBLE, "rating_missing",
     "Luật 06/2022/QH15 Điều 24(1)(a)"),
    ("recruited 01/08: 5 months < 6", person(joined_on=dt.date(Y, 8, 1)), TT02,
     Outcome.NOT_ELIGIBLE, "service_short", "Thông tư 02/2024/TT-VKSTC Điều 15(1)"),
    ("recruited 01/07: exactly 6 months", person(joined_on=dt.date(Y, 7, 1)), TT02,
     Outcome.ELIGIBLE, None, "Thông tư 02/2024/TT-VKSTC Điều 15(1)"),
    ("TT 01/2019: 8 months < 10", person(joined_on=dt.date(Y, 5, 1)), TT01,
     Outcome.NOT_ELIGIBLE, "service_short",
     "Thông tư 01/2019/TT-VKSTC (dưới 10 tháng công tác không xét; chưa đối chiếu điều khoản)"),
    ("off work 3 months", person(absences=(AbsenceFact(Y, Decimal(3), "sickness"),)), TT02,
     Outcome.NOT_ELIGIBLE, "absence_3_6", "Thông tư 02/2024/TT-VKSTC Điều 15(2)"),
    ("off work 5.5 months", person(absences=(AbsenceFact(Y, Decimal("5.5"), "unpaid"),)), TT02,
     Outcome.NOT_ELIGIBLE, "absence_3_6", "Thông tư 02/2024/TT-VKSTC Điều 15(2)"),
    ("off work 2.5 months is fine", person(absences=(AbsenceFact(Y, Decimal("2.5"), "sickness"),)),
     TT02, Outcome.ELIGIBLE, None, "Thông tư 02/2024/TT-VKSTC Điều 15(2)"),
    ("6 months maternity leave counts as worked",
     person(absences=(AbsenceFact(Y, Decimal(6), "maternity"),)), TT02, Outcome.ELIGIBLE, None,
     "Nghị định 152/2025/NĐ-CP Điều 4(5)"),
    ("off work 7 months: not settled, review",
     person(absences=(AbsenceFact(Y, Decimal(7), "study"),)), TT02, Outcome.HOLD, "absence_long",
     "Thông tư 02/2024/TT-VKSTC Điều 15(2)"),
    ("reprimand in the year", person(disciplines=(DisciplineFact("reprimand", dt.date(Y, 5, 1)),)),
     TT02, Outcome.NOT_ELIGIBLE, "discipline_in_year", "Thông tư 02/2024/TT-VKSTC Điều 15(3)"),
    ("warning in the year", person(disciplines=(DisciplineFact("warning", dt.date(Y, 5, 1)),)),
     TT02, Outcome.NOT_ELIGIBLE, "discipline_in_year", "Thông tư 02/2024/TT-VKSTC Điều 15(3)"),
    ("breach already used to refuse LĐTT last year",
     person(disciplines=(DisciplineFact("reprimand", dt.date(Y, 3, 1), None, Y - 1),)), TT02,
     Outcome.ELIGIBLE, None, "Thông tư 02/2024/TT-VKSTC Điều 15(3)"),
    ("reprimand of last year does not block this year",
     person(disciplines=(DisciplineFact("reprimand", dt.date(Y - 1, 3, 1)),)), TT02,
     Outcome.ELIGIBLE, None, "Thông tư 02/2024/TT-VKSTC Điều 15(3)"),
    ("open inspection: on hold", person(cases=(CaseFact(dt.date(Y, 11, 1)),)), TT02, Outcome.HOLD,
     "case_open", "Nghị định 152/2025/NĐ-CP Điều 4(4)"),
    ("case closed before the decision",
     person(cases=(CaseFact(dt.date(Y, 3, 1), dt.date(Y, 9, 1)),)), TT02, Outcome.ELIGIBLE, None,
     "Nghị định 152/2025/NĐ-CP Điều 4(4)"),
    ("penalty running past the year", person(disciplines=(
        DisciplineFact("reprimand", dt.date(Y - 1, 10, 1), dt.date(Y + 1, 1, 15)),)), TT02,
     Outcome.NOT_ELIGIBLE, "penalty_running", "Nghị định 152/2025/NĐ-CP Điều 4(4)"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "facts", "rule", "outcome", "blocking", "article"), LDTT_CASES)
def test_it_decides_lao_dong_tien_tien_as_the_articles_say(
    case: str,
    facts: PersonFacts,
    rule: RuleParams,
    outcome: Outcome,
    blocking: str | None,
    article: str,
) -> None:
    verdict = engine.lao_dong_tien_tien(facts, Y, rule, AS_OF)
    assert verdict.outcome == outcome, case
    if blocking:
        assert blocking in codes(verdict)
        assert any(r.article == article for r in verdict.reasons if r.code == blocking)
    else:
        assert not codes(verdict)
        assert any(r.article == article for r in verdict.reasons) or article in str(
            rule.articles.values()
        )


def base_initiative(year: int = Y, used: tuple[str, int] | None = None) -> InitiativeFact:
    return InitiativeFact(1, "base", dt.date(year, 6, 1), used)


CSTDCS_CASES = [
    # Law Art. 23: LĐTT and (HTXS or an initiative recognised in the year)
    ("HTXS and LĐTT", person(ratings={Y: "HTXS"}), Outcome.ELIGIBLE, None),
    ("HTT with an initiative of the year", person(initiatives=(base_initiative(),)),
     Outcome.ELIGIBLE, None),
    ("HTT without initiative", person(), Outcome.NOT_ELIGIBLE, "needs_htxs_or_initiative"),
    ("initiative of an earlier year", person(initiatives=(base_initiative(Y - 1),)),
     Outcome.NOT_ELIGIBLE, "needs_htxs_or_initiative"),
    ("initiative already used for another award (Law Art. 5(2)(c))",
     person(initiatives=(base_initiative(used=("BK_VKSTC_CN", Y)),)), Outcome.NOT_ELIGIBLE,
     "initiative_used"),
    ("HTXS but reprimanded: no LĐTT", person(ratings={Y: "HTXS"}, disciplines=(
        DisciplineFact("reprimand", dt.date(Y, 2, 1)),)), Outcome.NOT_ELIGIBLE, "needs_ldtt"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "facts", "outcome", "blocking"), CSTDCS_CASES)
def test_it_decides_chien_si_thi_dua_co_so_by_law_article_23(
    case: str, facts: PersonFacts, outcome: Outcome, blocking: str | None
) -> None:
    verdict = engine.chien_si_thi_dua_co_so(facts, Y, CS, AS_OF)
    assert verdict.outcome == outcome, case
    if blocking:
        assert blocking in codes(verdict)


def sector_initiative(level: str = "sector") -> InitiativeFact:
    return InitiativeFact(2, level, dt.date(Y - 1, 4, 1))


def awarded(*pairs: tuple[int, str]) -> dict[int, frozenset[str]]:
    out: dict[int, set[str]] = {}
    for year, code in pairs:
        out.setdefault(year, set()).add(code)
    return {y: frozenset(c) for y, c in out.items()}


NGANH_CASES = [
    # Law Art. 22(1); TT 01/2019 Art. 16(1): 3 consecutive CSTĐCS + a sector initiative
    ("three CSTĐCS in a row, this year's pending", awarded((Y - 2, CSTDCS), (Y - 1, CSTDCS)), True,
     (sector_initiative(),), Outcome.ELIGIBLE, None),
    ("three awarded", awarded((Y - 2, CSTDCS), (Y - 1, CSTDCS), (Y, CSTDCS)), False,
     (sector_initiative("national"),), Outcome.ELIGIBLE, None),
    ("a gap in the chain", awarded((Y - 2, CSTDCS), (Y, CSTDCS)), False, (sector_initiative(),),
     Outcome.NOT_ELIGIBLE, "nganh_chain_missing"),
    ("only a base-level initiative", awarded((Y - 2, CSTDCS), (Y - 1, CSTDCS), (Y, CSTDCS)), False,
     (sector_initiative("base"),), Outcome.NOT_ELIGIBLE, "initiative_missing"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "awards", "now", "initiatives", "outcome", "blocking"), NGANH_CASES
)
def test_it_needs_three_consecutive_cstdcs_for_the_sector_title(
    case: str,
    awards: dict[int, frozenset[str]],
    now: bool,
    initiatives: tuple[InitiativeFact, ...],
    outcome: Outcome,
    blocking: str | None,
) -> None:
    facts = person(awards=awards, initiatives=initiatives)
    verdict = engine.chien_si_thi_dua_nganh(facts, Y, NGANH, AS_OF, lower=[CSTDCS], lower_now=now)
    assert verdict.outcome == outcome, case
    if blocking:
        assert blocking in codes(verdict)


NATIONAL = (InitiativeFact(3, "national", dt.date(Y, 3, 1)),)

TOAN_QUOC_CASES = [
    # Law 06/2022/QH15 Art. 21: 2 successive CSTĐ titles of the sector (each resting on its own
    # 3-year chain of CSTĐ cơ sở, so 3 years apart) and an initiative of nationwide effect
    ("successive titles Y-3 and Y", awarded((Y - 3, CSTD_NGANH), (Y, CSTD_NGANH)), False,
     NATIONAL, Outcome.ELIGIBLE, None),
    ("Y-3 awarded, this year's pending", awarded((Y - 3, CSTD_NGANH)), True, NATIONAL,
     Outcome.ELIGIBLE, None),
    ("two calendar years in a row are not two successive chains",
     awarded((Y - 1, CSTD_NGANH), (Y, CSTD_NGANH)), False, NATIONAL, Outcome.NOT_ELIGIBLE,
     "successive_titles_missing"),
    ("a title six years ago with a gap between", awarded((Y - 6, CSTD_NGANH), (Y, CSTD_NGANH)),
     False, NATIONAL, Outcome.NOT_ELIGIBLE, "successive_titles_missing"),
    ("only this year's", awarded((Y, CSTD_NGANH)), False, NATIONAL, Outcome.NOT_ELIGIBLE,
     "successive_titles_missing"),
    ("a sector-level initiative only", awarded((Y - 3, CSTD_NGANH), (Y, CSTD_NGANH)), False,
     (InitiativeFact(3, "sector", dt.date(Y, 3, 1)),), Outcome.NOT_ELIGIBLE,
     "initiative_missing"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "awards", "now", "initiatives", "outcome", "blocking"), TOAN_QUOC_CASES
)
def test_it_needs_two_successive_sector_titles_for_cstd_toan_quoc(
    case: str,
    awards: dict[int, frozenset[str]],
    now: bool,
    initiatives: tuple[InitiativeFact, ...],
    outcome: Outcome,
    blocking: str | None,
) -> None:
    facts = person(awards=awards, initiatives=initiatives)
    verdict = engine.chien_si_thi_dua_toan_quoc(
        facts, Y, TQ, AS_OF, lower=[CSTD_NGANH], lower_now=now, step=NGANH.chain_years
    )
    assert verdict.outcome == outcome, case
    assert all(
        r.article == "Luật 06/2022/QH15 Điều 21"
        for r in verdict.reasons
        if r.code != "initiative_used"
    )
    if blocking:
        assert blocking in codes(verdict)


def test_the_engine_counts_successive_titles_by_law_title_and_reads_far_enough_back() -> None:
    """The chain of the national title counts the pack's ministerial_fighter titles, 3 years
    apart (the chain of that title's own rule); the reader must see back to Y-3."""
    rules = {c: ksnd(c) for c in (LDTT, CSTDCS, CSTD_NGANH, CSTD_TQ)}
    assert engine.lookback_years(rules) == 3
    p = person(
        ratings={Y: "HTXS"},
        awards=awarded(*[(y, CSTDCS) for y in range(Y - 5, Y)], (Y - 3, CSTD_NGANH)),
        initiatives=(*NATIONAL, InitiativeFact(4, "sector", dt.date(Y - 1, 2, 1))),
    )
    verdicts = engine.evaluate_person(p, Y, rules, AS_OF, candidates_only=True)
    assert verdicts[CSTD_NGANH].eligible
    assert verdicts[CSTD_TQ].eligible
    # a province's titles with other codes get the same checks from their law_title
    renamed = {
        f"P_{code}": dataclasses.replace(rule, code=f"P_{code}") for code, rule in rules.items()
    }
    moved = person(
        ratings={Y: "HTXS"},
        awards=awarded(*[(y, f"P_{CSTDCS}") for y in range(Y - 5, Y)], (Y - 3, f"P_{CSTD_NGANH}")),
        initiatives=p.initiatives,
    )
    other = engine.evaluate_person(moved, Y, renamed, AS_OF)
    assert {c: v.outcome for c, v in other.items()} == {
        f"P_{c}": v.outcome for c, v in verdicts.items()
    }


def knc_rule(**params: Any) -> RuleParams:
    return ksnd(KNC, params={**ksnd(KNC).params, **params})


KNC_CASES = [
    # TT 02/2024/TT-VKSTC Art. 21: once per person; 15 years of continuous service counted to
    # the round's date (26/07 in the KSND data), a break restarts the count
    ("joined 27/07/2010: 15 years at the end of the round's day",
     person(joined_on=dt.date(2010, 7, 27)),
     knc_rule(), Outcome.ELIGIBLE, None),
    ("joined 28/07/2010: one day short on 26/07", person(joined_on=dt.date(2010, 7, 28)),
     knc_rule(), Outcome.NOT_ELIGIBLE, "knc_service_short"),
    ("joined 28/07/2010 counted to 31/12 would pass", person(joined_on=dt.date(2010, 7, 28)),
     knc_rule(round_date="12-31"), Outcome.ELIGIBLE, None),
    ("a break: service resumed in 2012", person(joined_on=dt.date(2000, 1, 1),
     resumed_on=(dt.date(2012, 1, 1),)), knc_rule(), Outcome.NOT_ELIGIBLE, "knc_service_short"),
    ("a break long ago: 15 years since", person(joined_on=dt.date(1995, 1, 1),
     resumed_on=(dt.date(2008, 3, 1),)), knc_rule(), Outcome.ELIGIBLE, None),
    ("already received", person(joined_on=dt.date(2000, 1, 1), awards=awarded((2020, KNC))),
     knc_rule(), Outcome.NOT_ELIGIBLE, "knc_received"),
    ("the years are data: 20 years", person(joined_on=dt.date(2008, 1, 1)),
     knc_rule(service_years=20), Outcome.NOT_ELIGIBLE, "knc_service_short"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "facts", "rule", "outcome", "blocking"), KNC_CASES)
def test_it_gives_the_medal_once_after_15_years_of_continuous_service_to_the_round(
    case: str, facts: PersonFacts, rule: RuleParams, outcome: Outcome, blocking: str | None
) -> None:
    verdict = engine.ky_niem_chuong(facts, Y, rule, AS_OF)
    assert verdict.outcome == outcome, case
    if blocking:
        assert blocking in codes(verdict)
        assert any(
            r.article.startswith("Thông tư 02/2024/TT-VKSTC Điều 21") for r in verdict.reasons
        )


TTLDTT_CASES = [
    # Law 06/2022/QH15 Art. 28: more than 50 % ("trên 50%"); TT 01/2019 Art. 18(1): "từ 50%"
    ("2025, exactly 50 %", "R2025", 5, False, "Luật 06/2022/QH15 Điều 28"),
    ("2025, 60 %", "R2025", 6, True, "Luật 06/2022/QH15 Điều 28"),
    ("2024 (Law in force), exactly 50 %", "R2024B", 5, False, "Luật 06/2022/QH15 Điều 28"),
    ("2024 before TT 02/2024, exactly 50 %", "R2024A", 5, False, "Luật 06/2022/QH15 Điều 28"),
    ("2023 (TT 01/2019), exactly 50 %", "R2019", 5, True, "Thông tư 01/2019/TT-VKSTC Điều 18(1)"),
    ("2023, 40 %", "R2019", 4, False, "Thông tư 01/2019/TT-VKSTC Điều 18(1)"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "regime", "ldtt", "eligible", "article"), TTLDTT_CASES)
def test_the_advanced_collective_share_follows_the_instrument_in_force(
    case: str, regime: str, ldtt: int, eligible: bool, article: str
) -> None:
    verdict = engine.tap_the_lao_dong_tien_tien(
        unit(members=10, members_ldtt=ldtt), Y, ksnd(TTLDTT, regime), AS_OF
    )
    assert verdict.eligible is eligible, case
    share = next(r for r in verdict.reasons if r.code.startswith("ldtt_share"))
    assert share.article == article


def unit(**kw: object) -> UnitFacts:
    base: dict[str, object] = {
        "unit_id": 1,
        "level_code": "cap-tinh",
        "members": 10,
        "members_ldtt": 8,
        "members_cstdcs": 1,
        "members_not_complete": 0,
        "members_warned": 0,
        "result": ResultFact(Decimal("92.5"), True, True, 1),
    }
    base.update(kw)
    return UnitFacts(**base)  # type: ignore[arg-type]


COLLECTIVE_CASES = [
    # TTLĐTT: TT 01/2019 Art. 18(1) — at least 50 % LĐTT, no member warned or worse
    ("TTLĐTT at exactly 50 % (≥, TT 01/2019)", TTLDTT, unit(members_ldtt=5), TT, True),
    ("TTLĐTT at 50 % with '>' configured", TTLDTT, unit(members_ldtt=5),
     RuleParams(code=TTLDTT, share_threshold=Decimal("0.5"), share_comparator="gt"), False),
    ("TTLĐTT with a member warned", TTLDTT, unit(members_warned=1), TT, False),
    ("TTLĐTT with 40 % LĐTT", TTLDTT, unit(members_ldtt=4), TT, False),
    # TTLĐXS: Law Art. 27; TT 02/2024 Art. 18(1)
    ("TTLĐXS: 70 %, one CSTĐCS, targets exceeded", TTLDXS, unit(members_ldtt=7), XS, True),
    ("TTLĐXS: 69 %", TTLDXS, unit(members=100, members_ldtt=69), XS, False),
    ("TTLĐXS: no CSTĐCS", TTLDXS, unit(members_cstdcs=0), XS, False),
    ("TTLĐXS: one member KHT", TTLDXS, unit(members_not_complete=1), XS, False),
    ("TTLĐXS: targets not exceeded", TTLDXS,
     unit(result=ResultFact(Decimal(95), True, False, 1)), XS, False),
    ("TTLĐXS: evaluation not final", TTLDXS,
     unit(result=ResultFact(Decimal(95), False, True, 1)), XS, False),
]  # fmt: skip


@pytest.mark.parametrize(("case", "code", "facts", "rule", "eligible"), COLLECTIVE_CASES)
def test_it_decides_collective_titles(
    case: str, code: str, facts: UnitFacts, rule: RuleParams, eligible: bool
) -> None:
    if code == TTLDTT:
        verdict = engine.tap_the_lao_dong_tien_tien(facts, Y, rule, AS_OF)
    else:
        verdict = engine.tap_the_lao_dong_xuat_sac(facts, Y, rule, AS_OF, ttldtt=True)
    assert verdict.eligible is eligible, case


@pytest.mark.parametrize(
    ("ttldtt", "quota"),
    [(0, 0), (1, 1), (4, 1), (5, 1), (9, 1), (10, 2), (14, 2), (15, 3), (20, 4)],
)
def test_it_caps_ttldxs_at_20_percent_of_ttldtt_and_at_least_one(ttldtt: int, quota: int) -> None:
    """TT 02/2024 Art. 18(2)."""
    assert engine.ttldxs_quota(ttldtt, XS) == quota


def test_it_warns_above_15_percent_cstdcs_but_never_refuses() -> None:
    assert engine.cstdcs_share_warning(3, 20, CS) is None  # exactly 15 %
    warning = engine.cstdcs_share_warning(4, 20, CS)
    assert warning is not None and warning.status == engine.WARN


def test_it_lets_the_sector_flag_go_only_to_the_first_of_a_cluster() -> None:
    """TT 01/2019 Art. 20 (criteria kept as practice; Law Art. 26)."""
    rule = ksnd("CO_NGANH")
    assert engine.co_thi_dua_nganh(unit(), Y, rule, AS_OF, ttldxs=True).eligible
    second = unit(result=ResultFact(Decimal(90), True, True, 2))
    assert "cluster_not_first" in codes(
        engine.co_thi_dua_nganh(second, Y, rule, AS_OF, ttldxs=True)
    )
    district = unit(level_code="khu-vuc")
    assert "level_not_allowed" in codes(
        engine.co_thi_dua_nganh(district, Y, rule, AS_OF, ttldxs=True)
    )


# ---------------------------------------------------------------- properties

ratings = st.sampled_from(engine.RATINGS)
months = st.decimals(min_value=0, max_value=12, places=1)
levels = st.sampled_from(list(engine.DISCIPLINE_RANK))


@st.composite
def people(draw: st.DrawFn) -> PersonFacts:
    joined = draw(st.dates(dt.date(1990, 1, 1), dt.date(Y, 12, 31)))
    absences = tuple(
        AbsenceFact(Y, draw(months), draw(st.sampled_from(["maternity", "sickness", "study"])))
        for _ in range(draw(st.integers(0, 2)))
    )
    disciplines = tuple(
        DisciplineFact(draw(levels), draw(st.dates(dt.date(Y - 2, 1, 1), dt.date(Y, 12, 31))))
        for _ in range(draw(st.integers(0, 1)))
    )
    cases = tuple(CaseFact(dt.date(Y, 6, 1)) for _ in range(draw(st.integers(0, 1))))
    return PersonFacts(
        person_id=1,
        joined_on=joined,
        ratings={Y: draw(ratings)},
        absences=absences,
        disciplines=disciplines,
        cases=cases,
    )


@given(people())
def test_property_cstdcs_implies_ldtt_and_a_reason_explains_every_refusal(p: PersonFacts) -> None:
    verdicts = engine.evaluate_person(p, Y, {LDTT: TT02, CSTDCS: CS}, AS_OF)
    if verdicts[CSTDCS].eligible:
        assert verdicts[LDTT].eligible
    for v in verdicts.values():
        if v.outcome != Outcome.ELIGIBLE:
            assert v.failed(), "a refusal or hold always names its reason"
        assert all(r.article for r in v.reasons)


@given(people())
def test_property_an_open_case_never_yields_eligible(p: PersonFacts) -> None:
    verdict = engine.lao_dong_tien_tien(p, Y, TT02, AS_OF)
    if p.cases:
        assert verdict.outcome != Outcome.ELIGIBLE


@given(st.integers(0, 500), st.integers(0, 500))
def test_property_quota_is_between_one_and_a_fifth(ttldtt: int, eligible: int) -> None:
    quota = engine.ttldxs_quota(ttldtt, XS)
    if ttldtt:
        assert 1 <= quota <= max(1, ttldtt // 5)
    within, beyond = engine.apply_quota(list(range(eligible)), ttldtt, XS)
    assert len(within) <= quota and len(within) + len(beyond) == eligible


@given(st.integers(1, 200), st.integers(0, 200))
def test_property_more_ldtt_never_loses_the_collective_title(members: int, ldtt: int) -> None:
    ldtt = min(ldtt, members)
    low = engine.tap_the_lao_dong_tien_tien(unit(members=members, members_ldtt=ldtt), Y, TT, AS_OF)
    high = engine.tap_the_lao_dong_tien_tien(
        unit(members=members, members_ldtt=min(members, ldtt + 1)), Y, TT, AS_OF
    )
    assert not (low.eligible and not high.eligible)


def test_it_computes_cash_as_multiple_of_base_salary() -> None:
    """R11: 1.0 × 2,340,000 for CSTĐCS; 4.5 × 2,530,000 for CSTĐ toàn quốc."""
    assert engine.cash_amount(Decimal("1.0"), Decimal(2340000)) == Decimal(2340000)
    assert engine.cash_amount(Decimal("4.5"), Decimal(2530000)) == Decimal(11385000)
    assert engine.cash_amount(Decimal("0.3"), Decimal(2340000)) == Decimal(702000)
