"""The administrator's report forms: the list, a form's structure and rules in words, editing
what a body may change (levels, closing day, name, legal basis) without orphaning filed
reports, and the validation rules (edit, switch off from a date, add one that compiles)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from thidua.audit.models import AuditEvent
from thidua.lib.dates import OPEN_END
from thidua.reporting import actions
from thidua.reporting.models import ValidationRule
from thidua.reporting.testing import ReportingCast

FORMS = "/reports/reference/forms/"
RULES = "/reports/reference/rules/"


@pytest.fixture
def client(client: Client) -> Iterator[Client]:
    client.cookies["thidua_language"] = "en"
    yield client
    translation.activate(settings.LANGUAGE_CODE)  # the request left English active


def _levels(rcast: ReportingCast, *codes: str) -> list[str]:
    return [str(rcast.cast.levels[c].pk) for c in codes]


def test_other_roles_get_403(client: Client, rcast: ReportingCast) -> None:
    client.force_login(rcast.cast.reporter)
    form = rcast.form
    rule = ValidationRule.objects.get(code="SETTLE_LE_EST")
    for url in (FORMS, f"{FORMS}{form.pk}/", f"{FORMS}{form.pk}/edit/", f"{RULES}{rule.pk}/"):
        assert client.get(url).status_code == 403, url
    data = {"severity": "warning", "message_vi": "x", "message_en": "x"}
    assert client.post(f"{RULES}{rule.pk}/", data).status_code == 403
    assert client.post(f"{FORMS}{form.pk}/rules/new/", data).status_code == 403
    rule.refresh_from_db()
    assert rule.severity == "blocking"
    assert not ValidationRule.objects.filter(form=form).exists()


def test_the_list_and_the_form_page_speak_in_names(client: Client, rcast: ReportingCast) -> None:
    client.force_login(rcast.cast.admin)
    page = client.get(FORMS).content.decode()
    assert "Mẫu test-quy" in page and "Quarter" in page and "Cấp tỉnh" in page
    assert "shared by every body of this install" in page
    page = client.get(f"{FORMS}{rcast.form.pk}/").content.decode()
    assert "Recurrent spending settled" in page and "million VND" in page
    # The rule SETTLE_RECURRENT <= EST_RECURRENT, in words, without its codes.
    assert "Recurrent spending settled ≤ Recurrent spending estimate (allocated)" in page
    assert "SETTLE_RECURRENT" not in page and "SETTLE_LE_EST" not in page
    assert client.get(f"{FORMS}99999/").status_code == 404
    index = client.get("/council/reference/").content.decode()
    assert 'data-testid="section-forms"' in index


def test_edit_the_form_without_orphaning_reports(client: Client, rcast: ReportingCast) -> None:
    cast, form = rcast.cast, rcast.form
    client.force_login(cast.admin)
    actions.open_report(cast.regional, form, rcast.q3_2025, by=cast.reporter)  # a regional level
    base = {"name": "Mẫu quý (sửa)", "legal_basis": "Thông tư 1/2026"}
    # Dropping the regional level, which filed a report, is refused and nothing changes.
    page = client.post(
        f"{FORMS}{form.pk}/edit/", {**base, "levels": _levels(rcast, "top", "province")}
    )
    assert page.status_code == 400 and "Khu vực" in page.content.decode()
    form.refresh_from_db()
    assert form.name == "Mẫu test-quy" and form.levels.count() == 4
    # Closing the form before the filed period ends is refused.
    levels = _levels(rcast, "top", "province", "regional")
    page = client.post(
        f"{FORMS}{form.pk}/edit/", {**base, "levels": levels, "valid_to": "01/09/2025"}
    )
    assert page.status_code == 400 and "30/09/2025" in page.content.decode()
    # Dropping the district level (no report) and closing from 01/01/2026 is accepted.
    page = client.post(
        f"{FORMS}{form.pk}/edit/", {**base, "levels": levels, "valid_to": "01/01/2026"}
    )
    assert page.status_code == 302
    form.refresh_from_db()
    assert (form.name, form.legal_basis, form.valid_to) == (
        "Mẫu quý (sửa)",
        "Thông tư 1/2026",
        dt.date(2026, 1, 1),
    )
    assert {lv.code for lv in form.levels.all()} == {"top", "province", "regional"}
    event = AuditEvent.objects.get(action="reporting.form.update")
    assert event.object_id == str(form.pk)
    assert event.before is not None and event.after is not None
    assert event.before["levels"] != event.after["levels"]


def test_edit_switch_off_and_add_rules(client: Client, rcast: ReportingCast) -> None:
    client.force_login(rcast.cast.admin)
    form = rcast.form
    rule = ValidationRule.objects.get(code="SETTLE_LE_EST")
    data = {
        "severity": "warning",
        "message_vi": "Quyết toán ({left}) vượt dự toán ({right}).",
        "message_en": "Settled ({left}) above the estimate ({right}).",
        "legal_basis": "Thông tư 129/2017",
        "valid_to": "01/01/2027",
    }
    assert client.post(f"{RULES}{rule.pk}/", data).status_code == 302
    rule.refresh_from_db()
    assert (rule.severity, rule.valid_to, rule.waivable_by_comment) == (
        "warning",
        dt.date(2027, 1, 1),
        False,
    )
    assert rule.left == "SETTLE_RECURRENT"  # the comparison itself stays
    # A placeholder the checker does not know is refused.
    bad = {**data, "message_en": "Settled {total}."}
    page = client.post(f"{RULES}{rule.pk}/", bad)
    assert page.status_code == 400 and "{total}" in page.content.decode()
    # A new rule of the form, in the form's codes.
    new = {
        "left": "INV_DISBURSED",
        "operator": "<=",
        "right": "INV_PLAN * 1.1",
        "valid_from": "01/01/2026",
        "severity": "blocking",
        "message_vi": "Giải ngân ({left}) vượt kế hoạch ({right}).",
        "message_en": "Disbursed ({left}) above the plan ({right}).",
        "waivable_by_comment": "on",
    }
    assert client.post(f"{FORMS}{form.pk}/rules/new/", new).status_code == 302
    added = ValidationRule.objects.get(form=form)
    assert (added.right, added.valid_from, added.valid_to) == (
        "INV_PLAN * 1.1",
        dt.date(2026, 1, 1),
        OPEN_END,
    )
    text = client.get(f"{FORMS}{form.pk}/").content.decode()
    assert "Public investment disbursed ≤ Public-investment plan allocated × 1.1" in text
    assert set(
        AuditEvent.objects.filter(object_type="reporting.validationrule").values_list(
            "action", flat=True
        )
    ) == {"reporting.rule.update", "reporting.rule.create"}


@pytest.mark.parametrize(
    ("left", "right", "says"),
    [
        ("INV_DISBURSED", "INV_PLAN *", "Right side: The formula is not well formed."),
        ("__import__('os')", "1", "Left side:"),
        ("INV_DISBURSED", "ELECTRICITY_KWH", "not indicators of this form: ELECTRICITY_KWH"),
        ("prev(NO_SUCH)", "0", "not indicators of this form: NO_SUCH"),
    ],
)
def test_a_rule_that_does_not_compile_is_refused(
    client: Client, rcast: ReportingCast, left: str, right: str, says: str
) -> None:
    client.force_login(rcast.cast.admin)
    new = {
        "left": left,
        "operator": "<=",
        "right": right,
        "valid_from": "01/01/2026",
        "severity": "blocking",
        "message_vi": "Sai.",
        "message_en": "Wrong.",
    }
    page = client.post(f"{FORMS}{rcast.form.pk}/rules/new/", new)
    assert page.status_code == 400
    assert says in page.content.decode()
    assert not ValidationRule.objects.filter(form=rcast.form).exists()
    assert not AuditEvent.objects.filter(action="reporting.rule.create").exists()


def test_the_edit_pages_open_with_the_current_values(client: Client, rcast: ReportingCast) -> None:
    client.force_login(rcast.cast.admin)
    form = rcast.form
    page = client.get(f"{FORMS}{form.pk}/edit/").content.decode()
    assert 'value="Mẫu test-quy"' in page and "Khu vực" in page and "checked" in page
    page = client.get(f"{FORMS}{form.pk}/rules/new/").content.decode()
    # The codes to write with, each beside its indicator's name.
    assert "INV_PLAN" in page and "Public-investment plan allocated" in page
    rule = ValidationRule.objects.get(code="SETTLE_LE_EST")
    page = client.get(f"{RULES}{rule.pk}/").content.decode()
    assert "Recurrent spending settled ≤ Recurrent spending estimate (allocated)" in page
    assert "This rule applies to every form." in page
    assert client.get(f"{RULES}99999/").status_code == 404
    # A rule of every form goes back to the list of forms once saved.
    data = {"severity": "blocking", "message_vi": "Sai.", "message_en": "Wrong."}
    response = client.post(f"{RULES}{rule.pk}/", data)
    assert response.status_code == 302 and response["Location"] == FORMS
    # Switching a rule off on or before the day it starts is refused.
    early = {**data, "valid_to": "01/11/2014"}
    page = client.post(f"{RULES}{rule.pk}/", early).content.decode()
    assert "it can only be switched off after that day" in page
    rule.refresh_from_db()
    assert rule.valid_to == OPEN_END
