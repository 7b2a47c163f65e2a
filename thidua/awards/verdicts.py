"""The eligibility read side: verdicts for the whole sector (the recompute stores them) and
live verdicts for one person or one unit (the person page, the proposal check). Reads the facts
(facts.py), applies the engine (eligibility.py), writes nothing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from thidua.lib.dates import today
from thidua.org.models import OrgUnit, Person

from . import eligibility as engine
from . import facts
from .catalogue import rules_for_year
from .models import EligibilityResult, Title


def evaluate_people(
    year: int, as_of: dt.date, person_ids: Iterable[int] | None = None
) -> tuple[dict[int, dict[str, engine.Verdict]], facts.Staff, dict[int, engine.PersonFacts]]:
    """Verdicts of every individual title for the staff at the end of `year`, with the
    staff and the facts they were computed from."""
    rules = rules_for_year(year)
    staff = facts.staff_at(engine.year_end(year))
    wanted = None if person_ids is None else set(person_ids)
    ids = set(staff.home) if wanted is None else wanted
    people = facts.person_facts(year, as_of, None if wanted is None else ids)
    verdicts = {
        pid: engine.evaluate_person(people[pid], year, rules, as_of, candidates_only=wanted is None)
        for pid in ids
        if pid in people
    }
    if wanted is None and engine.CSTDCS in rules:
        _warn_cstdcs_share(verdicts, people, staff, year, rules[engine.CSTDCS])
    return verdicts, staff, people


def _warn_cstdcs_share(
    verdicts: dict[int, dict[str, engine.Verdict]],
    people: Mapping[int, engine.PersonFacts],
    staff: facts.Staff,
    year: int,
    rule: engine.RuleParams,
) -> None:
    """No cap on CSTĐCS since 2024, but a warning above 15 % of the unit's LĐTT."""
    for members in staff.members().values():
        ldtt = sum(1 for m in members if _holds(verdicts[m], people[m], engine.LDTT, year))
        eligible = [
            m
            for m in members
            if verdicts[m].get(engine.CSTDCS, None) and verdicts[m][engine.CSTDCS].eligible
        ]
        warning = engine.cstdcs_share_warning(len(eligible), ldtt, rule)
        if warning is None:
            continue
        for m in eligible:
            v = verdicts[m][engine.CSTDCS]
            verdicts[m][engine.CSTDCS] = engine.Verdict(v.title, v.outcome, (*v.reasons, warning))


def _holds(
    verdicts: Mapping[str, engine.Verdict], p: engine.PersonFacts, code: str, year: int
) -> bool:
    v = verdicts.get(code)
    return p.has(code, year) or (v is not None and v.eligible)


def evaluate_units(
    year: int,
    as_of: dt.date,
    people: Mapping[int, engine.PersonFacts],
    verdicts: Mapping[int, Mapping[str, engine.Verdict]],
    staff: facts.Staff,
) -> dict[int, dict[str, engine.Verdict]]:
    """Verdicts of the collective titles for every unit with staff at the end of `year`,
    with the TTLĐXS quota applied per awarding level (the parent unit)."""
    rules = rules_for_year(year)
    members = staff.members()
    levels = facts.unit_levels(members)
    results = facts.unit_results(year)
    cases = facts.unit_cases(as_of, None)
    awards = facts.unit_awards(year, None)
    units = {
        uid: _unit_facts(uid, year, ids, levels, results, cases, awards, people, verdicts)
        for uid, ids in members.items()
    }
    out: dict[int, dict[str, engine.Verdict]] = {uid: {} for uid in units}
    for uid, u in units.items():
        if engine.TTLDTT in rules:
            out[uid][engine.TTLDTT] = engine.tap_the_lao_dong_tien_tien(
                u, year, rules[engine.TTLDTT], as_of
            )
        if engine.TTLDXS in rules:
            tt = u.has(engine.TTLDTT, year) or out[uid].get(engine.TTLDTT, _NO).eligible
            out[uid][engine.TTLDXS] = engine.tap_the_lao_dong_xuat_sac(
                u, year, rules[engine.TTLDXS], as_of, ttldtt=tt
            )
    if engine.TTLDXS in rules:
        _apply_quota(out, units, facts.parents_at(engine.year_end(year)), rules[engine.TTLDXS])
    for uid, u in units.items():
        xs = u.has(engine.TTLDXS, year) or out[uid].get(engine.TTLDXS, _NO).eligible
        if engine.CO_NGANH in rules:
            out[uid][engine.CO_NGANH] = engine.co_thi_dua_nganh(
                u, year, rules[engine.CO_NGANH], as_of, ttldxs=xs
            )
        co = u.has(engine.CO_NGANH, year) or out[uid].get(engine.CO_NGANH, _NO).eligible
        if engine.CO_CP in rules:
            out[uid][engine.CO_CP] = engine.co_thi_dua_chinh_phu(
                u, year, rules[engine.CO_CP], as_of, co_nganh=co
            )
    return out


