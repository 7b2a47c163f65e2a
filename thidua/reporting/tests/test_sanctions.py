"""Deadlines with their sanctions as data (issue 10, point 4): table-driven, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.reporting.lateness import filed_late
from thidua.reporting.sanctions import days_late, sanction_for

D = dt.date
ANNUAL_2026 = D(2027, 2, 28)  # the 2026 results report, under Decree 265/2026


@pytest.mark.parametrize(
    ("subject", "late", "deadline", "level", "text"),
    [
        ("year", 0, ANNUAL_2026, None, None),
        ("year", 1, ANNUAL_2026, "warning", "Phạt cảnh cáo"),
        ("year", 14, ANNUAL_2026, "warning", "Phạt cảnh cáo"),
        ("year", 15, ANNUAL_2026, "fine", "Phạt tiền 3–5 triệu đồng"),
        ("year", 29, ANNUAL_2026, "fine", "Phạt tiền 3–5 triệu đồng"),
        ("year", 30, ANNUAL_2026, "fine", "Phạt tiền 10–15 triệu đồng"),
        ("programme", 29, D(2026, 12, 31), "warning", "Phạt cảnh cáo"),
        ("programme", 30, D(2026, 12, 31), "fine", "Phạt tiền 5–10 triệu đồng"),
        # Before Decree 265/2026, and for the sector's quarterly reports: points deducted.
        ("year", 40, D(2025, 2, 28), "deduction", "Trừ điểm chấm THTK-CLP"),
        ("quarter", 3, D(2026, 10, 15), "deduction", "Trừ điểm chấm THTK-CLP"),
    ],
)
def test_the_tier_reached_follows_the_rule_in_force(
    subject: str, late: int, deadline: dt.date, level: str | None, text: str | None
) -> None:
    found = sanction_for(subject, late, deadline)
    if level is None:
        assert found is None
    else:
        assert found is not None and found.level == level
        assert text is not None and found.text_vi.startswith(text)
        assert found.legal_basis


def test_the_deadline_day_is_on_time_everywhere() -> None:
    deadline = D(2027, 2, 28)
    assert days_late(deadline, D(2027, 2, 28), D(2027, 3, 10)) == 0
    assert not filed_late(deadline, D(2027, 2, 28), D(2027, 3, 10))
    assert days_late(deadline, D(2027, 3, 1), D(2027, 3, 10)) == 1
    assert filed_late(deadline, D(2027, 3, 1), D(2027, 3, 10))
    assert days_late(deadline, None, D(2027, 3, 10)) == 10  # not filed: still counting
    assert days_late(None, None, D(2027, 3, 10)) == 0
