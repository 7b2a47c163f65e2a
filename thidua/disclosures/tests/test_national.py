"""Issue 12 points 1–2: publicity deadlines as data (5 working days), the publication
schedule (publish automatically when final, idempotent), and the national THTK-CLP database
packages (Art. 37 content, Decree 30/2020 .pdf, manifest with hashes; 7 working days)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from thidua.council.models import Holiday
from thidua.disclosures import deadlines, issued, national, schedule, views_national
from thidua.disclosures.models import LogLeaf, NationalSubmission, Publication, PublishSchedule
from thidua.evaluation.models import Programme, Target
from thidua.reporting import actions as reporting
from thidua.reporting.models import Report
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=TZ)


def accepted_report(ecast: ReportingCast, on: dt.date = dt.date(2027, 2, 10)) -> Report:
    """PA-R1's 2026 annual report, with figures and its direction part, accepted on `on`."""
    rc = ecast
    report = reporting.open_report(rc.cast.regional, rc.annual, rc.year_2026, by=rc.cast.reporter)
    reporting.save_value(
        report, rc.indicators["CONF_SPEND"], "1234567,5", by=rc.cast.reporter, expected_version=0
    )
    part = rc.annual.narrative_parts.get()
    reporting.save_narrative(
        report, part.pk, "Ban hành kế hoạch.", by=rc.cast.reporter, expected_version=0
    )
    with mock.patch("thidua.reporting.actions.timezone.now", return_value=at(on)):
        reporting.submit_report(report, by=rc.head)
        reporting.approve_report(report, by=rc.top_reviewer)
        reporting.accept_report(report, by=rc.top_reviewer)
    report.refresh_from_db()
    return report


def approved_programme(ecast: ReportingCast, on: dt.date = dt.date(2026, 12, 15)) -> Programme:
    programme = Programme.objects.create(
        unit=ecast.cast.regional,
        year=2027,
        status=Programme.Status.APPROVED,
        key_tasks="Giảm chi hội nghị.",
        measures="Họp trực tuyến.",
        issued_on=on,
    )
    Target.objects.create(
        programme=programme,
        indicator=ecast.indicators["CONF_SPEND"],
        kind=Target.Kind.PERCENT_CHANGE,
        comparator="<=",
        value="-10",
    )
    return programme


def test_the_rules_are_data_with_their_basis() -> None:
    publish = deadlines.rule_for("annual_report", deadlines.PUBLISH, dt.date(2027, 1, 5))
    national_ = deadlines.rule_for("programme", deadlines.NATIONAL, dt.date(2027, 1, 5))
    assert publish is not None and publish.working_days == 5
    assert national_ is not None and national_.working_days == 7
    assert "266/2026" in publish.legal_basis and publish.confidence == "medium"
    # Before Decree 266/2026 took effect, no rule is in force.
    assert deadlines.rule_for("programme", deadlines.PUBLISH, dt.date(2026, 6, 30)) is None


def test_due_days_count_working_days_and_holidays(ecast: ReportingCast) -> None:
    accepted_report(ecast, on=dt.date(2027, 2, 10))  # a Wednesday
    item = issued.issued_items()[0]
    assert item.kind == "annual_report" and item.issued_on == dt.date(2027, 2, 10)
    calendar = deadlines.Calendar()
    pending = calendar.status(item, deadlines.PUBLISH, None, dt.date(2027, 2, 12))
    assert pending.due == dt.date(2027, 2, 17) and pending.state == "pending"
    Holiday.objects.create(day=dt.date(2027, 2, 15), name="Nghỉ bù")
    calendar = deadlines.Calendar()
    status = calendar.status(item, deadlines.PUBLISH, None, dt.date(2027, 2, 22))
    assert status.due == dt.date(2027, 2, 18)
    assert status.state == "overdue" and status.late_by == 2  # 19/02 and 22/02
    late = calendar.status(item, deadlines.PUBLISH, dt.date(2027, 2, 19), dt.date(2027, 3, 1))
    assert late.state == "late" and late.late_by == 1
    on_time = calendar.status(item, deadlines.PUBLISH, dt.date(2027, 2, 18), dt.date(2027, 3, 1))
    assert on_time.state == "on_time" and not on_time.flagged


def test_a_draft_programme_or_an_unaccepted_report_is_not_issued(ecast: ReportingCast) -> None:
    programme = approved_programme(ecast)
    programme.status = Programme.Status.DRAFT
    programme.save()
    report = reporting.open_report(
        ecast.cast.regional, ecast.annual, ecast.year_2026, by=ecast.cast.reporter
    )
    assert issued.issued_items() == [] and issued.report_item(report) is None


