import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from thidua.org.actions import assign_position, save_person
from thidua.org.models import Person
from thidua.reporting import actions
from thidua.reporting.models import Attachment, Report
from thidua.reporting.testing import ReportingCast
from thidua.testing import MERGER

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(rcast: ReportingCast) -> Report:
    return actions.open_report(
        rcast.cast.regional, rcast.form, rcast.q3_2025, by=rcast.cast.reporter
    )


def test_it_opens_a_report_from_the_list(client: Client, rcast: ReportingCast) -> None:
    client.force_login(rcast.cast.reporter)
    assert client.get("/reports/").status_code == 200
    response = client.post(
        "/reports/open/",
        {"unit": rcast.cast.regional.pk, "form": rcast.form.pk, "period": rcast.q3_2025.pk},
    )
    report = Report.objects.get()
    assert response["Location"] == f"/reports/{report.pk}/"


def test_it_refuses_opening_for_a_unit_out_of_scope(client: Client, rcast: ReportingCast) -> None:
    client.force_login(rcast.cast.outsider)
    response = client.post(
        "/reports/open/",
        {"unit": rcast.cast.regional.pk, "form": rcast.form.pk, "period": rcast.q3_2025.pk},
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_it_shows_the_grid_and_saves_a_cell_over_htmx(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    client.force_login(rcast.cast.reporter)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'data-testid="cell-SAV_CONF"' in page
    ind = rcast.indicators["SAV_CONF"]
    response = client.post(
        f"/reports/{report.pk}/cells/{ind.pk}/",
        {"value": "1.234.567,5", "version": "0", "comment": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "1.234.567,5" in body
    assert "<html" not in body
    assert str(report.values.get(indicator=ind).value) == "1234567.500000"


def test_it_answers_409_with_the_newer_value(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    ind = rcast.indicators["SAV_CONF"]
    actions.save_value(report, ind, "10", by=rcast.head, expected_version=0)
    client.force_login(rcast.cast.reporter)
    response = client.post(
        f"/reports/{report.pk}/cells/{ind.pk}/",
        {"value": "99", "version": "0", "comment": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "(giá trị hiện tại: 10, do head lưu)" in body
    assert 'name="value"' not in body  # the input with what the user typed stays as it is
    assert 'id="version-' in body and 'value="1"' in body  # "keep mine" saves over version 1
    assert report.values.get(indicator=ind).value == 10


def test_it_keeps_bad_text_and_explains(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    ind = rcast.indicators["SAV_CONF"]
    client.force_login(rcast.cast.reporter)
    response = client.post(
        f"/reports/{report.pk}/cells/{ind.pk}/",
        {"value": "mười hai", "version": "0", "comment": ""},
    )
    body = response.content.decode()
    assert "không phải là số" in body or "is not a number" in body
    assert 'name="value"' not in body  # the input, with the text typed, is left as it is
    assert 'data-state="error"' in body
    assert not report.values.exists()


def test_it_hides_the_report_from_outsiders(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    client.force_login(rcast.cast.outsider)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    ind = rcast.indicators["SAV_CONF"]
    assert (
        client.post(
            f"/reports/{report.pk}/cells/{ind.pk}/", {"value": "1", "version": "0"}
        ).status_code
        == 404
    )


def test_it_lets_a_supervisor_read_but_not_write(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    client.force_login(rcast.cast.supervisor)
    assert client.get(f"/reports/{report.pk}/").status_code == 200
    ind = rcast.indicators["SAV_CONF"]
    assert (
        client.post(
            f"/reports/{report.pk}/cells/{ind.pk}/", {"value": "1", "version": "0"}
        ).status_code
        == 404
    )
    assert client.post(f"/reports/{report.pk}/transition/approve/").status_code == 404


def test_it_runs_transitions_from_the_page(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    client.force_login(rcast.cast.reporter)
    assert client.post(f"/reports/{report.pk}/transition/submit/").status_code == 404
    client.force_login(rcast.head)
    client.post(f"/reports/{report.pk}/transition/submit/", {"confirmed": "1"})
    client.force_login(rcast.cast.reviewer)
    client.post(f"/reports/{report.pk}/transition/return/", {"reason": ""})
    assert Report.objects.get(pk=report.pk).status == "submitted"  # a reason is required
    client.post(f"/reports/{report.pk}/transition/approve/")
    assert Report.objects.get(pk=report.pk).status == "approved"
    assert client.get(f"/reports/{report.pk}/transition/approve/").status_code == 405


def test_it_sniffs_evidence_files(
    client: Client, rcast: ReportingCast, report: Report, settings: object
) -> None:
    client.force_login(rcast.cast.reporter)
    fake = SimpleUploadedFile("hoa-don.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    client.post(f"/reports/{report.pk}/attachments/", {"file": fake})
    assert not Attachment.objects.exists()
    real = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "text/plain")
    client.post(f"/reports/{report.pk}/attachments/", {"file": real})
    item = Attachment.objects.get()
    assert item.content_type == "image/png"
    download = client.get(f"/reports/{report.pk}/attachments/{item.pk}/")
    assert download.status_code == 200


def test_it_shows_the_completeness_board(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    client.force_login(rcast.cast.reviewer)
    page = client.get(
        f"/reports/completeness/?form={rcast.form.pk}&period={rcast.q3_2025.pk}"
        f"&unit={rcast.cast.pa.pk}"
    ).content.decode()
    assert 'data-unit="PA-R1" data-state="draft" data-overdue="1"' in page  # after the deadline
    assert 'data-unit="PA" data-state="missing" data-overdue="1"' in page  # never opened


def test_it_consolidates_narratives_up_the_tree(client: Client, rcast: ReportingCast) -> None:
    c = rcast.cast
    child = actions.open_report(c.regional, rcast.annual, rcast.year_2026, by=c.reporter)
    part = rcast.annual.narrative_parts.get()
    actions.save_narrative(
        child,
        part.pk,
        "Đã ban hành chương trình THTK-CLP năm 2026.",
        by=c.reporter,
        expected_version=0,
    )
    parent = actions.open_report(c.pa, rcast.annual, rcast.year_2026, by=c.reviewer)
    client.force_login(c.reviewer)
    page = client.get(f"/reports/{parent.pk}/").content.decode()
    assert 'data-testid="narratives-below"' in page
    assert "Đã ban hành chương trình THTK-CLP năm 2026." in page
    assert "Khu vực 1" in page


def test_it_lets_the_top_reopen_what_it_accepted(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    c = rcast.cast
    actions.submit_report(report, by=rcast.head)
    actions.approve_report(report, by=c.reviewer)
    actions.accept_report(report, by=rcast.top_reviewer)
    client.force_login(rcast.top_reviewer)
    assert 'data-testid="return-form"' in client.get(f"/reports/{report.pk}/").content.decode()
    client.post(f"/reports/{report.pk}/transition/reopen/", {"reason": "Kiểm tra lại số liệu"})
    assert Report.objects.get(pk=report.pk).status == "returned"


def test_it_refuses_evidence_on_a_locked_report(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    actions.submit_report(report, by=rcast.head)
    client.force_login(rcast.cast.reporter)
    png = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
    assert client.post(f"/reports/{report.pk}/attachments/", {"file": png}).status_code == 404
    assert not Attachment.objects.exists()


def test_it_updates_derived_rows_and_checks_when_a_cell_saves(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    """Point 10: without a reload, the save answers the cell's "Saved" mark, the derived
    figures and every row's findings, swapped out of band; never the row with its inputs."""
    actions.save_value(
        report, rcast.indicators["EST_RECURRENT"], "1.200", by=rcast.head, expected_version=0
    )
    client.force_login(rcast.cast.reporter)
    settle = rcast.indicators["SETTLE_RECURRENT"]
    response = client.post(
        f"/reports/{report.pk}/cells/{settle.pk}/",
        {"value": "1.350,5", "version": "0", "comment": ""},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith(f'<span id="state-{settle.pk}"')
    assert 'data-state="saved"' in body and 'data-value="1.350,5"' in body
    assert 'data-testid="saved"' in body and "Đã lưu" in body
    rate = rcast.indicators["SAVING_RATE_RECURRENT"]
    assert (
        f'<span id="value-{rate.pk}" data-testid="value-SAVING_RATE_RECURRENT" '
        'hx-swap-oob="true">-12,54</span>'
    ) in body
    assert f'<div id="findings-{settle.pk}" hx-swap-oob="true"><div class="small text-danger">' in (
        body
    )
    assert '<div id="checks" hx-swap-oob="true"><div class="alert' in body
    assert 'name="value"' not in body and "cell-comment" not in body  # focus and typing stay


def test_it_refuses_a_dot_that_is_not_a_thousands_separator(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    client.force_login(rcast.cast.reporter)
    ind = rcast.indicators["EST_RECURRENT"]
    response = client.post(
        f"/reports/{report.pk}/cells/{ind.pk}/",
        {"value": "1.5", "version": "0", "comment": ""},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert 'data-state="error"' in body
    assert "“1.5”" in body and "1,5" in body
    assert not report.values.exists()


def test_it_asks_to_confirm_a_submission_listing_empty_cells_and_warnings(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    for code, text in (("EST_RECURRENT", "1.200"), ("SETTLE_RECURRENT", "1.100")):
        actions.save_value(report, rcast.indicators[code], text, by=rcast.head, expected_version=0)
    client.force_login(rcast.head)
    unconfirmed = client.post(f"/reports/{report.pk}/transition/submit/")
    assert unconfirmed["Location"] == f"/reports/{report.pk}/?confirm=submit#confirm"
    assert Report.objects.get(pk=report.pk).status == "draft"
    fragment = client.get(
        f"/reports/{report.pk}/", {"confirm": "submit"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert fragment.startswith('<div class="card border-danger')
    assert rcast.cast.pa.name in fragment  # where it goes
    assert 'data-testid="confirm-empty"' in fragment
    for code in ("CONF_SPEND", "SAV_CONF", "INV_PLAN", "INV_DISBURSED", "STAFF_ACTUAL"):
        assert rcast.indicators[code].name in fragment
    assert rcast.indicators["EST_RECURRENT"].name not in fragment  # filled
    assert rcast.indicators["SAVING_RATE_RECURRENT"].name not in fragment  # computed
    assert 'name="confirmed" value="1"' in fragment
    page = client.get(f"/reports/{report.pk}/", {"confirm": "submit"}).content.decode()
    assert 'data-testid="submit-confirm"' in page and "<html" in page  # scripts off
    client.post(f"/reports/{report.pk}/transition/submit/", {"confirmed": "1"})
    assert Report.objects.get(pk=report.pk).status == "submitted"
    client.force_login(rcast.cast.reporter)  # not the head: no confirmation to see
    assert (
        'data-testid="submit-confirm"'
        not in client.get(f"/reports/{report.pk}/", {"confirm": "submit"}).content.decode()
    )


def test_it_lets_the_head_withdraw_from_the_page(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    actions.submit_report(report, by=rcast.head)
    client.force_login(rcast.cast.reporter)
    assert 'data-testid="withdraw"' not in client.get(f"/reports/{report.pk}/").content.decode()
    assert client.post(f"/reports/{report.pk}/transition/withdraw/").status_code == 404
    client.force_login(rcast.head)
    assert 'data-testid="withdraw"' in client.get(f"/reports/{report.pk}/").content.decode()
    client.post(f"/reports/{report.pk}/transition/withdraw/")
    assert Report.objects.get(pk=report.pk).status == "draft"
    assert 'data-testid="withdraw"' not in client.get(f"/reports/{report.pk}/").content.decode()


def test_it_shows_people_formulas_and_changes_by_name_not_by_code(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    person = save_person(Person(code="CB000042", full_name="Nguyễn Thị Hoa"))
    assign_position(person, rcast.cast.regional, "Viện trưởng", day=MERGER)
    rcast.head.person = person
    rcast.head.save()
    client.force_login(rcast.cast.reporter)
    ind = rcast.indicators["SAV_CONF"]
    client.post(f"/reports/{report.pk}/cells/{ind.pk}/", {"value": "12", "version": "0"})
    client.force_login(rcast.head)
    client.post(f"/reports/{report.pk}/transition/submit/", {"confirmed": "1"})
    with translation.override("vi"):
        page = client.get(f"/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    history = page[page.index('data-testid="transitions"') :]
    assert "Nguyễn Thị Hoa (Viện trưởng, Khu vực 1)" in history
    assert "· head ·" not in history and "· reporter ·" not in history
    assert "Cán bộ nhập liệu, Khu vực 1" in history  # a login with no staff record: its role
    assert "reporting.value.set" not in history and "sửa số liệu" in history
    assert "SAV_CONF" not in history and ind.name in history
    assert "(EST_RECURRENT - SETTLE_RECURRENT)" not in page
    assert "(Dự toán chi thường xuyên được giao − Quyết toán chi thường xuyên)" in page


def test_it_says_submitted_late_for_a_late_report_that_came_in_and_overdue_for_one_that_did_not(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    client.force_login(rcast.cast.reporter)
    with translation.override("vi"):
        missing = client.get(f"/reports/{report.pk}/").content.decode()
        assert 'data-late="overdue">quá hạn<' in missing  # Q3/2025 is long past its deadline
        actions.submit_report(report, by=rcast.head)
        actions.approve_report(report, by=rcast.cast.reviewer)
        page = client.get(f"/reports/{report.pk}/").content.decode()
        listing = client.get("/reports/").content.decode()
    for body in (page, listing):
        assert 'data-late="submitted">nộp muộn<' in body
        assert "quá hạn" not in body


def test_it_says_what_happened_and_to_whom(
    client: Client, rcast: ReportingCast, report: Report
) -> None:
    client.force_login(rcast.head)
    with translation.override("vi"):
        sent = client.post(
            f"/reports/{report.pk}/transition/submit/", {"confirmed": "1"}, follow=True
        )
        assert "Đã gửi báo cáo lên Tỉnh Hà Giang." in sent.content.decode()
        back_to_draft = client.post(f"/reports/{report.pk}/transition/withdraw/", follow=True)
        assert "Đã rút báo cáo của Khu vực 1 về để sửa." in back_to_draft.content.decode()
        client.post(f"/reports/{report.pk}/transition/submit/", {"confirmed": "1"})
        client.force_login(rcast.cast.reviewer)
        back = client.post(
            f"/reports/{report.pk}/transition/return/", {"reason": "Thiếu số liệu"}, follow=True
        )
        assert "Đã trả lại báo cáo cho Khu vực 1 để sửa." in back.content.decode()
        assert "Đã thực hiện" not in back.content.decode()
