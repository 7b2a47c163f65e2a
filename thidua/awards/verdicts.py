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
    back = engine.lookback_years(rules)
    people = facts.person_facts(year, as_of, None if wanted is None else ids, lookback=back)
    verdicts = {
        pid: engine.evaluate_person(people[pid], year, rules, as_of, candidates_only=wanted is None)
        for pid in ids
        if pid in people
    }
    laws = engine.by_law(rules)
    if wanted is None:
        for code in laws.get(engine.BASE_FIGHTER, []):
            ldtt = laws.get(rules[code].counts, [])
            _warn_cstdcs_share(verdicts, people, staff, year, rules[code], ldtt)
    return verdicts, staff, people


def _warn_cstdcs_share(
    verdicts: dict[int, dict[str, engine.Verdict]],
    people: Mapping[int, engine.PersonFacts],
    staff: facts.Staff,
    year: int,
    rule: engine.RuleParams,
    ldtt_codes: list[str],
) -> None:
    """No cap on CSTĐCS since 2024, but a warning above the rule's share of the unit's LĐTT."""
    code = rule.code
    for members in staff.members().values():
        ldtt = sum(1 for m in members if _holds(verdicts[m], people[m], ldtt_codes, year))
        eligible = [
            m for m in members if verdicts[m].get(code, None) and verdicts[m][code].eligible
        ]
        warning = engine.cstdcs_share_warning(len(eligible), ldtt, rule)
        if warning is None:
            continue
        for m in eligible:
            v = verdicts[m][code]
            verdicts[m][code] = engine.Verdict(v.title, v.outcome, (*v.reasons, warning))


def _holds(
    verdicts: Mapping[str, engine.Verdict],
    p: engine.PersonFacts,
    codes: list[str],
    year: int,
) -> bool:
    """Whether the person holds, or is eligible now for, one of the titles `codes`."""
    for code in codes:
        v = verdicts.get(code)
        if p.has(code, year) or (v is not None and v.eligible):
            return True
    return False


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
    awards = facts.unit_awards(year, None, engine.lookback_years(rules))
    laws = engine.by_law(rules)
    ldtt = laws.get(engine.ADVANCED_LABOURER, [])
    cstdcs = laws.get(engine.BASE_FIGHTER, [])
    units = {
        uid: _unit_facts(
            uid, year, ids, levels, results, cases, awards, people, verdicts, (ldtt, cstdcs)
        )
        for uid, ids in members.items()
    }
    out: dict[int, dict[str, engine.Verdict]] = {uid: {} for uid in units}
    parents = facts.parents_at(engine.year_end(year))
    for law in engine.COLLECTIVE_LAWS:
        for code in laws.get(law, []):
            rule = rules[code]
            lower = laws.get(rule.counts, [])
            for uid, u in units.items():
                below = any(u.has(c, year) or out[uid].get(c, _NO).eligible for c in lower)
                out[uid][code] = engine.collective_verdict(u, year, rule, as_of, below)
            if law == engine.EXCELLENT_COLLECTIVE:
                _apply_quota(out, units, parents, rule, lower)
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
    codes: tuple[list[str], list[str]],
) -> engine.UnitFacts:
    ldtt = cstdcs = not_complete = warned = 0
    for m in member_ids:
        p, v = people[m], verdicts.get(m, {})
        ldtt += _holds(v, p, codes[0], year)
        cstdcs += _holds(v, p, codes[1], year)
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
    lower: list[str],
) -> None:
    """The quota of the rule (a share of the units rated at the title below) per awarding
    level; the best THTK-CLP totals first, then the unit id (a documented, total order)."""
    if rule.quota_share is None:
        return
    code = rule.code
    groups: dict[int | None, list[int]] = defaultdict(list)
    for uid in out:
        groups[parents.get(uid)].append(uid)
    for members in groups.values():
        count_tt = sum(1 for uid in members if any(out[uid].get(c, _NO).eligible for c in lower))
        eligible = [uid for uid in members if out[uid][code].eligible]
        result = {uid: units[uid].result for uid in eligible}
        eligible.sort(key=lambda uid: (-(_total(result[uid])), uid))
        _within, beyond = engine.apply_quota(eligible, count_tt, rule)
        reason = engine.quota_reason(engine.ttldxs_quota(count_tt, rule), count_tt, rule)
        for uid in beyond:
            v = out[uid][code]
            out[uid][code] = engine.Verdict.of(v.title, [*v.reasons, reason])


def _total(result: engine.ResultFact | None) -> float:
    return float(result.total) if result is not None and result.total is not None else -1.0


def check_person(
    person: Person, title: Title, year: int, as_of: dt.date | None = None
) -> engine.Verdict:
    """The live verdict for one person and one title (the proposal check)."""
    as_of = as_of or today()
    rules = rules_for_year(year)
    back = engine.lookback_years(rules)
    p = facts.person_facts(year, as_of, [person.pk], lookback=back)[person.pk]
    verdicts = engine.evaluate_person(p, year, rules, as_of)
    if title.code in verdicts:
        return verdicts[title.code]
    return engine.award_form(
        title.code, p.cases, rules.get(title.code) or _any_rule(title, year), as_of
    )


def _any_rule(title: Title, year: int) -> engine.RuleParams:
    return engine.RuleParams(code=title.code, law_title=title.law_title)


def check_unit(
    unit: OrgUnit, title: Title, year: int, as_of: dt.date | None = None
) -> engine.Verdict:
    """The live verdict for one unit and one collective title."""
    as_of = as_of or today()
    rules = rules_for_year(year)
    staff = facts.staff_at(engine.year_end(year), [unit.pk])
    back = engine.lookback_years(rules)
    people = facts.person_facts(year, as_of, list(staff.home), lookback=back)
    verdicts = {pid: engine.evaluate_person(people[pid], year, rules, as_of) for pid in staff.home}
    if title.law_title in engine.COLLECTIVE_LAWS:
        stored = EligibilityResult.objects.filter(year=year, unit=unit, title=title).first()
        if stored is not None and title.law_title == engine.EXCELLENT_COLLECTIVE:
            return engine.Verdict.of(title.code, [engine.Reason(*r) for r in stored.reasons])
        whole = evaluate_units(year, as_of, people, verdicts, staff)
        if unit.pk in whole and title.code in whole[unit.pk]:
            return whole[unit.pk][title.code]
        return engine.Verdict.of(
            title.code, [engine.Reason("needs_ttldtt", engine.FAIL, engine.LAW, {})]
        )
    cases = tuple(facts.unit_cases(as_of, [unit.pk]).get(unit.pk, ()))
    rule = rules.get(title.code) or _any_rule(title, year)
    return engine.award_form(title.code, cases, rule, as_of)
