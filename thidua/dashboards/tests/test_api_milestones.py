"""The API of the dashboard's series and the reviews' data; milestones that follow the data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from thidua.dashboards import charts, milestones, review_jobs
from thidua.evaluation.models import Programme
from thidua.movements.models import Milestone, Movement, Phase
from thidua.reporting.testing import ReportingCast

from .test_dashboard import TODAY, choice
from .test_dashboard import data as data  # the fixture

pytestmark = pytest.mark.django_db
SERIES = "/api/v1/dashboards/series"


def test_it_serves_the_charts_numbers_as_the_page_draws_them(
    client: Client, data: ReportingCast
) -> None:
    client.force_login(data.top_reviewer)
    params = {"unit_id": str(data.cast.root.pk), "period": "phase-1", "structure": "as_was"}
    body = client.get(SERIES, params).json()
    assert body["years"] == [2024, 2025]
    found = {c["key"]: c for c in body["charts"]}
    built = {c.key: c for c in charts.build(choice(data, "root", [2024, 2025], None))}
    for key, chart in built.items():
        for got, want in zip(found[key]["datasets"], chart.datasets, strict=True):
            assert [None if v is None else Decimal(v) for v in got["values"]] == want.values
    assert found["savings"]["datasets"][0]["values"] == ["42.5", "4"]


def test_it_refuses_a_unit_out_of_scope_and_a_bad_period(
    client: Client, data: ReportingCast
) -> None:
    client.force_login(data.cast.outsider)
    assert client.get(SERIES, {"unit_id": str(data.cast.root.pk)}).status_code == 404
    client.force_login(data.top_reviewer)
    assert client.get(SERIES, {"period": "2024; drop"}).status_code == 422
    assert client.get("/api/v1/dashboards/review", {"period": "2024"}).status_code == 422
    # a phase or year the movement does not have is refused, not answered with another one
    for period in ("phase-9", "2099"):
        refused = client.get(SERIES, {"period": period})
        assert refused.status_code == 422
        assert f"“{period}”" in refused.json()["detail"] and "showing" in refused.json()["detail"]
    assert client.get(SERIES, {"period": "phase-1"}).status_code == 200


def test_it_serves_a_reviews_figures(client: Client, data: ReportingCast) -> None:
    client.force_login(data.top_reviewer)
    params = {"unit_id": str(data.cast.root.pk), "period": "phase-1", "structure": "mapped"}
    body = client.get("/api/v1/dashboards/review", params).json()
    area = next(a for a in body["areas"] if a["number"] == 2)
    savings = next(i for i in area["indicators"] if i["code"] == "SAV_TOTAL")
    assert savings["values"] == ["42.5", "4"]
    assert body["approved_reports"] == 3


def test_milestones_follow_the_reviews_and_the_programmes(
    data: ReportingCast, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    movement = Movement.objects.get(code="thtk")
    one, two = Phase.objects.filter(movement=movement).order_by("number")
    for phase, due, title in [
        (one, dt.date(2025, 12, 31), "Sơ kết giai đoạn 1"),
        (two, dt.date(2026, 3, 31), "Triển khai giai đoạn 2"),
        (None, dt.date(2024, 9, 30), "Ban hành kế hoạch"),
    ]:
        Milestone.objects.create(
            movement=movement,
            phase=phase,
            title=title,
            due_date=due,
            status="done" if "kế hoạch" in title else "planned",
        )
    before = {m.title: m for m in milestones.states(movement, today=TODAY)}
    assert before["Sơ kết giai đoạn 1"].status == "planned"
    assert before["Sơ kết giai đoạn 1"].overdue
    assert before["Triển khai giai đoạn 2"].status == "planned"
    assert before["Ban hành kế hoạch"].status == "done"  # typed by the secretariat
    job = review_jobs.new_job(data.top_reviewer.pk, choice(data, "root", [2024, 2025], TODAY), one)
    review_jobs.run(job.token, today=dt.date(2025, 12, 20))
    Programme.objects.create(
        unit=data.cast.pa, year=2026, status="approved", issued_on=dt.date(2026, 1, 15)
    )
    assert review_jobs.load(job.token) is not None
    after = {m.title: m for m in milestones.states(movement, today=TODAY)}
    assert after["Sơ kết giai đoạn 1"].status == "done"
    assert after["Sơ kết giai đoạn 1"].done_on == dt.date(2025, 12, 20)
    launch = after["Triển khai giai đoạn 2"]
    assert launch.status == "in_progress"
    assert launch.done_on == dt.date(2026, 1, 15)
