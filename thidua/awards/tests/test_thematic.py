"""Thematic commendation for the phase reviews: the best THTK-CLP units of the phase, with a
link proposing each for a collective Bằng khen by the unit above it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from thidua.awards.catalogue import load_catalogue
from thidua.evaluation.catalogue import load_rubrics
from thidua.evaluation.models import Assessment, Rubric
from thidua.lib.packs import pack_file
from thidua.movements.actions import load_movement
from thidua.org.models import OrgUnit
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db
URL = "/awards/thematic/"


@pytest.fixture
def phase(rcast: ReportingCast) -> ReportingCast:
    """Phase 2022–2025: PA final every year (mean 80), PC too (mean 70); Khu vực 1, created
    on 01/07/2025, has one year only (not enough for the phase); PB-1 closed in 2025."""
    load_rubrics()
    load_catalogue()
    rubric = Rubric.objects.order_by("pk")[0]
    c = rcast.cast
    load_movement(pack_file("movement.json"), organisation=c.root)  # its phases
    rows: list[tuple[OrgUnit, list[int | None]]] = [
        (c.pa, [78, 80, 81, 81]),
        (c.pc, [70, 70, 70, 70]),
        (c.pb1, [95, 95, 95, None]),
    ]
    for unit, totals in rows:
        for year, total in zip(range(2022, 2026), totals, strict=True):
            if total is not None:
                Assessment.objects.create(
                    unit=unit, year=year, rubric=rubric, status="final", total=Decimal(total)
                )
    Assessment.objects.create(
        unit=c.regional, year=2025, rubric=rubric, status="final", total=Decimal(99)
    )
    return rcast


def test_it_lists_the_best_units_still_open_and_links_the_proposal(
    client: Client, phase: ReportingCast
) -> None:
    c = phase.cast
    client.force_login(phase.top_reviewer)
    page = client.get(URL, {"phase": "2022-2025"}).content.decode()
    table = page[page.index('data-testid="thematic"') :]
    assert table.index('data-unit="PA"') < table.index('data-unit="PC"')  # 80,00 before 70,00
    assert "80,00" in table and "70,00" in table
    assert 'data-unit="PB-1"' not in table  # closed before the review
    assert 'data-unit="PA-R1"' not in table  # one year of the phase only
    link = f"unit={c.root.pk}&year=2025&title=BK_VKSTC_TT&nominee=u:{c.pa.pk}"
    assert link in table
    form = client.get(
        "/awards/proposals/new/",
        {"unit": str(c.root.pk), "year": "2025", "title": "BK_VKSTC_TT", "nominee": f"u:{c.pa.pk}"},
    )
    assert form.status_code == 200 and f'value="u:{c.pa.pk}"' in form.content.decode()


def test_it_shows_an_outsider_nothing_and_refuses_other_methods(
    client: Client, phase: ReportingCast
) -> None:
    client.force_login(phase.cast.outsider)
    page = client.get(URL).content.decode()
    assert 'data-unit="PA"' not in page and 'data-unit="PC"' not in page
    assert client.post(URL).status_code == 405
    client.force_login(phase.cast.reporter)  # sees PA-R1's line, proposes nothing above it
    assert "propose-" not in client.get(URL).content.decode()
