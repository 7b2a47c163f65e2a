"""The legal readings of docs/decisions/0006: titles chosen by their title of the Law, every
citation from the pack's data and in force in the evaluated year, the facts read as far back as
the longest chain, continuous service restarting after a break, and the quota and ballot
rounding stated on the pages."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.test import Client

from thidua.awards import eligibility as engine
from thidua.awards import facts
from thidua.awards.catalogue import (
    CATALOGUE,
    citations_out_of_force,
    load_catalogue,
    rule_params,
    rule_statements,
)
from thidua.awards.eligibility import (
    AbsenceFact,
    CaseFact,
    DisciplineFact,
    InitiativeFact,
    PersonFacts,
    ResultFact,
    UnitFacts,
)
from thidua.awards.models import AwardRecord, LawTitle, Title, TitleRule
from thidua.awards.verdicts import check_person
from thidua.org.models import Person, Position
from thidua.testing import Cast

from .conftest import AwardsCast

pytestmark = pytest.mark.django_db
PACK = json.loads(CATALOGUE.read_text(encoding="utf-8"))


def test_every_ksnd_title_says_which_title_of_the_law_it_is() -> None:
    load_catalogue()
    load_catalogue()  # idempotent
    laws = dict(Title.objects.values_list("code", "law_title"))
    assert all(laws.values()), "every title of the KSND pack names its title of the Law"
    assert set(laws.values()) <= {c.value for c in LawTitle} - {""}
    assert laws["CSTD_NGANH"] == LawTitle.MINISTERIAL_FIGHTER
    assert laws["KNC_VSNKS"] == LawTitle.COMMEMORATIVE_MEDAL


def test_the_engine_code_names_no_title_code_and_no_sector_instrument() -> None:
    """Part A of issue 15: the checks are chosen from data; the code cites only the Law and
    the Decrees."""
    from pathlib import Path

    codes = {row["code"] for row in PACK["titles"]}
    for path in Path(engine.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for word in ("VKSTC", "Viện trưởng", "Kiểm sát"):
            assert word not in text, f"{path.name} names {word}"
        for code in codes:
            assert not re.search(rf"[\"']{code}[\"']", text), f"{path.name} names {code}"


def _sample_people(year: int) -> list[PersonFacts]:
    """Facts that make every individual check speak (pass, fail, hold, warn)."""
    awards = {y: frozenset({"CSTDCS", "CSTD_NGANH", "LDTT"}) for y in range(year - 6, year)}
    return [
        PersonFacts(1, dt.date(2000, 1, 1), {year: "HTXS"}, awards=awards),
        PersonFacts(
            2,
            dt.date(year, 9, 1),
            {year: "HT"},
            absences=(
                AbsenceFact(year, Decimal(4), "sickness"),
                AbsenceFact(year, Decimal(2), "maternity"),
            ),
            disciplines=(
                DisciplineFact("reprimand", dt.date(year, 3, 1)),
                DisciplineFact("warning", dt.date(year - 1, 3, 1), dt.date(year + 1, 5, 1)),
            ),
            cases=(CaseFact(dt.date(year, 11, 1)),),
            initiatives=(InitiativeFact(1, "national", dt.date(year, 2, 1), ("X", year - 1)),),
        ),
        PersonFacts(3, None, {}, absences=(AbsenceFact(year, Decimal(7), "study"),)),
    ]


def _sample_units() -> list[UnitFacts]:
    return [
        UnitFacts(1, "cap-tinh", 10, 8, 2, 0, 0, ResultFact(Decimal(95), True, True, 1)),
        UnitFacts(2, "khu-vuc", 10, 5, 0, 1, 1, None, (CaseFact(dt.date(2020, 1, 1)),)),
    ]


def _instruments() -> dict[str, tuple[dt.date, dt.date]]:
    return {
        row["name"]: (
            dt.date.fromisoformat(row["valid_from"]),
            dt.date.fromisoformat(row["valid_to"] or "9999-12-31"),
        )
        for row in PACK["instruments"]
    }


def test_every_cited_instrument_was_in_force_in_the_evaluated_year() -> None:
    """Issue 9 item 3: walk every title x rule version of the KSND pack, run the checks of the
    title on facts that make every criterion speak, and check each instrument a verdict cites
    was in force on 31/12 of the evaluated year (the instruments and their dates are data)."""
    assert citations_out_of_force(PACK) == []
    load_catalogue()
    instruments = _instruments()
    numbered = re.compile(r"(?:Luật|Nghị định|Thông tư|Quyết định|Công văn)\s+\d+/\d{4}/[\w-]+")
    checked = 0
    for rule in TitleRule.objects.select_related("title"):
        years = [
            y for y in range(2019, 2031) if rule.valid_from <= dt.date(y, 12, 31) < rule.valid_to
        ]
        for year in years:
            day = dt.date(year, 12, 31)
            rules = {
                r.title.code: rule_params(r, r.title.code, r.title.law_title)
                for r in TitleRule.objects.filter(valid_from__lte=day, valid_to__gt=day)
            }
            params = rules[rule.title.code]
            verdicts: list[engine.Verdict] = []
            for p in _sample_people(year):
                verdicts += engine.evaluate_person(p, year, rules, day).values()
            for u in _sample_units():
                verdicts += engine.evaluate_unit(u, year, rules, day).values()
            verdicts.append(engine.award_form(params.code, (CaseFact(day),), params, day))
            reasons = [r for v in verdicts for r in v.reasons if v.title == params.code]
            if params.quota_share is not None:
                reasons.append(engine.quota_reason(1, 5, params))
            warning = engine.cstdcs_share_warning(5, 10, params)
            reasons += [warning] if warning else []
            for reason in reasons:
                for cited in numbered.findall(reason.article):
                    assert cited in instruments, f"{rule} {year}: {cited} is not listed"
                for name, (start, end) in instruments.items():
                    if name in reason.article:
                        assert start <= day < end, f"{rule} {year} {reason.code}: {name}"
                if year >= 2024:
                    assert "01/2019" not in reason.article, f"{rule} {year}: {reason.code}"
                checked += 1
    assert checked > 500


@pytest.mark.parametrize(
    ("year", "comparator", "article"),
    [
        (2023, "ge", "Thông tư 01/2019/TT-VKSTC Điều 18(1)"),
        (2024, "gt", "Luật 06/2022/QH15 Điều 28"),
        (2025, "gt", "Luật 06/2022/QH15 Điều 28"),
    ],
)
def test_the_advanced_collective_comparator_is_data_per_rule_version(
    year: int, comparator: str, article: str
) -> None:
    """Issue 9 item 2: Law 06/2022 Art. 28 "trên 50%" from 2024; TT 01/2019 "từ 50%" before."""
    load_catalogue()
    rule = Title.objects.get(code="TTLDTT").rule_on(dt.date(year, 12, 31))
    assert rule.share_comparator == comparator
    assert rule.params["articles"]["ttldtt_share"] == article
    assert rule.note


def _person(cast: Cast, code: str, joined: dt.date) -> Person:
    p = Person.objects.create(code=code, full_name=f"Người {code}", joined_on=joined)
    Position.objects.create(person=p, unit=cast.pc1, title="Kiểm tra viên", valid_from=joined)
    return p


def test_the_national_fighter_reads_back_to_the_earlier_sector_title(cast: Cast) -> None:
    """Issue 9 item 1: CSTĐ toàn quốc 2025 rests on the sector titles of 2022 and 2025; the
    reader sees 2022 (Y-3), further back than the 3-year chain of the sector title."""
    load_catalogue()
    p = _person(cast, "TQ1", dt.date(2005, 1, 1))
    titles = {t.code: t for t in Title.objects.all()}
    for year, code in [(2022, "CSTD_NGANH"), (2025, "CSTD_NGANH")] + [
        (y, "CSTDCS") for y in range(2020, 2026)
    ]:
        AwardRecord.objects.create(
            title=titles[code], year=year, person=p, decided_on=dt.date(year + 1, 1, 20)
        )
    read = facts.person_facts(2025, dt.date(2026, 2, 1), [p.pk], lookback=3)[p.pk]
    assert read.has("CSTD_NGANH", 2022)
    verdict = check_person(p, titles["CSTD_TQ"], 2025, dt.date(2026, 2, 1))
    chain = next(r for r in verdict.reasons if r.code.startswith("successive_titles"))
    assert chain.code == "successive_titles_ok", verdict.reasons
    assert chain.article == "Luật 06/2022/QH15 Điều 21"
    assert "initiative_missing" in {r.code for r in verdict.failed()}


def test_a_break_in_service_restarts_the_medal_count(cast: Cast) -> None:
    """Issue 9 item 4: two positions with a gap between them; 15 years counted to 26/07 from
    the return, not from the first day."""
    load_catalogue()
    p = Person.objects.create(code="KNC1", full_name="Người KNC1", joined_on=dt.date(2000, 1, 1))
    Position.objects.create(
        person=p,
        unit=cast.pc1,
        title="Kiểm tra viên",
        valid_from=dt.date(2000, 1, 1),
        valid_to=dt.date(2012, 1, 1),
    )
    Position.objects.create(
        person=p, unit=cast.pc1, title="Kiểm tra viên", valid_from=dt.date(2013, 6, 1)
    )
    read = facts.person_facts(2025, dt.date(2026, 2, 1), [p.pk])[p.pk]
    assert read.resumed_on == (dt.date(2013, 6, 1),)
    medal = Title.objects.get(code="KNC_VSNKS")
    verdict = check_person(p, medal, 2025, dt.date(2026, 2, 1))
    assert "knc_service_short" in {r.code for r in verdict.failed()}
    assert verdict.reasons[0].article == "Thông tư 02/2024/TT-VKSTC Điều 21(3)"
    assert check_person(p, medal, 2029, dt.date(2030, 2, 1)).eligible


def test_the_quota_and_the_ballot_rounding_are_stated_with_their_article() -> None:
    """Issue 9 item 5."""
    load_catalogue()
    xs = Title.objects.get(code="TTLDXS").rule_on(dt.date(2025, 12, 31))
    (quota,) = rule_statements(xs)
    assert "làm tròn xuống, tối thiểu 1" in quota.text
    assert quota.article == "Thông tư 02/2024/TT-VKSTC Điều 18(2)"
    nganh = Title.objects.get(code="CSTD_NGANH").rule_on(dt.date(2024, 12, 31))
    (ballot,) = rule_statements(nganh, members=11)
    assert "90%" in ballot.text and "11" in ballot.text and "10 phiếu" in ballot.text
    assert ballot.article == "Nghị định 98/2023/NĐ-CP Điều 30(7)"


def test_the_candidate_list_states_the_quota(client: Client, acast: AwardsCast) -> None:
    client.force_login(acast.head)
    url = f"/awards/candidates/?year=2025&title=TTLDXS&unit={acast.cast.regional.pk}"
    page = client.get(url).content.decode()
    assert 'data-testid="rule-statement"' in page
    assert "làm tròn xuống, tối thiểu 1. (Thông tư 02/2024/TT-VKSTC Điều 18(2))" in page
