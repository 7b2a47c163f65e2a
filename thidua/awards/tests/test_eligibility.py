"""The eligibility engine, database-free. Each case names the article it comes from
(../shared/domain/emulation-rules.md §8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.awards import eligibility as engine
from thidua.awards.eligibility import (
    CSTD_NGANH,
    CSTD_TQ,
    CSTDCS,
    KNC,
    LDTT,
    TTLDTT,
    TTLDXS,
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

AS_OF = dt.date(2026, 2, 1)
Y = 2025
TT02 = RuleParams(code=LDTT, service_months_min=6)
TT01 = RuleParams(code=LDTT, service_months_min=10)
CS = RuleParams(code=CSTDCS, service_months_min=6, warn_share=Decimal("0.15"))
NGANH = RuleParams(code=CSTD_NGANH, chain_years=3)
TQ = RuleParams(code=CSTD_TQ, chain_years=2)
TT = RuleParams(code=TTLDTT, share_threshold=Decimal("0.5"))
XS = RuleParams(
    code=TTLDXS, share_threshold=Decimal("0.7"), quota_share=Decimal("0.2"), quota_minimum=1
)


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
     Outcome.NOT_ELIGIBLE, "service_short", "Thông tư 02/2024/TT-VKSTC Điều 15(1)"),
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
            engine.DEFAULT_ARTICLES.values()
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
    verdict = engine.chien_si_thi_dua_nganh(facts, Y, NGANH, AS_OF, cstdcs_now=now)
    assert verdict.outcome == outcome, case
    if blocking:
        assert blocking in codes(verdict)


def test_it_needs_two_consecutive_sector_titles_and_a_national_initiative_for_cstd_toan_quoc() -> (
    None
):
    """Law Art. 21."""
    national = (InitiativeFact(3, "national", dt.date(Y, 3, 1)),)
    two = awarded((Y - 1, CSTD_NGANH), (Y, CSTD_NGANH))
    assert engine.chien_si_thi_dua_toan_quoc(
        person(awards=two, initiatives=national), Y, TQ, AS_OF
    ).eligible
    one = awarded((Y, CSTD_NGANH))
    v = engine.chien_si_thi_dua_toan_quoc(person(awards=one, initiatives=national), Y, TQ, AS_OF)
    assert "tq_chain_missing" in codes(v)
    sector = (InitiativeFact(3, "sector", dt.date(Y, 3, 1)),)
    v = engine.chien_si_thi_dua_toan_quoc(person(awards=two, initiatives=sector), Y, TQ, AS_OF)
    assert "initiative_missing" in codes(v)


def test_it_gives_the_procuracy_medal_once_after_15_years() -> None:
    """TT 02/2024 Art. 21."""
    rule = RuleParams(code=KNC, params={"service_years": 15})
    assert engine.ky_niem_chuong(person(joined_on=dt.date(2010, 1, 1)), Y, rule, AS_OF).eligible
    short = engine.ky_niem_chuong(person(joined_on=dt.date(2012, 1, 1)), Y, rule, AS_OF)
    assert "knc_service_short" in codes(short)
    again = engine.ky_niem_chuong(
        person(joined_on=dt.date(2000, 1, 1), awards=awarded((2020, KNC))), Y, rule, AS_OF
    )
    assert "knc_received" in codes(again)


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
    ("TTLĐTT at exactly 50 % (≥)", TTLDTT, unit(members_ldtt=5), TT, True),
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
    """TT 01/2019 Art. 20."""
    rule = RuleParams(code="CO_NGANH")
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
