"""The reporting loop: open, enter, submit, approve up the tree, return, reopen."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from thidua.audit.chain import verify_chain
from thidua.reporting import actions
from thidua.reporting.models import Report, ReportTransition, Rollup
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


def fill(rc: ReportingCast, report: Report, values: dict[str, str]) -> None:
    for code, text in values.items():
        cell = report.values.filter(indicator__code=code).first()
        actions.save_value(
            report,
            rc.indicators[code],
            text,
            by=rc.cast.reporter,
            expected_version=cell.version if cell else 0,
        )


def test_it_runs_the_whole_loop_and_rolls_up(rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    assert report.deadline is not None
    assert report.deadline.isoformat() == "2025-10-15"
    fill(
        rcast, report, {"EST_RECURRENT": "1.200", "SETTLE_RECURRENT": "1.100,5", "SAV_CONF": "12,5"}
    )
    actions.submit_report(report, by=rcast.head)
    actions.approve_report(report, by=c.reviewer)
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED
    province = Rollup.objects.get(
        unit=c.pa, period=rcast.q3_2025, indicator__code="SETTLE_RECURRENT"
    )
    root = Rollup.objects.get(unit=c.root, period=rcast.q3_2025, indicator__code="SAV_CONF")
    assert (province.total, root.total) == (Decimal("1100.5"), Decimal("12.5"))
    with pytest.raises(ValidationError):
        fill(rcast, report, {"SAV_CONF": "13"})  # approved data is locked
    actions.reopen_report(report, by=c.reviewer, reason="Sai số liệu hội nghị")
    assert Rollup.objects.get(pk=root.pk).total == 0
    assert [t.to_status for t in ReportTransition.objects.filter(report=report)] == [
        "submitted",
        "approved",
        "returned",
    ]
    assert verify_chain() is None


def test_it_refuses_a_stale_save_and_shows_the_newer_value(rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    ind = rcast.indicators["SAV_CONF"]
    actions.save_value(report, ind, "10", by=c.reporter, expected_version=0)
    with pytest.raises(actions.ConflictError) as caught:
        actions.save_value(report, ind, "11", by=rcast.head, expected_version=0)
    assert "10" in caught.value.messages[0]
    assert report.values.get(indicator=ind).value == Decimal(10)


@pytest.mark.parametrize(
    ("text", "problem"),
    [("abc", "not a number"), ("1e20", "not a number"), ("9999999999999999", "too large")],
)
def test_it_refuses_bad_figures(rcast: ReportingCast, text: str, problem: str) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    with translation.override("en"), pytest.raises(ValidationError, match=problem):
        actions.save_value(
            report, rcast.indicators["SAV_CONF"], text, by=c.reporter, expected_version=0
        )
    assert not report.values.exists()


def test_it_refuses_typing_a_derived_figure_or_one_off_the_form(rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    with pytest.raises(ValidationError):
        actions.save_value(
            report,
            rcast.indicators["SAVING_RATE_RECURRENT"],
            "5",
            by=c.reporter,
            expected_version=0,
        )
    with pytest.raises(ValidationError):
        actions.save_value(
            report, rcast.indicators["DOCS_TOTAL"], "5", by=c.reporter, expected_version=0
        )


def test_it_blocks_submission_on_blocking_rules_unless_explained(rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    fill(rcast, report, {"EST_RECURRENT": "100", "SETTLE_RECURRENT": "120"})
    with pytest.raises(ValidationError):
        actions.submit_report(report, by=rcast.head)
    cell = report.values.get(indicator__code="SETTLE_RECURRENT")
    actions.save_value(
        report,
        rcast.indicators["SETTLE_RECURRENT"],
        "120",
        by=c.reporter,
        expected_version=cell.version,
        comment="Bổ sung dự toán tháng 9",
    )
    assert actions.submit_report(report, by=rcast.head).status == "submitted"


def test_it_approves_a_parent_only_after_its_children(rcast: ReportingCast) -> None:
    c = rcast.cast
    child = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    parent = actions.open_report(c.pa, rcast.form, rcast.q3_2025, by=c.reviewer)
    actions.submit_report(parent, by=c.admin)
    with pytest.raises(ValidationError, match="not approved yet"), translation.override("en"):
        actions.approve_report(parent, by=rcast.top_reviewer)
    actions.submit_report(child, by=rcast.head)
    actions.approve_report(child, by=c.reviewer)
    actions.approve_report(parent, by=rcast.top_reviewer)
    actions.accept_report(parent, by=rcast.top_reviewer)
    assert Report.objects.get(pk=parent.pk).status == "accepted"


def test_it_needs_a_reason_to_return(rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    actions.submit_report(report, by=rcast.head)
    with pytest.raises(ValidationError):
        actions.return_report(report, by=c.reviewer, reason="  ")
    assert Report.objects.get(pk=report.pk).status == "submitted"


def test_it_refuses_a_unit_that_did_not_exist_or_does_not_fill_the_form(
    rcast: ReportingCast,
) -> None:
    c = rcast.cast
    with pytest.raises(ValidationError):
        actions.open_report(c.regional, rcast.form, rcast.q2_2025, by=c.reporter)
    with pytest.raises(ValidationError):
        actions.open_report(c.regional, rcast.annual, rcast.q3_2025, by=c.reporter)


def test_it_takes_the_annual_deadline_from_the_rule_in_force(rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.annual, rcast.year_2026, by=c.reporter)
    assert report.deadline is not None
    assert report.deadline.isoformat() == "2027-02-28"


def test_it_lets_the_head_withdraw_a_submitted_report_until_the_level_above_acts(
    rcast: ReportingCast,
) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    fill(rcast, report, {"EST_RECURRENT": "1.200", "SETTLE_RECURRENT": "1.100"})
    actions.submit_report(report, by=rcast.head)
    actions.withdraw_report(report, by=rcast.head, reason="Sửa số tiết kiệm")
    report.refresh_from_db()
    assert (report.status, report.submitted_at) == (Report.Status.DRAFT, None)
    assert report.is_editable
    last = ReportTransition.objects.filter(report=report).order_by("-pk").first()
    assert last is not None
    assert (last.from_status, last.to_status, last.by, last.reason) == (
        "submitted",
        "draft",
        rcast.head,
        "Sửa số tiết kiệm",
    )
    from thidua.audit.models import AuditEvent

    event = AuditEvent.objects.filter(action="reporting.report.withdrawn").get()
    assert (event.object_id, event.before, event.after) == (
        str(report.pk),
        {"status": "submitted"},
        {"status": "draft"},
    )
    # Once the level above has acted, only it can send the report back.
    actions.submit_report(report, by=rcast.head)
    actions.approve_report(report, by=c.reviewer)
    with pytest.raises(ValidationError):
        actions.withdraw_report(report, by=rcast.head)
    assert Report.objects.get(pk=report.pk).status == Report.Status.APPROVED
    assert verify_chain() is None


@pytest.mark.parametrize(
    ("code", "text", "refusal"),
    [
        ("STAFF_ACTUAL", "12,5", "whole number"),  # a count of persons
        ("STAFF_ACTUAL", "-3", "cannot be negative"),
        ("EST_RECURRENT", "1.5", "write 1,5"),
        ("EST_RECURRENT", "1,234.5", "write 1.234,5"),
        ("EST_RECURRENT", "1,234", "write 1.234"),
        ("EST_RECURRENT", "12,345", "write 12.345"),
        ("EST_RECURRENT", "-1", "cannot be negative"),
    ],
)
def test_it_refuses_a_figure_outside_its_indicators_limits(
    rcast: ReportingCast, code: str, text: str, refusal: str
) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        fill(rcast, report, {code: text})
    assert refusal in refused.value.messages[0]
    assert not report.values.exists()


def test_it_takes_amounts_with_decimals_and_refuses_a_negative_saving(
    rcast: ReportingCast,
) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    fill(rcast, report, {"EST_RECURRENT": "51,5", "CONF_SPEND": "1.234,25", "SAV_CONF": "0"})
    assert {v.indicator.code: v.value for v in report.values.all()} == {
        "SAV_CONF": Decimal(0),
        "EST_RECURRENT": Decimal("51.5"),
        "CONF_SPEND": Decimal("1234.25"),
    }
    with pytest.raises(ValidationError):  # an overspend goes on the spending indicators
        fill(rcast, report, {"SAV_CONF": "-2,5"})
