"""Confirming an anonymous waste report opens a finding of the rule WASTE_REPORT in the unit's
year, under review: the unit explains, the supervisor confirms, and it counts as a violation
in the unit's assessment like any other; a dismissed report opens nothing."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import translation

from thidua.audit.models import AuditEvent
from thidua.oversight import actions, reports
from thidua.oversight.access import can_explain
from thidua.oversight.models import Finding, FindingState
from thidua.oversight.queries import confirmed_violations
from thidua.oversight.wording import describe
from thidua.testing import Cast

TEXT = "Xe công của đơn vị được dùng đưa đón người nhà mỗi cuối tuần."


def test_a_confirmed_report_opens_a_finding_that_follows_the_triage(
    client: Client, cast: Cast
) -> None:
    report = reports.submit_report(cast.regional, TEXT, []).report
    reports.move_report(report, "review", by=cast.supervisor, reason="")
    assert not Finding.objects.exists()
    reports.move_report(report, "confirmed", by=cast.supervisor, reason="Xác minh có sử dụng sai")
    f = Finding.objects.get(rule="WASTE_REPORT")
    assert (f.unit_id, f.year, f.status) == (cast.regional.pk, report.received_on.year, "review")
    assert f.numbers == {"note": "Xác minh có sử dụng sai"}
    assert TEXT not in str(f.numbers) and report.code not in f.key  # nothing of the sender
    assert f.history.get().to_status == FindingState.REVIEW
    assert AuditEvent.objects.filter(action="oversight.waste_report.finding").count() == 1
    with translation.override("vi"):
        assert "Xác minh có sử dụng sai" in describe(f.rule, f.numbers)
    # The checks of the unit's records leave it alone (recorded, never computed).
    actions.recheck_unit(cast.regional.pk, f.year)
    assert Finding.objects.filter(pk=f.pk).exists()
    # The handler's page links it.
    client.force_login(cast.supervisor)
    page = client.get(reverse("oversight:report", args=[report.pk])).content.decode()
    assert reverse("oversight:finding", args=[f.pk]) in page
    # The unit explains, the supervisor confirms: a violation of the unit's year.
    assert can_explain(cast.reporter, f)
    actions.explain_finding(f, by=cast.reporter, explanation="Đã chấn chỉnh, thu hồi chi phí.")
    actions.confirm_finding(f, by=cast.supervisor, reason="Vi phạm quy định sử dụng xe công")
    [v] = confirmed_violations(cast.regional.pk, f.year)
    assert v.finding_id == f.pk and v.rule == "WASTE_REPORT"


def test_a_dismissed_report_opens_no_finding(cast: Cast) -> None:
    report = reports.submit_report(cast.regional, TEXT, []).report
    reports.move_report(report, "dismissed", by=cast.supervisor, reason="Không có căn cứ")
    assert not Finding.objects.exists()
