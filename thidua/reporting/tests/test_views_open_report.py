"""The "open a report" form offers only the periods its chosen form is filled for, and the
server refuses any other; every upload form shows its file input in the page's language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from thidua.reporting.models import Period, Report
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


def _period_options(html: str) -> list[str]:
    select = re.search(r'<select[^>]*id="id_period"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="(\d+)">', select.group(1))


def _kinds(pks: list[str]) -> set[str]:
    return set(Period.objects.filter(pk__in=pks).values_list("kind", flat=True))


def test_it_offers_the_periods_of_the_first_form_only(client: Client, rcast: ReportingCast) -> None:
    client.force_login(rcast.cast.reporter)
    html = client.get("/reports/").content.decode()
    first = re.search(r'id="id_form"[^>]*>\s*<option value="(\d+)"', html)
    assert first is not None and first.group(1) == str(rcast.annual.pk)  # test-nam sorts first
    options = _period_options(html)
    assert options and _kinds(options) == {"year"}


def test_it_swaps_the_periods_when_the_form_changes(client: Client, rcast: ReportingCast) -> None:
    client.force_login(rcast.cast.reporter)
    response = client.get("/reports/open/periods/", {"form": rcast.form.pk}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    pks = re.findall(r'<option value="(\d+)">', body)
    assert _kinds(pks) == {"quarter"}
    assert str(rcast.q3_2025.pk) in pks
    assert f'<option value="{rcast.q3_2025.pk}">Quý 3/2025</option>' in body


def test_the_list_asks_for_the_periods_on_load_too(client: Client, rcast: ReportingCast) -> None:
    """A browser restores the chosen form on "back", and a quick hand can choose a form before
    the page's script runs: the periods are asked again once the page is ready."""
    client.force_login(rcast.cast.reporter)
    html = client.get("/reports/").content.decode()
    select = re.search(r'<select[^>]*id="id_form"[^>]*>', html)
    assert select is not None
    assert 'hx-trigger="load, change"' in select.group(0)
    assert 'hx-include="#id_period"' in select.group(0)


def test_the_chosen_period_stays_chosen_when_the_form_has_it(
    client: Client, rcast: ReportingCast
) -> None:
    client.force_login(rcast.cast.reporter)
    kept = client.get(
        "/reports/open/periods/", {"form": rcast.form.pk, "period": rcast.q3_2025.pk}
    ).content.decode()
    assert f'<option value="{rcast.q3_2025.pk}" selected>Quý 3/2025</option>' in kept
    assert kept.count(" selected") == 1
    year = _period_options(client.get("/reports/").content.decode())[0]
    other = client.get(
        "/reports/open/periods/", {"form": str(rcast.form.pk), "period": str(year)}
    ).content.decode()
    assert " selected" not in other  # a year is not a quarter: the first quarter is offered


@pytest.mark.parametrize("form", ["999999", "x", ""])
def test_it_offers_nothing_for_an_unknown_form(
    client: Client, rcast: ReportingCast, form: str
) -> None:
    client.force_login(rcast.cast.reporter)
    response = client.get("/reports/open/periods/", {"form": form})
    assert response.status_code == 200
    assert "<option" not in response.content.decode()


def test_it_refuses_a_period_of_another_kind(client: Client, rcast: ReportingCast) -> None:
    client.force_login(rcast.cast.reporter)
    response = client.post(
        "/reports/open/",
        {"unit": rcast.cast.regional.pk, "form": rcast.form.pk, "period": rcast.year_2026.pk},
        follow=True,
    )
    assert not Report.objects.exists()
    assert "Mẫu test-quy" in response.content.decode()  # says which form, not a code


def test_it_refuses_a_period_before_the_form_existed(client: Client, rcast: ReportingCast) -> None:
    rcast.form.valid_from = dt.date(2026, 1, 1)
    rcast.form.save()
    client.force_login(rcast.cast.reporter)
    response = client.post(
        "/reports/open/",
        {"unit": rcast.cast.regional.pk, "form": rcast.form.pk, "period": rcast.q3_2025.pk},
        follow=True,
    )
    assert not Report.objects.exists()
    assert "Quý 3/2025" in response.content.decode()
    html = client.get("/reports/open/periods/", {"form": rcast.form.pk}).content.decode()
    assert "2025" not in html


def test_every_upload_form_shows_its_file_input_in_vietnamese(
    client: Client, rcast: ReportingCast
) -> None:
    client.force_login(rcast.cast.reporter)
    report = client.post(
        "/reports/open/",
        {"unit": rcast.cast.regional.pk, "form": rcast.form.pk, "period": rcast.q3_2025.pk},
    )
    pages = [
        (rcast.cast.reporter, report["Location"]),
        (rcast.cast.reporter, "/reports/excel/upload/"),
        (rcast.cast.admin, "/org/io/"),
    ]
    for user, url in pages:
        client.force_login(user)
        html = client.get(url).content.decode()
        inputs = re.findall(r'<input[^>]*type="file"[^>]*>', html)
        assert inputs, url
        assert all('class="file-picker-input"' in i for i in inputs), url
        assert html.count("Chọn tệp") >= len(inputs) and "Chưa chọn tệp" in html, url