_NO = engine.Verdict("", engine.Outcome.NOT_ELIGIBLE, ())


def _unit_facts(
    uid: int,
    year: int,
    member_ids: list[int],
    levels: Mapping[int, str],
    results: Mapping[int, engine.ResultFact],
    cases: Mapping[int, list[engine.CaseFact]],
    awards: Mapping[int, Mapping[int, frozenset[str]]],
    people: Mapping[int, engine.PersonFacts],
    verdicts: Mapping[int, Mapping[str, engine.Verdict]],
) -> engine.UnitFacts:
    ldtt = cstdcs = not_complete = warned = 0
    for m in member_ids:
        p, v = people[m], verdicts.get(m, {})
        ldtt += _holds(v, p, engine.LDTT, year)
        cstdcs += _holds(v, p, engine.CSTDCS, year)
        not_complete += p.ratings.get(year) in (None, "KHT")
        warned += any(
            d.decided_on.year == year and engine.DISCIPLINE_RANK.get(d.level, 0) >= 2
            for d in p.disciplines
        )
    return engine.UnitFacts(
        unit_id=uid,
        level_code=levels.get(uid, ""),
        members=len(member_ids),
        members_ldtt=ldtt,
        members_cstdcs=cstdcs,
        members_not_complete=not_complete,
        members_warned=warned,
        result=results.get(uid),
        cases=tuple(cases.get(uid, ())),
        awards=awards.get(uid, {}),
    )


def _apply_quota(
    out: dict[int, dict[str, engine.Verdict]],
    units: Mapping[int, engine.UnitFacts],
    parents: Mapping[int, int | None],
    rule: engine.RuleParams,
) -> None:
    """TT 02/2024 Art. 18(2) per awarding level; the best THTK-CLP totals first, then the
    unit id (a documented, total order)."""
    if rule.quota_share is None:
        return
    groups: dict[int | None, list[int]] = defaultdict(list)
    for uid in out:
        groups[parents.get(uid)].append(uid)
    for members in groups.values():
        count_tt = sum(1 for uid in members if out[uid].get(engine.TTLDTT, _NO).eligible)
        eligible = [uid for uid in members if out[uid][engine.TTLDXS].eligible]
        result = {uid: units[uid].result for uid in eligible}
        eligible.sort(key=lambda uid: (-(_total(result[uid])), uid))
        _within, beyond = engine.apply_quota(eligible, count_tt, rule)
        reason = engine.quota_reason(engine.ttldxs_quota(count_tt, rule), count_tt, rule)
        for uid in beyond:
            v = out[uid][engine.TTLDXS]
            out[uid][engine.TTLDXS] = engine.Verdict.of(v.title, [*v.reasons, reason])


def _total(result: engine.ResultFact | None) -> float:
    return float(result.total) if result is not None and result.total is not None else -1.0


def check_person(
    person: Person, title: Title, year: int, as_of: dt.date | None = None
) -> engine.Verdict:
    """The live verdict for one person and one title (the proposal check)."""
    as_of = as_of or today()
    rules = rules_for_year(year)
    p = facts.person_facts(year, as_of, [person.pk])[person.pk]
    verdicts = engine.evaluate_person(p, year, rules, as_of)
    if title.code in verdicts:
        return verdicts[title.code]
    return engine.award_form(
        title.code, p.cases, rules.get(title.code) or _any_rule(title, year), as_of
    )


def _any_rule(title: Title, year: int) -> engine.RuleParams:
    return engine.RuleParams(code=title.code)


def check_unit(
    unit: OrgUnit, title: Title, year: int, as_of: dt.date | None = None
) -> engine.Verdict:
    """The live verdict for one unit and one collective title."""
    as_of = as_of or today()
    rules = rules_for_year(year)
    staff = facts.staff_at(engine.year_end(year), [unit.pk])
    people = facts.person_facts(year, as_of, list(staff.home))
    verdicts = {pid: engine.evaluate_person(people[pid], year, rules, as_of) for pid in staff.home}
    if title.code in {engine.TTLDTT, engine.TTLDXS, engine.CO_NGANH, engine.CO_CP}:
        stored = EligibilityResult.objects.filter(year=year, unit=unit, title=title).first()
        if stored is not None and title.code == engine.TTLDXS:
            return engine.Verdict.of(title.code, [engine.Reason(*r) for r in stored.reasons])
        whole = evaluate_units(year, as_of, people, verdicts, staff)
        if unit.pk in whole and title.code in whole[unit.pk]:
            return whole[unit.pk][title.code]
        return engine.Verdict.of(title.code, [engine.Reason("needs_ttldtt", engine.FAIL, "—", {})])
    cases = tuple(facts.unit_cases(as_of, [unit.pk]).get(unit.pk, ()))
    rule = rules.get(title.code) or engine.RuleParams(code=title.code)
    return engine.award_form(title.code, cases, rule, as_of)
