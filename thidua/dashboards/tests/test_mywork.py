""" "Việc của tôi": each role lands on its next step, with bounded queries (issue 10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from thidua.accounts.access import scope_for
from thidua.dashboards.mywork import build_mywork
from thidua.reporting import actions
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 10, 8)  # Q3/2025 is due on 15/10/2025 (15 days after the quarter)
NOW = "2025-10-08 09:00 +0700"


def _work(user: Any, day: dt.date = DAY) -> Any:
    return build_mywork(user, scope_for(user, day).units_by_role, day)


def _page(user: Any) -> str:
    client = Client()
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_reporter_sees_the_report_due_with_one_click_to_open_it(rcast: ReportingCast) -> None:
    work = _work(rcast.cast.reporter)
    due = [i for i in work.now if i.title == "Mẫu test-quy · Quý 3/2025"]
    assert len(due) == 1
    assert due[0].deadline == dt.date(2025, 10, 15)
    assert due[0].open_report == {
        "unit": rcast.cast.regional.pk,
        "form": rcast.form.pk,
        "period": rcast.q3_2025.pk,
    }
    html = _page(rcast.cast.reporter)
    assert "Việc của tôi" in html and "Còn 7 ngày" in html
    assert 'action="/reports/open/"' in html
    assert "Kế hoạch phong trào" in html  # the movement plan stays one click away


def test_a_returned_report_shows_who_and_why_at_the_top(rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    actions.save_value(
        report, rcast.indicators["SAV_CONF"], "12,5", by=c.reporter, expected_version=0
    )
    actions.submit_report(report, by=rcast.head)
    actions.return_report(report, by=c.reviewer, reason="Thiếu số liệu chi hội nghị")
    work = _work(rcast.head)
    assert [i.title for i in work.returned] == ["Mẫu test-quy · Quý 3/2025"]
    assert "Thiếu số liệu chi hội nghị" in work.returned[0].detail
    assert work.returned[0].link == f"/reports/{report.pk}/"
    assert work.now[0].returned  # first of the list too
    html = _page(rcast.head)
    top = html.index('data-testid="returned"')
    assert top < html.index('data-testid="now"')
    assert "Sửa và gửi lại" in html


def test_a_reviewer_sees_what_waits_for_approval_and_the_outsider_does_not(
    rcast: ReportingCast,
) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    actions.submit_report(report, by=rcast.head)
    work = _work(c.reviewer)
    waiting = [i for i in work.now if i.action == "Duyệt hoặc trả lại"]
    assert [i.link for i in waiting] == [f"/reports/{report.pk}/"]
    assert waiting[0].unit_name == "Khu vực 1"
    outsider = _work(c.outsider)
    assert all(i.unit_name != "Khu vực 1" for i in outsider.now + outsider.soon)
    approved_later = _work(rcast.top_reviewer)
    assert not [i for i in approved_later.now if i.link == f"/reports/{report.pk}/"]


def test_the_next_30_days_holds_what_is_not_urgent(rcast: ReportingCast) -> None:
    work = _work(rcast.cast.reporter, dt.date(2025, 9, 25))  # Q3 due in 20 days
    assert "Mẫu test-quy · Quý 3/2025" in [i.title for i in work.soon]
    assert "Mẫu test-quy · Quý 3/2025" not in [i.title for i in work.now]


def test_recently_done_lists_my_steps(rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    actions.submit_report(report, by=rcast.head)
    done = _work(rcast.head).done
    assert [(d.report_id, d.to_status) for d in done] == [(report.pk, "submitted")]


@pytest.mark.parametrize("who", ["reporter", "reviewer", "secretary"])
def test_the_page_costs_a_bounded_number_of_queries(
    rcast: ReportingCast, who: str, django_assert_max_num_queries: Any
) -> None:
    c = rcast.cast
    for unit in (c.regional, c.pc1):
        report = actions.open_report(unit, rcast.form, rcast.q3_2025, by=c.admin)
        actions.submit_report(report, by=c.admin)
    user = getattr(c, who)
    client = Client()
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        client.get("/")  # the scope is cached per process
        with django_assert_max_num_queries(30):
            assert client.get("/").status_code == 200
