"""The one workflow step, thidua.audit.workflow.move_status, on real models: a report, whose
moves keep history rows, and a registration, whose history is the audit log."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from thidua.audit.models import AuditEvent
from thidua.audit.workflow import move_status
from thidua.awards.models import ProposalTransition, Registration
from thidua.reporting.actions import open_report
from thidua.reporting.models import Report, ReportTransition
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db

MOVES = {"draft": {"submitted"}, "submitted": {"approved", "returned"}}


def _report(rc: ReportingCast) -> Report:
    return open_report(rc.cast.regional, rc.form, rc.q3_2025, by=rc.cast.reporter)


def test_it_moves_the_status_and_writes_the_history_row_and_the_audit_event(
    rcast: ReportingCast,
) -> None:
    report = _report(rcast)
    old = move_status(
        report,
        "submitted",
        allowed=MOVES,
        refusal="refused",
        object_type="reporting.report",
        by=rcast.head,
        reason="  Đa\u0303 đủ số liệu ",  # decomposed ã, spaces around
        history=ReportTransition,
    )
    assert old == "draft"
    report.refresh_from_db()
    assert report.status == "submitted"
    row = ReportTransition.objects.get(report=report)
    assert (row.from_status, row.to_status, row.by, row.reason) == (
        "draft",
        "submitted",
        rcast.head,
        "Đã đủ số liệu",
    )
    event = AuditEvent.objects.for_object("reporting.report", report.pk).first()
    assert event is not None
    assert event.action == "reporting.report.submitted"
    assert (event.before, event.after, event.reason) == (
        {"status": "draft"},
        {"status": "submitted"},
        "Đã đủ số liệu",
    )
    assert event.actor_id == rcast.head.pk


def test_it_refuses_a_move_the_workflow_does_not_list_and_writes_nothing(
    rcast: ReportingCast,
) -> None:
    report = _report(rcast)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        move_status(
            report,
            "approved",
            allowed=MOVES,
            refusal="A draft cannot be approved.",
            object_type="reporting.report",
            by=rcast.top_reviewer,
            history=ReportTransition,
        )
    assert refused.value.messages == ["A draft cannot be approved."]
    report.refresh_from_db()
    assert report.status == "draft"
    assert not ReportTransition.objects.filter(report=report).exists()
    assert AuditEvent.objects.count() == events


def test_without_history_it_saves_only_the_fields_named_and_audits_the_extras(
    rcast: ReportingCast,
) -> None:
    reg = Registration.objects.create(unit=rcast.cast.regional, year=2026)
    reg.return_reason = "not saved: not in fields"
    move_status(
        reg,
        "submitted",
        allowed=MOVES,
        refusal="refused",
        object_type="awards.registration",
        by="system",
        fields=[],
        after={"unit": "PA-R1", "year": 2026},
    )
    reg.refresh_from_db()
    assert (reg.status, reg.return_reason) == ("submitted", "")
    event = AuditEvent.objects.for_object("awards.registration", reg.pk).get()
    assert event.action == "awards.registration.submitted"
    assert event.after == {"status": "submitted", "unit": "PA-R1", "year": 2026}
    assert (event.actor_id, event.actor_label) == (None, "system")


def test_it_names_a_history_model_that_does_not_point_to_the_object(
    rcast: ReportingCast,
) -> None:
    with pytest.raises(TypeError, match="ProposalTransition has no foreign key to Report"):
        move_status(
            _report(rcast),
            "submitted",
            allowed=MOVES,
            refusal="refused",
            object_type="reporting.report",
            by=None,
            history=ProposalTransition,
        )
