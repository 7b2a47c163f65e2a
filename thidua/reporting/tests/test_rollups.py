"""Roll-ups: incremental maintenance, queries as it was and mapped onto a later structure,
and rebuild(). The property test is the issue's proof: whatever the tree, the reorganisations
and the order of approvals and returns, every roll-up equals a plain sum over the raw values."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua.org import actions as org_actions
from thidua.org import tree
from thidua.org.actions import NewUnit
from thidua.org.models import OrgLevel, OrgUnit
from thidua.reporting import actions, rollups
from thidua.reporting.catalogue import ensure_periods, load_catalogue
from thidua.reporting.models import (
    DataValue,
    FormRow,
    FormSection,
    Indicator,
    IndicatorGroup,
    Period,
    Report,
    ReportForm,
    Rollup,
)
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db

START = dt.date(2020, 1, 1)
REORG_DAYS = (dt.date(2025, 1, 1), dt.date(2025, 7, 1))
VIEW_DAYS = (dt.date(2024, 6, 30), dt.date(2025, 3, 31), dt.date(2026, 1, 1))
PERIODS = ((2024, 4), (2025, 2), (2025, 4))
CODES = ("EST_RECURRENT", "SETTLE_RECURRENT", "STAFF_ACTUAL", "T_QTY", "T_PRICE")
TOLERANCE = Decimal("0.000001")
EXAMPLES = int(os.environ.get("THIDUA_ROLLUP_EXAMPLES", "40"))
"""Random worlds per run (a few tenths of a second each on SQLite); raise it for a longer hunt."""


def close(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= TOLERANCE * max(Decimal(1), abs(b))


# --- the world the property test runs in -------------------------------------------------


@dataclass
class World:
    form: ReportForm
    level: OrgLevel
    periods: list[Period]
    indicators: dict[str, Indicator]


@pytest.fixture
def world(db: None) -> World:
    """The catalogue, a quarterly form with a few indicators (one weighted average), and no
    validation rules, so any figures can be submitted."""
    load_catalogue()
    ensure_periods(2024, 2025)
    group = IndicatorGroup.objects.create(code="t", name="Thử nghiệm")
    qty = Indicator.objects.create(
        code="T_QTY", name="Số lượng", group=group, unit="count", valid_from=START
    )
    Indicator.objects.create(
        code="T_PRICE",
        name="Đơn giá bình quân",
        group=group,
        unit="vnd",
        aggregation=Indicator.Aggregation.WEIGHTED_AVERAGE,
        decimals=2,
        weight=qty,
        valid_from=START,
    )
    level = OrgLevel.objects.create(code="u", name="Đơn vị", rank=0)
    form = ReportForm.objects.create(
        code="prop", name="Mẫu thử", periodicity="quarter", valid_from=START
    )
    form.levels.set([level])
    section = FormSection.objects.create(form=form, code="I", name="I")
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=CODES)}
    for order, code in enumerate(CODES):
        FormRow.objects.create(section=section, indicator=indicators[code], order=order)
    periods = [Period.objects.get(kind="quarter", year=y, number=n) for y, n in PERIODS]
    return World(form, level, periods, indicators)


def build_tree(data: st.DataObject, w: World) -> list[OrgUnit]:
    root = org_actions.create_unit(NewUnit("R", "Gốc", w.level, None), day=START)
    units = [root]
    for p in range(data.draw(st.integers(1, 3), label="provinces")):
        province = org_actions.create_unit(NewUnit(f"P{p}", f"Tỉnh {p}", w.level, root), day=START)
        units.append(province)
        for d in range(data.draw(st.integers(0, 2), label="districts")):
            district = org_actions.create_unit(
                NewUnit(f"P{p}-{d}", f"Huyện {p}-{d}", w.level, province), day=START
            )
            units.append(district)
            if data.draw(st.booleans(), label="commune"):
                units.append(
                    org_actions.create_unit(
                        NewUnit(f"P{p}-{d}-x", f"Xã {p}-{d}", w.level, district), day=START
                    )
                )
    return units


def reorganise(data: st.DataObject, w: World, root: OrgUnit) -> None:
    """Random merges, moves and splits on each reorganisation day; refused ones (a cycle, a
    unit changed twice that day) change nothing."""
    for number, day in enumerate(REORG_DAYS):
        for step in range(data.draw(st.integers(0, 3), label="events")):
            open_ids = sorted(
                OrgUnit.objects.at(day).exclude(pk=root.pk).values_list("id", flat=True)
            )
            if len(open_ids) < 2:
                return
            kind = data.draw(st.sampled_from(["merge", "merge", "move", "split"]), label="kind")
            pick = data.draw(st.lists(st.sampled_from(open_ids), min_size=2, max_size=3))
            units = [OrgUnit.objects.get(pk=i) for i in pick]
            try:
                if kind == "merge" and units[0].pk not in {u.pk for u in units[1:]}:
                    org_actions.merge_units(units[1:], into=units[0], day=day)
                elif kind == "move":
                    org_actions.move_unit(units[0], units[1], day=day)
                elif kind == "split":
                    _split(data, w, units[0], day, f"S{number}{step}")
            except (ValidationError, IntegrityError):
                # refused; IntegrityError: org.actions closing a unit whose ancestor moved the
                # same day (reported upstream); the savepoint rolls the event back entirely
                continue


def _split(data: st.DataObject, w: World, unit: OrgUnit, day: dt.date, code: str) -> None:
    version = tree.version_at(unit.pk, day)
    parent = OrgUnit.objects.get(pk=version.parent_id) if version and version.parent_id else None
    parts = [NewUnit(f"{code}{k}", f"Phần {code}{k}", w.level, parent) for k in (0, 1)]
    children = {c: data.draw(st.integers(0, 1)) for c in tree.children_ids(unit.pk, day)}
    org_actions.split_unit(unit, parts, day=day, children=children)


values_strategy = st.one_of(
    st.none(), st.integers(0, 10_000_000).map(lambda cents: Decimal(cents) / 100)
)


def file_reports(data: st.DataObject, w: World) -> list[Report]:
    """Reports with random figures for units open at each period's end."""
    reports = []
    for period in w.periods:
        for unit in OrgUnit.objects.at(period.end).order_by("pk"):
            if not data.draw(st.booleans() | st.just(True), label="files"):
                continue
            report = actions.open_report(unit, w.form, period, by=None)
            cells = [
                DataValue(report=report, indicator=w.indicators[code], value=v)
                for code in CODES
                if (v := data.draw(values_strategy, label=code)) is not None
            ]
            DataValue.objects.bulk_create(cells)
            reports.append(report)
    return reports


