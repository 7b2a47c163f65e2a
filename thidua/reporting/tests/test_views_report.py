import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from thidua.reporting import actions
from thidua.reporting.models import Attachment, Report
from thidua.reporting.testing import ReportingCast

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
    assert "10" in body
    assert 'value="99"' in body  # what the user typed is kept
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
    assert 'value="mười hai"' in body
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
    client.post(f"/reports/{report.pk}/transition/submit/")
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
    assert 'data-unit="PA-R1" data-state="late"' in page  # draft after the deadline
    assert 'data-unit="PA" data-state="late"' in page  # never opened, past the deadline


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
