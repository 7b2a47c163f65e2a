"""Reporting test data on top of the standard cast (thidua/testing.py): the catalogue, a small
quarterly form filled by every level, deadlines, periods 2024–2026, the default rules and a
unit head for the regional unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.testing import PASSWORD, START, Cast

from .catalogue import ensure_periods, load_catalogue, load_default_rules
from .models import (
    DeadlineRule,
    FormRow,
    FormSection,
    Indicator,
    NarrativePart,
    Period,
    ReportForm,
)

ROWS = [
    "EST_RECURRENT",
    "SETTLE_RECURRENT",
    "SAVING_RATE_RECURRENT",
    "CONF_SPEND",
    "SAV_CONF",
    "INV_PLAN",
    "INV_DISBURSED",
    "STAFF_ACTUAL",
]


@dataclass
class ReportingCast:
    cast: Cast
    form: ReportForm
    annual: ReportForm
    head: User
    top_reviewer: User
    q3_2025: Period
    q2_2025: Period
    year_2026: Period
    indicators: dict[str, Indicator]


def _form(code: str, periodicity: str, cast: Cast, narrative: bool = False) -> ReportForm:
    form = ReportForm.objects.create(
        code=code, name=f"Mẫu {code}", periodicity=periodicity, valid_from=START
    )
    form.levels.set(cast.levels.values())
    section = FormSection.objects.create(form=form, code="I", name="Chi thường xuyên")
    for order, code_ in enumerate(ROWS):
        FormRow.objects.create(
            section=section,
            indicator=Indicator.objects.get(code=code_),
            order=order,
            number=str(order + 1),
        )
    if narrative:
        NarrativePart.objects.create(form=form, code="a", name="Công tác chỉ đạo", order=0)
    return form


def build_reporting(cast: Cast) -> ReportingCast:
    load_catalogue()
    load_default_rules()
    ensure_periods(2024, 2026)
    DeadlineRule.objects.create(
        periodicity="quarter", days_after_end=15, legal_basis="Ngành", valid_from=START
    )
    DeadlineRule.objects.create(
        periodicity="year",
        next_year_month=2,
        next_year_day=28,
        legal_basis="Nghị định 266/2026/NĐ-CP, Điều 36",
        confirmed=True,
        valid_from=dt.date(2026, 7, 1),
    )
    head = User.objects.create_user("head", password=PASSWORD)
    RoleAssignment.objects.create(
        user=head, role=Role.UNIT_HEAD, unit=cast.regional, valid_from=START
    )
    top = User.objects.create_user("top", password=PASSWORD)
    RoleAssignment.objects.create(user=top, role=Role.REVIEWER, unit=cast.root, valid_from=START)
    return ReportingCast(
        cast=cast,
        form=_form("test-quy", "quarter", cast),
        annual=_form("test-nam", "year", cast, narrative=True),
        head=head,
        top_reviewer=top,
        q3_2025=Period.objects.get(year=2025, kind="quarter", number=3),
        q2_2025=Period.objects.get(year=2025, kind="quarter", number=2),
        year_2026=Period.objects.get(year=2026, kind="year"),
        indicators={i.code: i for i in Indicator.objects.all()},
    )


@pytest.fixture
def rcast(cast: Cast) -> ReportingCast:
    return build_reporting(cast)