def depth(report: Report) -> int:
    return len(tree.ancestor_ids(report.unit_id, report.period.end))


def run_workflow(data: st.DataObject, reports: list[Report]) -> None:
    """A random sequence of submit / approve / accept / return / reopen through the actions;
    `cascade` submits and approves every report it can, the deepest units first."""
    steps = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, 10_000),
                st.sampled_from(["submit", "approve", "approve", "accept", "return", "cascade"]),
            ),
            max_size=20,
        ),
        label="steps",
    )
    if data.draw(st.integers(0, 3), label="cascade first") > 0:
        steps.insert(0, (0, "cascade"))
    for index, step in steps:
        if step == "cascade":
            for report in sorted(reports, key=depth, reverse=True):
                _try(report, "submit")
                _try(report, "approve")
        elif reports:
            _try(reports[index % len(reports)], step)


TARGET = {"submit": "submitted", "approve": "approved", "accept": "accepted", "return": "returned"}


def _try(report: Report, step: str) -> None:
    report = Report.objects.select_related("period").get(pk=report.pk)
    if TARGET[step] not in actions.ALLOWED[report.status]:
        return  # the action would refuse it; skip the cost of asking
    try:
        if step == "submit":
            actions.submit_report(report, by=None)
        elif step == "approve":
            actions.approve_report(report, by=None)
        elif step == "accept":
            actions.accept_report(report, by=None)
        else:
            actions.return_report(report, by=None, reason="Kiểm tra lại")
    except ValidationError:
        pass  # not allowed from this status, or units below not approved yet


# --- the plain sums the roll-ups must equal -------------------------------------------------


def approved_values() -> list[tuple[int, Period, dict[int, Decimal]]]:
    """(unit, period, {indicator: value}) of every approved or accepted report."""
    by_report: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for report_id, indicator_id, value in DataValue.objects.filter(
        report__status__in=Report.LOCKED, value__isnull=False
    ).values_list("report_id", "indicator_id", "value"):
        if value is not None:
            by_report[report_id][indicator_id] = value
    reports = Report.objects.select_related("period").in_bulk(list(by_report))
    return [(r.unit_id, r.period, by_report[pk]) for pk, r in reports.items()]


