"""The unit's entry page, the supervisor's queue with its export, and a finding's triage."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
from django.test import Client
from django.urls import reverse

from thidua.oversight import actions
from thidua.oversight.models import Finding, FindingState, ProcurementPackage, TravelClaim
from thidua.testing import Cast

D = dt.date


def login(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def travel_post(**kw: str) -> dict[str, str]:
    data = {
        "kind": "travel",
        "t-person": "Trần Thị B",
        "t-start": "02/03/2026",
        "t-end": "04/03/2026",
        "t-destination": "town",
        "t-allowance_paid": "1.350.000",
        "t-lodging_mode": "lump_sum",
        "t-lodging_paid": "",
        "t-transport_paid": "",
    }
    return data | kw


def test_the_unit_enters_a_claim_and_sees_the_finding(client: Client, cast: Cast) -> None:
    url = reverse("oversight:unit_year", args=[cast.regional.pk, 2026])
    response = login(client, cast.reporter).post(url, travel_post())
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "450.000" in page and "Thông tư 12/2025/TT-BTC" in page
    assert TravelClaim.objects.count() == 1


def test_a_bad_claim_is_refused_naming_the_field(client: Client, cast: Cast) -> None:
    url = reverse("oversight:unit_year", args=[cast.regional.pk, 2026])
    login(client, cast.reporter)
    response = client.post(url, travel_post(**{"t-end": "01/03/2026"}))
    assert response.status_code == 200
    assert 'data-testid="error-end"' in response.content.decode()
    response = client.post(url, travel_post(**{"t-allowance_paid": "-5"}))
    assert 'data-testid="error-allowance_paid"' in response.content.decode()
    assert not TravelClaim.objects.exists()


def test_the_outsider_gets_404_and_the_supervisor_cannot_enter(client: Client, cast: Cast) -> None:
    url = reverse("oversight:unit_year", args=[cast.regional.pk, 2026])
    assert login(client, cast.outsider).get(url).status_code == 404
    login(client, cast.supervisor)
    assert client.get(url).status_code == 200
    assert client.post(url, travel_post()).status_code == 404


def _split(cast: Cast) -> Finding:
    for day in (D(2026, 3, 1), D(2026, 3, 10), D(2026, 3, 20)):
        p = ProcurementPackage(
            unit=cast.regional,
            year=2026,
            item="Bàn ghế",
            category="goods",
            method="direct",
            estimate=Decimal(200_000_000),
            award_price=Decimal(200_000_000),
            bidders=1,
            award_date=day,
        )
        actions.save_record(p, by=cast.reporter)
    return Finding.objects.get(rule="SPLIT")


def test_the_supervisor_filters_the_queue_and_exports_it(client: Client, cast: Cast) -> None:
    _split(cast)
    login(client, cast.supervisor)
    page = client.get(reverse("oversight:queue"), {"rule": "SPLIT"}).content.decode()
    assert "Chia nhỏ gói thầu" in page or "Purchase splitting" in page
    assert "600.000.000" in page
    empty = client.get(reverse("oversight:queue"), {"rule": "SINGLE_BIDDER"}).content.decode()
    assert 'data-rule="SPLIT"' not in empty
    response = client.get(reverse("oversight:queue"), {"export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == cast.regional.name
    assert (
        login(client, cast.outsider).get(reverse("oversight:queue")).content.count(b'data-rule="')
        == 0
    )


def test_the_supervisor_asks_and_confirms_and_the_unit_explains(client: Client, cast: Cast) -> None:
    f = _split(cast)
    move = "oversight:move"
    login(client, cast.supervisor)
    client.post(reverse(move, args=[f.pk, "review"]), {"deadline": "15/04/2026", "reason": "?"})
    f.refresh_from_db()
    assert (f.status, f.deadline) == (FindingState.REVIEW, D(2026, 4, 15))
    # The supervisor cannot answer for the unit; the unit cannot confirm.
    assert client.post(reverse(move, args=[f.pk, "explained"]), {"reason": "x"}).status_code == 404
    login(client, cast.reporter)
    assert client.post(reverse(move, args=[f.pk, "confirmed"]), {"reason": "x"}).status_code == 404
    client.post(reverse(move, args=[f.pk, "explained"]), {"reason": "Mua theo nhu cầu phát sinh"})
    login(client, cast.supervisor)
    client.post(reverse(move, args=[f.pk, "dismissed"]), {"reason": ""})
    f.refresh_from_db()
    assert f.status == FindingState.EXPLAINED
    client.post(reverse(move, args=[f.pk, "confirmed"]), {"reason": "Chia nhỏ gói thầu"})
    f.refresh_from_db()
    assert f.status == FindingState.CONFIRMED
    page = client.get(reverse("oversight:finding", args=[f.pk])).content.decode()
    assert "Mua theo nhu cầu phát sinh" in page and 'data-testid="confirm"' not in page
    assert (
        login(client, cast.outsider).get(reverse("oversight:finding", args=[f.pk])).status_code
        == 404
    )
