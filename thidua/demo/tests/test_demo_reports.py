"""The demo reports 2022 Q1 – 2026 Q3: coverage, a realistic status mix, figures that obey the
validation rules and improve over phase 1, roll-ups that match the approved data, an intact
audit chain. The sector is built once for the module (about half a minute) and rolled back."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, Sum

from thidua.audit.chain import verify_chain
from thidua.audit.models import AuditEvent
from thidua.demo.build import Demo, build_demo
from thidua.demo.reports import AS_OF, LEAF_LEVELS
from thidua.org import tree
from thidua.org.models import OrgUnit
from thidua.reporting import rollups
from thidua.reporting.checks import findings_for
from thidua.reporting.models import (
    DataValue,
    Indicator,
    NarrativeText,
    Period,
    Report,
    ReportForm,
    ReportTransition,
)
from thidua.reporting.validation import blocking

pytestmark = pytest.mark.django_db
S = Report.Status
LOCKED = [S.APPROVED, S.ACCEPTED]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Demo]:
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_demo(seed=7)
        if connection.features.can_defer_constraint_checks:
            # Check the deferred foreign keys once here; otherwise every test's teardown
            # re-checks all 350,000 new rows (PostgreSQL: about 10 s each).
            connection.check_constraints()
        yield built
        transaction.set_rollback(True)


def quarter(year: int, number: int) -> Period:
    return Period.objects.get(kind=Period.Kind.QUARTER, year=year, number=number)


def expected_units(form_code: str, period: Period) -> set[int]:
    form = ReportForm.objects.get(code=form_code)
    return set(
        OrgUnit.objects.at(period.end)
        .filter(level__in=form.levels.all())
        .values_list("id", flat=True)
    )


def reported_units(form_code: str, period: Period) -> set[int]:
    return set(
        Report.objects.filter(form__code=form_code, period=period).values_list("unit_id", flat=True)
    )


def test_reports_cover_2022_q1_to_2026_q3(demo: Demo) -> None:
    first, last = quarter(2022, 1), quarter(2026, 3)
    assert reported_units("thtk-quy", first) == expected_units("thtk-quy", first)
    assert len(reported_units("thtk-quy", first)) == 1 + 3 + 63 + 696
    assert 0.85 * 390 < len(reported_units("thtk-quy", last)) < 390
    assert not Report.objects.filter(period=quarter(2026, 4)).exists()
    assert set(
        Report.objects.filter(form__code="thtk-nam").values_list("period__year", flat=True)
    ) == {2022, 2023, 2024, 2025}
    assert set(
        Report.objects.filter(form__code__in=["thtk-6-thang", "thtk-9-thang"]).values_list(
            "period__year", flat=True
        )
    ) == {2026}
    annual = Report.objects.filter(form__code="thtk-nam").annotate(n=Count("narratives"))
    assert set(annual.values_list("n", flat=True)) == {6}
    text = NarrativeText.objects.filter(report__unit__code="TQ", report__period__year=2024).first()
    assert text is not None and "Tuyên Quang" in text.text
    assert demo.reports is not None and demo.reports.reports == Report.objects.count()


def test_the_status_mix_is_realistic(demo: Demo) -> None:
    statuses = dict(Report.objects.values_list("status").annotate(n=Count("id")))
    assert statuses[S.APPROVED] + statuses[S.ACCEPTED] > 0.9 * sum(statuses.values())
    assert all(statuses.get(s, 0) > 0 for s in S.values)
    returned = ReportTransition.objects.filter(to_status=S.RETURNED)
    assert not returned.filter(reason="").exists()
    assert returned.filter(report__status__in=LOCKED).count() > 100  # sent back, then approved
    late = Report.objects.filter(submitted_at__isnull=False, deadline__isnull=False)
    late_count = sum(1 for r in late.only("submitted_at", "deadline") if r.is_late(AS_OF))
    assert 0.03 * late.count() < late_count < 0.2 * late.count()
    for year, number in ((2025, 2), (2026, 3)):
        period = quarter(year, number)
        assert expected_units("thtk-quy", period) - reported_units("thtk-quy", period)
    q3 = Report.objects.filter(period=quarter(2026, 3), form__code="thtk-quy")
    q3_statuses = set(q3.values_list("status", flat=True))
    assert q3_statuses == set(S.values)
    assert not Report.objects.filter(status=S.DRAFT).exclude(period__year=2026).exists()


def test_every_status_change_has_its_history(demo: Demo) -> None:
    reports = Report.objects.annotate(n=Count("transitions"))
    assert not reports.exclude(version=1 + F("n")).exists()
    assert not reports.filter(n=0).exclude(status=S.DRAFT).exists()
    last = {}
    for report_id, to in ReportTransition.objects.order_by("report_id", "at", "id").values_list(
        "report_id", "to_status"
    ):
        last[report_id] = to
    status = dict(Report.objects.values_list("id", "status"))
    assert all(status[r] == to for r, to in last.items())
    assert not ReportTransition.objects.filter(at__gte=dt.datetime(2026, 11, 27, tzinfo=dt.UTC))
    approved_by = set(
        ReportTransition.objects.filter(to_status=S.APPROVED).values_list("by__username", flat=True)
    )
    assert "duyet.tq" in approved_by
    assert ReportTransition.objects.filter(to_status=S.ACCEPTED, by__username="thuky").exists()


def test_a_report_is_approved_only_when_every_report_below_is(demo: Demo) -> None:
    form = ReportForm.objects.get(code="thtk-quy")
    levels = set(form.levels.values_list("id", flat=True))
    for year, number in ((2023, 1), (2025, 2), (2026, 2), (2026, 3)):
        period = quarter(year, number)
        status = dict(
            Report.objects.filter(form=form, period=period).values_list("unit_id", "status")
        )
        for report in Report.objects.filter(form=form, period=period, status__in=LOCKED).exclude(
            unit__level__code__in=LEAF_LEVELS
        ):
            below = OrgUnit.objects.filter(
                id__in=tree.children_ids(report.unit_id, period.end), level_id__in=levels
            )
            assert all(status.get(u) in LOCKED for u in below.values_list("id", flat=True))


def test_the_demo_users_see_the_whole_loop(demo: Demo) -> None:
    q3 = Report.objects.get(unit__code="TQ-KV01", form__code="thtk-quy", period=quarter(2026, 3))
    assert q3.status == S.DRAFT
    assert q3.values.exclude(value=None).exists()
    assert set(q3.values.values_list("updated_by__username", flat=True)) == {"nhaplieu.kv1tq"}
    q2 = Report.objects.get(unit__code="TQ-KV01", form__code="thtk-quy", period=quarter(2026, 2))
    assert q2.status == S.RETURNED
    back = q2.transitions.get(to_status=S.RETURNED)
    assert back.by is not None and back.by.username == "duyet.tq" and back.reason
    submitted = q2.transitions.get(to_status=S.SUBMITTED)
    assert submitted.by is not None and submitted.by.username == "thutruong.kv1tq"
    waiting = Report.objects.filter(
        unit__code__startswith="TQ-KV", period=quarter(2026, 3), status=S.SUBMITTED
    )
    assert waiting.count() >= 2


def test_no_derived_indicator_is_stored(demo: Demo) -> None:
    assert DataValue.objects.exists()
    assert not DataValue.objects.exclude(indicator__formula="").exists()


def test_settlement_stays_within_the_estimate_unless_explained(demo: Demo) -> None:
    def cells(code: str) -> dict[int, tuple[Decimal, str]]:
        rows = DataValue.objects.filter(indicator__code=code, value__isnull=False)
        return {
            r: (v or Decimal(0), c) for r, v, c in rows.values_list("report_id", "value", "comment")
        }

    estimate, settled = cells("EST_RECURRENT"), cells("SETTLE_RECURRENT")
    over = [r for r, (v, _c) in settled.items() if r in estimate and v > estimate[r][0]]
    assert over, "a few overruns, each explained"
    assert all(settled[r][1].strip() for r in over)
    assert not DataValue.objects.filter(indicator__code__startswith="SAV_", value__lt=0).exists()
    plan, paid = cells("INV_PLAN"), cells("INV_DISBURSED")
    assert paid and all(v <= plan[r][0] for r, (v, _c) in paid.items())
    units = set(
        Report.objects.filter(id__in=plan).values_list("unit__level__code", flat=True).distinct()
    )
    assert units <= {"toi-cao", "cap-tinh"}


def test_submitted_reports_pass_the_blocking_rules(demo: Demo) -> None:
    rng = random.Random(3)
    done = list(Report.objects.exclude(status=S.DRAFT).values_list("id", flat=True))
    explained = list(
        DataValue.objects.exclude(comment="").values_list("report_id", flat=True).distinct()
    )
    merged = list(
        Report.objects.filter(
            period=quarter(2025, 3), unit__level__code__in=["khu-vuc", "cap-tinh"]
        ).values_list("id", flat=True)[:20]
    )
    sample = set(rng.sample(done, 60)) | set(explained[:30]) | set(merged)
    for report in Report.objects.filter(id__in=sample).exclude(status=S.DRAFT):
        assert blocking(findings_for(report)) == [], report


def test_sector_savings_improve_over_phase_1(demo: Demo) -> None:
    root = OrgUnit.objects.get(code="VKSNDTC")
    indicators = list(Indicator.objects.all())

    def year(y: int) -> dict[str, Decimal | None]:
        periods = list(Period.objects.filter(kind=Period.Kind.QUARTER, year=y))
        return rollups.query(root.pk, periods, indicators).values

    first, last = year(2022), year(2025)
    rate_2022, rate_2025 = first["SAVING_RATE_RECURRENT"], last["SAVING_RATE_RECURRENT"]
    assert rate_2022 is not None and rate_2025 is not None
    assert Decimal(2) <= rate_2022 <= Decimal(3) and Decimal(5) <= rate_2025 <= Decimal(6)
    e_2022, e_2025 = first["DOCS_E_SHARE"], last["DOCS_E_SHARE"]
    assert e_2022 is not None and e_2025 is not None and e_2025 > e_2022 + 20
    est = first["EST_RECURRENT"]
    assert est is not None and 5_000_000 < est < 12_000_000  # million VND: 5–12 thousand bn


def test_rollups_equal_a_plain_sum(demo: Demo) -> None:
    province = OrgUnit.objects.get(code="TQ")
    periods = [*Period.objects.filter(kind=Period.Kind.QUARTER, year=2024)]
    periods.append(Period.objects.get(kind=Period.Kind.YEAR, year=2024))
    codes = ["EST_RECURRENT", "SETTLE_RECURRENT", "SAV_CONF", "ELECTRICITY_KWH"]
    indicators = list(Indicator.objects.filter(code__in=codes))
    for period in periods:
        units = tree.subtree_ids(province.pk, period.end)
        plain = dict(
            DataValue.objects.filter(
                report__unit_id__in=units,
                report__period=period,
                report__status__in=LOCKED,
                indicator__code__in=codes,
            )
            .values_list("indicator__code")
            .annotate(total=Sum("value"))
        )
        result = rollups.query(province.pk, [period], indicators).values
        assert plain and {c: result[c] for c in codes} == plain, period


def test_the_audit_chain_verifies(demo: Demo) -> None:
    assert verify_chain() is None
    loaded = AuditEvent.objects.filter(action="demo.report.load").values_list(
        "object_id", flat=True
    )
    assert sorted(int(i) for i in loaded) == sorted(Report.objects.values_list("id", flat=True))