def test_the_schedule_publishes_an_accepted_report_once(ecast: ReportingCast) -> None:
    accepted_report(ecast)
    assert schedule.run() == []  # nothing is automatic by default
    schedule.set_automatic("annual_report", True, by=ecast.cast.secretary)
    made = schedule.run()
    assert [p.kind for p in made] == ["annual_report"]
    leaves = LogLeaf.objects.count()
    assert schedule.run() == [] and LogLeaf.objects.count() == leaves
    content = json.loads(made[0].content)
    art37 = content["report"]["art37"]
    assert art37["a_direction"] == [{"part": "Công tác chỉ đạo", "text": "Ban hành kế hoạch."}]
    figure = next(f for f in art37["b_results"]["figures"] if f["value"] is not None)
    assert figure["value"] == "1234567.5"
    assert content["document"]["doc_type"] == "Báo cáo"


def test_the_schedule_publishes_figures_on_acceptance_and_programmes(
    ecast: ReportingCast,
) -> None:
    from thidua.evaluation.testing import regional_year

    regional_year(ecast, 2026, quarters=1)
    accepted_report(ecast)
    approved_programme(ecast)
    for kind in ("figures", "programme"):
        schedule.set_automatic(kind, True, by=ecast.cast.secretary)
    kinds = sorted(p.kind for p in schedule.run())
    assert kinds == ["figures", "programme"]
    assert schedule.run() == []


def test_the_package_has_content_pdf_and_a_manifest_of_hashes(ecast: ReportingCast) -> None:
    approved_programme(ecast)
    item = issued.issued_items()[0]
    row = national.build(item, by=ecast.cast.secretary)
    archive = zipfile.ZipFile(io.BytesIO(bytes(row.package)))
    names = archive.namelist()
    assert names == ["content.json", "chuong-trinh-thtk-clp-2027.pdf", "manifest.json"]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == "thidua-interim-1"
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
    assert archive.read("chuong-trinh-thtk-clp-2027.pdf").startswith(b"%PDF")
    content = json.loads(archive.read("content.json"))
    assert content["programme"]["targets"][0]["value"] == "-10"
    assert content["unit"] == ecast.cast.regional.name
    assert row.package_sha256 == hashlib.sha256(bytes(row.package)).hexdigest()
    # The same content again: the same row, no new package.
    assert national.build(item, by=ecast.cast.secretary).pk == row.pk
    assert NationalSubmission.objects.count() == 1


def test_sent_overdue_and_receipt(ecast: ReportingCast) -> None:
    approved_programme(ecast, on=dt.date(2027, 1, 4))  # Monday: due 13/01 (7 working days)
    item = issued.issued_items()[0]
    [row] = national.rows(None, dt.date(2027, 1, 14))
    assert row.status.due == dt.date(2027, 1, 13) and row.status.state == "overdue"
    sub = national.build(item, by=ecast.cast.secretary)
    with pytest.raises(ValidationError):
        national.mark_sent(sub, by=ecast.cast.secretary, receipt_ref="  ", channel="manual")
    with mock.patch(
        "thidua.disclosures.national.timezone.now", return_value=at(dt.date(2027, 1, 12))
    ):
        national.mark_sent(sub, by=ecast.cast.secretary, receipt_ref="CSDL-001", channel="manual")
    [row] = national.rows(None, dt.date(2027, 1, 20))
    assert row.status.state == "on_time" and row.sent is not None
    assert row.sent.receipt_ref == "CSDL-001"
    with pytest.raises(ValidationError):
        national.mark_sent(sub, by=ecast.cast.secretary, receipt_ref="X", channel="manual")