def expected_rollups(w: World) -> dict[tuple[int, int, int], tuple[Decimal, ...]]:
    """For every unit × period × indicator: the sum over approved reports of the unit's subtree
    on the period's last day (total, Σvalue·weight, Σweight, report count)."""
    weight_of = {i.pk: i.weight_id for i in w.indicators.values()}
    sums: dict[tuple[int, int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    everyone = list(OrgUnit.objects.values_list("id", flat=True))
    subtrees = {(a, p.end): set(tree.subtree_ids(a, p.end)) for a in everyone for p in w.periods}
    for unit_id, period, values in approved_values():
        holders = [a for a in everyone if unit_id in subtrees[(a, period.end)]]
        for indicator, value in values.items():
            weight_id = weight_of[indicator]
            weight = values.get(weight_id, Decimal(0)) if weight_id else Decimal(0)
            for holder in holders:
                row = sums[(holder, period.pk, indicator)]
                row[0] += value
                row[1] += value * weight
                row[2] += weight
                row[3] += 1
    return {k: tuple(v) for k, v in sums.items()}


def stored_rollups() -> dict[tuple[int, int, int], tuple[Decimal, ...]]:
    return {
        (u, p, i): (total, weighted, weight, Decimal(reports))
        for u, p, i, total, weighted, weight, reports in Rollup.objects.filter(
            reports__gt=0
        ).values_list(
            "unit_id", "period_id", "indicator_id", "total", "weighted", "weight", "reports"
        )
    }


def carriers(unit_id: int, day: dt.date) -> dict[int, Decimal]:
    """Independently of rollups.py: the units carrying a unit's work on `day`, following
    tree.successor_ids from the day it closed, equal shares across the parts of a split."""
    unit = OrgUnit.objects.get(pk=unit_id)
    if unit.is_open_on(day):
        return {unit_id: Decimal(1)}
    if day < unit.valid_to:
        return {}  # not created yet on that day
    parts = tree.successor_ids(unit_id, unit.valid_to)
    out: dict[int, Decimal] = defaultdict(Decimal)
    for part in parts:
        for carrier, share in carriers(part, day).items():
            out[carrier] += share / len(parts)
    return out


def expected_mapped(
    target: int,
    day: dt.date,
    w: World,
    approved: list[tuple[int, Period, dict[int, Decimal]]],
    carried: dict[int, dict[int, Decimal]],
) -> dict[str, Decimal | None]:
    """Sums (and the last quarter's figure for STAFF_ACTUAL) over approved reports whose work
    lands in the target's subtree on `day`."""
    inside = set(tree.subtree_ids(target, day))
    code_of = {i.pk: i.code for i in w.indicators.values()}
    by_period: dict[str, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for unit_id, period, values in approved:
        share = sum((s for c, s in carried[unit_id].items() if c in inside), Decimal(0))
        if not share:
            continue
        for indicator, value in values.items():
            by_period[code_of[indicator]][period.end] += share * value
    out: dict[str, Decimal | None] = {}
    for code in ("EST_RECURRENT", "SETTLE_RECURRENT", "T_QTY"):
        out[code] = sum(by_period[code].values(), Decimal(0)) if by_period[code] else None
    staff = by_period["STAFF_ACTUAL"]
    out["STAFF_ACTUAL"] = staff[max(staff)] if staff else None
    return out


def check_mapped_queries(data: st.DataObject, w: World) -> None:
    """query(mapped_to=day) for the root and a few units open on each view day."""
    approved = approved_values()
    wanted = [w.indicators[c] for c in CODES]
    for day in VIEW_DAYS:
        carried = {u: carriers(u, day) for u, _p, _v in approved}
        open_ids = sorted(OrgUnit.objects.at(day).values_list("id", flat=True))
        targets = {open_ids[0], *data.draw(st.lists(st.sampled_from(open_ids), max_size=3))}
        for target in targets:
            expected = expected_mapped(target, day, w, approved, carried)
            got = rollups.query(target, w.periods, wanted, mapped_to=day).values
            with patch.object(rollups, "SMALL_SUBTREE", 0):  # the plan for large subtrees
                scanned = rollups.query(target, w.periods, wanted, mapped_to=day).values
            for code, value in expected.items():
                assert close(got[code], value), (target, day, code, got[code], value)
                assert close(scanned[code], value), (target, day, code, scanned[code], value)


def check_prefetched_mappings(w: World) -> None:
    """prefetch_mappings() maps every unit open on a view day in one pass: each unit's
    coefficients, read back inside the block, are those mappings() finds for it alone (and
    query_many() answers what query() answers for each)."""
    days = [p.end for p in w.periods]
    wanted = [w.indicators[c] for c in CODES]
    for day in VIEW_DAYS:
        open_ids = sorted(OrgUnit.objects.at(day).values_list("id", flat=True))
        alone = {u: rollups.mappings(u, day, days) for u in open_ids}
        one_by_one = [rollups.query(u, w.periods, wanted, mapped_to=day) for u in open_ids]
        with rollups.reusing_mappings():
            rollups.prefetch_mappings(open_ids, day, days)
            with patch.object(rollups, "_mappings", side_effect=AssertionError("not prefetched")):
                for u in open_ids:
                    got = rollups.mappings(u, day, days)
                    for d in days:
                        assert got[d].weights == alone[u][d].weights, (u, day, d)
                        assert got[d].closed_shares == alone[u][d].closed_shares, (u, day, d)
            together = rollups.query_many(open_ids, w.periods, wanted, mapped_to=day)
        assert [r.values for r in together] == [r.values for r in one_by_one], day


def check_bulk_queries(w: World) -> None:
    """query_units() answers, for every unit at once, what query() answers for each (as it
    was): same figures, same rounding, None for a weighted average of zero weight."""
    wanted = [w.indicators[c] for c in CODES]
    bulk = rollups.query_units(w.periods, wanted)
    for unit in OrgUnit.objects.values_list("id", flat=True):
        one = rollups.query(unit, w.periods, wanted)
        if unit not in bulk:
            assert all(v is None for v in one.values.values()), unit
            continue
        assert bulk[unit].values == one.values, unit
        assert bulk[unit].covered == one.covered, unit


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_it_always_equals_a_plain_sum_over_the_raw_values(
    world: World, data: st.DataObject
) -> None:
    """Property: after any tree, reorganisations, reports and sequence of approvals, returns
    and reopenings, (1) every Rollup row equals the plain sum over approved reports in the
    unit's subtree on the period's last day, (2) query() mapped onto any date equals the plain
    sum over the reports whose work lands under the target that day, (3) query_units() answers
    for every unit what query() answers for each, and (4) rebuild() writes exactly the rows the
    incremental path left."""
    with transaction.atomic():
        units = build_tree(data, world)
        reorganise(data, world, units[0])
        run_workflow(data, file_reports(data, world))

        expected = expected_rollups(world)
        stored = stored_rollups()
        assert stored.keys() == expected.keys()
        for key, row in expected.items():
            assert all(close(a, b) for a, b in zip(stored[key], row, strict=True)), key

        check_mapped_queries(data, world)
        check_prefetched_mappings(world)
        check_bulk_queries(world)

        rollups.rebuild()
        assert Rollup.objects.filter(reports=0).count() == 0
        rebuilt = stored_rollups()
        assert rebuilt.keys() == stored.keys()
        for key, row in stored.items():
            assert all(close(a, b) for a, b in zip(rebuilt[key], row, strict=True)), key
        transaction.set_rollback(True)


# --- examples on the standard cast -----------------------------------------------------------


def approve(rc: ReportingCast, unit: OrgUnit, period: Period, values: dict[str, str]) -> Report:
    report = actions.open_report(unit, rc.form, period, by=rc.cast.reporter)
    for code, text in values.items():
        actions.save_value(
            report, rc.indicators[code], text, by=rc.cast.reporter, expected_version=0
        )
    actions.submit_report(report, by=rc.head)
    return actions.approve_report(report, by=rc.cast.reviewer)


def quarter(year: int, number: int) -> Period:
    return Period.objects.get(kind="quarter", year=year, number=number)


def year_of(year: int) -> list[Period]:
    return [quarter(year, n) for n in (1, 2, 3, 4)]


def test_it_counts_ha_giang_figures_under_the_new_province(rcast: ReportingCast) -> None:
    """Bắc Kạn (PB) merged into Hà Giang (PA) on 01/07/2025: its 2024 figures count under PA
    in the 2026 structure, and the district PB-1's under the regional unit PA-R1."""
    c = rcast.cast
    q4 = quarter(2024, 4)
    approve(rcast, c.pb1, q4, {"EST_RECURRENT": "1.000", "SETTLE_RECURRENT": "900"})
    approve(rcast, c.pb, q4, {"EST_RECURRENT": "500", "SETTLE_RECURRENT": "450,5"})
    approve(rcast, c.pa1, q4, {"EST_RECURRENT": "200", "SETTLE_RECURRENT": "100"})
    new = dt.date(2026, 1, 1)
    codes = [rcast.indicators["EST_RECURRENT"], rcast.indicators["SETTLE_RECURRENT"]]

    as_was = rollups.query(c.pa.pk, [q4], codes)
    assert as_was.values["EST_RECURRENT"] == Decimal(200)
    mapped = rollups.query(c.pa.pk, [q4], codes, mapped_to=new)
    assert mapped.values["EST_RECURRENT"] == Decimal(1700)
    assert mapped.values["SETTLE_RECURRENT"] == Decimal("1450.5")
    assert mapped.reports["EST_RECURRENT"] == 3
    regional = rollups.query(c.regional.pk, [q4], codes, mapped_to=new)
    assert regional.values["EST_RECURRENT"] == Decimal(1200)  # PB-1 + PA-1, not PB itself
    assert rollups.query(c.regional.pk, [q4], codes).values["EST_RECURRENT"] is None
    assert rollups.query(c.pb.pk, [q4], codes, mapped_to=new).values["EST_RECURRENT"] is None
    root = rollups.query(c.root.pk, [q4], codes, mapped_to=new)
    assert root.values == rollups.query(c.root.pk, [q4], codes).values


def test_it_gives_the_figures_back_when_a_report_is_reopened(rcast: ReportingCast) -> None:
    c = rcast.cast
    q4 = quarter(2024, 4)
    report = approve(rcast, c.pb1, q4, {"EST_RECURRENT": "1.000"})
    est = [rcast.indicators["EST_RECURRENT"]]
    assert rollups.query(c.root.pk, [q4], est).values["EST_RECURRENT"] == Decimal(1000)
    actions.reopen_report(report, by=c.reviewer, reason="Sai dự toán")
    assert rollups.query(c.root.pk, [q4], est).values["EST_RECURRENT"] is None
    assert rollups.query(c.pa.pk, [q4], est, mapped_to=dt.date(2026, 1, 1)).values == {
        "EST_RECURRENT": None
    }


def test_it_adds_unapproved_figures_only_when_asked_and_marks_them(rcast: ReportingCast) -> None:
    c = rcast.cast
    q1 = quarter(2025, 1)
    approve(rcast, c.pa1, q1, {"EST_RECURRENT": "100", "SETTLE_RECURRENT": "80"})
    draft = actions.open_report(c.pa2, rcast.form, q1, by=c.reporter)
    actions.save_value(
        draft, rcast.indicators["EST_RECURRENT"], "50", by=c.reporter, expected_version=0
    )
    wanted = [rcast.indicators["SAVING_RATE_RECURRENT"]]

    approved_only = rollups.query(c.pa.pk, [q1], wanted)
    assert approved_only.values["EST_RECURRENT"] == Decimal(100)
    assert not approved_only.includes_unapproved
    both = rollups.query(c.pa.pk, [q1], wanted, include_unapproved=True)
    assert both.values["EST_RECURRENT"] == Decimal(150)
    assert both.values["SETTLE_RECURRENT"] == Decimal(80)
    assert both.includes_unapproved
    assert both.partial == {"EST_RECURRENT", "SAVING_RATE_RECURRENT"}
    assert both.reports["EST_RECURRENT"] == 2
    mapped = rollups.query(
        c.regional.pk, [q1], wanted, mapped_to=dt.date(2026, 1, 1), include_unapproved=True
    )
    assert mapped.values["EST_RECURRENT"] == Decimal(150)
    assert mapped.partial == {"EST_RECURRENT", "SAVING_RATE_RECURRENT"}


def test_it_takes_the_last_quarter_for_a_stock_figure(rcast: ReportingCast) -> None:
    """STAFF_ACTUAL is a head count: the year shows the last quarter, not the sum."""
    c = rcast.cast
    for number, staff in ((1, "10"), (2, "11"), (3, "12")):
        approve(rcast, c.pc1, quarter(2024, number), {"STAFF_ACTUAL": staff})
    wanted = [rcast.indicators["STAFF_ACTUAL"]]
    result = rollups.query(c.pc.pk, year_of(2024), wanted)
    assert result.values["STAFF_ACTUAL"] == Decimal(12)
    assert result.reports["STAFF_ACTUAL"] == 1
    approve(rcast, c.pc1, quarter(2024, 4), {"STAFF_ACTUAL": "9"})
    assert rollups.query(c.pc.pk, year_of(2024), wanted).values["STAFF_ACTUAL"] == Decimal(9)


def test_it_computes_a_rate_as_a_ratio_of_sums(rcast: ReportingCast) -> None:
    """SAVING_RATE_RECURRENT over a year is (ΣEST − ΣSETTLE) / ΣEST · 100, not an average of
    the quarterly rates (10 % and 50 % here: the average would be 30 %)."""
    c = rcast.cast
    approve(rcast, c.pc1, quarter(2024, 1), {"EST_RECURRENT": "100", "SETTLE_RECURRENT": "90"})
    approve(rcast, c.pc1, quarter(2024, 2), {"EST_RECURRENT": "300", "SETTLE_RECURRENT": "150"})
    result = rollups.query(c.pc.pk, year_of(2024), [rcast.indicators["SAVING_RATE_RECURRENT"]])
    assert result.values["SAVING_RATE_RECURRENT"] == Decimal(40)
    everything = rollups.query(c.pc.pk, year_of(2024))
    assert everything.values["SAVING_RATE_RECURRENT"] == Decimal(40)
    assert everything.values["INV_DISBURSE_RATE"] is None  # no plan reported: no rate


def test_it_rebuilds_what_the_approvals_maintained(rcast: ReportingCast) -> None:
    c = rcast.cast
    q4 = quarter(2025, 4)
    approve(rcast, c.regional, q4, {"EST_RECURRENT": "1.234,5", "SAV_CONF": "12,25"})
    approve(rcast, c.pa, q4, {"EST_RECURRENT": "10"})
    before = stored_rollups()
    assert before[(c.root.pk, q4.pk, rcast.indicators["EST_RECURRENT"].pk)][0] == Decimal("1244.5")
    assert rollups.rebuild() == len(before)
    assert stored_rollups() == before
    assert rollups.rebuild([q4]) == len(before)
    assert rollups.rebuild([quarter(2025, 3)]) == 0
    assert stored_rollups() == before


def test_it_maps_nothing_onto_a_unit_that_is_closed_on_the_date(rcast: ReportingCast) -> None:
    c = rcast.cast
    assert rollups.mapping(c.pb.pk, dt.date(2026, 1, 1), dt.date(2024, 12, 31)).weights == {}
    weights = rollups.boundary_weights(c.pa.pk, dt.date(2026, 1, 1), dt.date(2024, 12, 31))
    assert weights == {c.pa.pk: Decimal(1), c.pb.pk: Decimal(1)}


def test_it_follows_a_reorganisation_recorded_after_the_approval(rcast: ReportingCast) -> None:
    """A move dated 01/10/2025, recorded once Q4/2025 was approved, changes the tree of that
    quarter's last day: the next query sees the new event and rebuilds from 01/10/2025."""
    c = rcast.cast
    q4, q3 = quarter(2025, 4), quarter(2025, 3)
    approve(rcast, c.pc1, q3, {"EST_RECURRENT": "70"})
    approve(rcast, c.pc1, q4, {"EST_RECURRENT": "100"})
    est = [rcast.indicators["EST_RECURRENT"]]
    assert rollups.query(c.pc.pk, [q4], est).values["EST_RECURRENT"] == Decimal(100)
    assert rollups.ensure_current() == 0  # nothing new since that query
    org_actions.move_unit(c.pc1, c.pa, day=dt.date(2025, 10, 1))
    stale = stored_rollups()
    assert rollups.ensure_current() > 0
    assert stored_rollups() != stale
    assert rollups.ensure_current() == 0
    assert rollups.query(c.pa.pk, [q4], est).values["EST_RECURRENT"] == Decimal(100)
    assert rollups.query(c.pc.pk, [q4], est).values["EST_RECURRENT"] is None
    assert rollups.query(c.pc.pk, [q3], est).values["EST_RECURRENT"] == Decimal(70)
    after = stored_rollups()
    rollups.rebuild()
    assert stored_rollups() == after


def test_it_rebuilds_from_the_command_line(rcast: ReportingCast) -> None:
    c = rcast.cast
    approve(rcast, c.pc1, quarter(2025, 4), {"EST_RECURRENT": "100"})
    before = stored_rollups()
    Rollup.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_rollups", "--from", "01/10/2025", stdout=out)
    assert "dòng tổng hợp" in out.getvalue()
    assert stored_rollups() == before
    with pytest.raises(CommandError, match="invalid date"):
        call_command("rebuild_rollups", "--from", "31/02/2025")
