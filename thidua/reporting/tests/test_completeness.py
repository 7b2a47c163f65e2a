"""The completeness board (issue 10, point 5): the period due now, each report counted once in
its current state, and the province × state matrix at sector level."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from thidua.accounts.access import scope_for
from thidua.reporting import actions
from thidua.reporting import completeness as board
from thidua.reporting.models import Period
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db
NOW = "2025-10-20 09:00 +0700"  # Q3/2025 was due on 15/10/2025


def _quarters() -> list[Period]:
    return list(Period.objects.filter(kind="quarter"))


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (dt.date(2025, 12, 2), (2025, 3)),  # Q4 is due on 15/01/2026: not yet
        (dt.date(2026, 1, 7), (2025, 3)),  # 15/01 is 8 days away
        (dt.date(2026, 1, 8), (2025, 4)),  # within 7 days
        (dt.date(2026, 1, 20), (2025, 4)),  # passed
        (dt.date(2025, 10, 15), (2025, 3)),  # the deadline day itself
    ],
)
def test_the_board_opens_on_the_period_due_now(
    rcast: ReportingCast, day: dt.date, due: tuple[int, int]
) -> None:
    period = board.due_period(rcast.form, _quarters(), day)
    assert period is not None and (period.year, period.number) == due


def test_without_a_deadline_rule_the_latest_ended_period_is_due(rcast: ReportingCast) -> None:
    from thidua.reporting.models import DeadlineRule

    DeadlineRule.objects.filter(periodicity="quarter").delete()
    period = board.due_period(rcast.form, _quarters(), dt.date(2025, 12, 2))
    assert period is not None and (period.year, period.number) == (2025, 3)


def _late_returned(rcast: ReportingCast) -> None:
    """Khu vực 1 sent its Q3 report on time and had it returned after the deadline; Huyện C1
    sent its report on time."""
    c = rcast.cast
    with time_machine.travel("2025-10-10 09:00 +0700", tick=False):
        report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.admin)
        actions.submit_report(report, by=c.admin)
        done = actions.open_report(c.pc1, rcast.form, rcast.q3_2025, by=c.admin)
        actions.submit_report(done, by=c.admin)
    with time_machine.travel("2025-10-18 09:00 +0700", tick=False):
        actions.return_report(report, by=c.reviewer, reason="Thiếu số liệu")


def test_each_report_counts_once_in_its_state_and_lateness_is_a_flag(
    rcast: ReportingCast,
) -> None:
    c = rcast.cast
    _late_returned(rcast)
    with time_machine.travel(NOW, tick=False):
        rows = board.board_rows(
            c.root, rcast.form, rcast.q3_2025, scope_for(c.admin), dt.date(2025, 10, 20)
        )
    by_code = {r["unit"].code: r for r in rows}
    assert by_code["PA-R1"]["state"] == "returned" and by_code["PA-R1"]["overdue"]
    assert by_code["PA-R1"]["days_late"] == 5
    assert by_code["PC-1"]["state"] == "submitted" and not by_code["PC-1"]["late"]
    assert {by_code[k]["state"] for k in ("ROOT", "PA", "PC")} == {"missing"}
    total = board.tally(rows)
    assert total.total == len(rows) == 5 == sum(total.counts())
    assert (total.states["missing"], total.states["returned"], total.states["submitted"]) == (
        3,
        1,
        1,
    )
    assert total.overdue == 4 and total.filed_late == 0 and total.share_filed == 20


def test_the_sector_sees_a_province_matrix_and_drills_down(rcast: ReportingCast) -> None:
    c = rcast.cast
    _late_returned(rcast)
    client = Client()
    client.force_login(rcast.top_reviewer)
    url = f"/reports/completeness/?form={rcast.form.pk}&period={rcast.q3_2025.pk}"
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"{url}&unit={c.root.pk}").content.decode()
        below = client.get(f"{url}&unit={c.pa.pk}").content.decode()
        flat = client.get(f"{url}&unit={c.root.pk}&list=1").content.decode()
    assert 'data-testid="matrix"' in html
    rows = dict(re.findall(r'<tr data-branch="(\d+)">(.*?)</tr>', html, re.S))
    assert set(rows) == {str(c.root.pk), str(c.pa.pk), str(c.pc.pk)}
    pa = rows[str(c.pa.pk)]  # Tỉnh Hà Giang: itself missing, Khu vực 1 returned
    cells = re.findall(r'<td class="text-end[^"]*"[^>]*>(\d+)</td>', pa)
    assert cells == ["1", "0", "1", "0", "0", "0", "2"]  # 6 states, then overdue
    assert f"unit={c.pa.pk}" in pa and "0%" in pa and 'aria-hidden="true"' in pa
    pc = rows[str(c.pc.pk)]
    assert "50%" in pc and "(1/2)" in pc
    # The counters sum to the rows: 5 units, each in one state.
    assert 'data-count="total">5 đơn vị' in html
    assert 'data-count="missing">Chưa có báo cáo: 3' in html
    assert html.count('<tr data-unit="') == 1  # only the sector's own report besides the matrix
    assert 'data-testid="matrix"' not in below and below.count('<tr data-unit="') == 2
    assert 'data-unit="PA-R1" data-state="returned" data-overdue="1"' in below
    assert 'data-testid="matrix"' not in flat and flat.count('<tr data-unit="') == 5


def test_the_board_opens_on_the_due_period_by_default(rcast: ReportingCast) -> None:
    client = Client()
    client.force_login(rcast.top_reviewer)
    with time_machine.travel("2026-01-10 09:00 +0700", tick=False):
        html = client.get(f"/reports/completeness/?form={rcast.form.pk}").content.decode()
    q4 = Period.objects.get(kind="quarter", year=2025, number=4)
    assert f'<option value="{q4.pk}" selected>' in html