def _login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_the_pages_for_the_secretary_only(ecast: ReportingCast) -> None:
    approved_programme(ecast, on=dt.date(2026, 11, 20))  # due 27/11/2026: overdue today
    accepted_report(ecast)
    client = _login(Client(), ecast.cast.reporter)
    for url in ("/public/manage/national/", "/public/manage/on-time/", "/public/manage/schedule/"):
        assert client.get(url).status_code == 404
    assert client.get("/api/v1/national/submissions").status_code == 404
    client = _login(Client(), ecast.cast.secretary)
    page = client.get("/public/manage/on-time/").content.decode()
    assert "Công khai đúng hạn" in page and "quá hạn" in page
    assert "7 ngày làm việc" not in page and "5 ngày làm việc" in page
    client.post("/public/manage/on-time/publish/", {"subject": "programme/nope/2027"})
    assert Publication.objects.count() == 0
    national_page = client.get("/public/manage/national/").content.decode()
    assert "Cơ sở dữ liệu quốc gia về THTK-CLP" in national_page
    assert "chưa công bố" in national_page  # the manual transport is said
    subject = f"programme/{ecast.cast.regional.code}/2027"
    client.post("/public/manage/national/build/", {"subject": subject})
    sub = NationalSubmission.objects.get()
    download = client.get(f"/public/manage/national/{sub.pk}.zip")
    assert download["Content-Type"] == "application/zip"
    assert "chuong-trinh-thtk-clp-nam-2027-khu-vuc-1.zip" in download["Content-Disposition"]
    assert (
        client.post(f"/public/manage/national/{sub.pk}/sent/", {"receipt_ref": ""}).status_code
        == 302
    )
    assert NationalSubmission.objects.get().sent_at is None
    client.post(
        f"/public/manage/national/{sub.pk}/sent/", {"receipt_ref": "BTC-7", "channel": "manual"}
    )
    assert NationalSubmission.objects.get().receipt_ref == "BTC-7"
    api = client.get("/api/v1/national/submissions").json()
    by_kind = {row["kind"]: row for row in api}
    assert by_kind["programme"]["receipt_ref"] == "BTC-7"
    assert by_kind["annual_report"]["state"] in ("overdue", "pending")
    client.post("/public/manage/schedule/", {"automatic": ["decision", "ranking"]})
    assert set(PublishSchedule.objects.filter(automatic=True).values_list("kind", flat=True)) == {
        "decision",
        "ranking",
    }
    assert client.post("/public/manage/schedule/", {"automatic": ["bogus"]}).status_code == 302


def test_a_published_programme_shows_on_the_portal_with_its_pdf(ecast: ReportingCast) -> None:
    from thidua.disclosures import actions

    approved_programme(ecast)
    publication = actions.publish(issued.draft(issued.issued_items()[0]), by="thuky")
    client = Client()
    page = client.get(f"/public/items/{publication.leaf_id}/").content.decode()
    assert "Thực hành tiết kiệm, chống lãng phí năm 2027" in page
    assert "Giảm chi hội nghị." in page and "None" not in page
    pdf = client.get(f"/public/items/{publication.leaf_id}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_late_publicity_shows_on_the_completeness_board(ecast: ReportingCast) -> None:
    """Issue 12 §1: a programme issued 20/11/2026 and not published within 5 working days shows
    on the completeness board of the units above it; the publisher gets the list's link, a
    reviewer only the count; publishing it clears the warning."""
    programme = approved_programme(ecast, on=dt.date(2026, 11, 20))  # due 27/11/2026
    root = ecast.cast.root.pk
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=TZ), tick=False):
        secretary = _login(Client(), ecast.cast.secretary)
        page = secretary.get(f"/reports/completeness/?unit={root}").content.decode()
        assert 'data-testid="publicity-late"' in page
        assert f"/public/manage/on-time/?unit={root}&amp;below=1&amp;state=flagged" in page
        listing = secretary.get(f"/public/manage/on-time/?unit={root}&below=1&state=flagged")
        assert "Giảm chi hội nghị" in listing.content.decode() or str(programme.year) in (
            listing.content.decode()
        )
        assert listing.context["flagged"] == 1
        reviewer = _login(Client(), ecast.top_reviewer)
        page = reviewer.get(f"/reports/completeness/?unit={root}").content.decode()
        assert 'data-testid="publicity-late"' in page and "/public/manage/on-time/" not in page
        from thidua.disclosures import actions

        item = issued.programme_item(programme)
        assert item is not None
        actions.publish(issued.draft(item), by="thuky")
        page = secretary.get(f"/reports/completeness/?unit={root}").content.decode()
        # Published 02/12/2026, after its due day: late, still flagged, until the list is read.
        assert 'data-testid="publicity-late"' in page
    summary = views_national.publicity_summary(
        ecast.cast.secretary, [ecast.cast.regional.pk], ecast.cast.regional.pk, dt.date(2026, 12, 2)
    )
    assert (summary.late, summary.overdue) == (1, 0)


def test_late_publicity_shows_on_the_units_page(ecast: ReportingCast) -> None:
    """Issue 12 §1: the unit's own page says its programme was not published in time."""
    approved_programme(ecast, on=dt.date(2026, 11, 20))  # due 27/11/2026
    unit = ecast.cast.regional.pk
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=TZ), tick=False):
        page = _login(Client(), ecast.cast.secretary).get(f"/org/unit/{unit}/")
        assert page.status_code == 200
        assert 'data-testid="publicity-late"' in page.content.decode()
        assert "Nghị định 266/2026" in page.content.decode()
        other = _login(Client(), ecast.cast.secretary).get(f"/org/unit/{ecast.cast.root.pk}/")
        assert 'data-testid="publicity-late"' not in other.content.decode()
