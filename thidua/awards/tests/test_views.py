"""Every awards page: happy path, wrong method, outsider 404, htmx fragment."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from thidua.audit.models import AuditEvent
from thidua.awards import actions
from thidua.awards.models import (
    Initiative,
    Proposal,
    ProposalEvidence,
    Registration,
    RegistrationItem,
    Title,
)

from .conftest import AwardsCast

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_it_shows_the_catalogue_with_the_amount_and_the_confidence(
    client: Client, acast: AwardsCast
) -> None:
    client.force_login(acast.cast.reporter)
    page = client.get("/awards/catalogue/?on=01/07/2026").content.decode()
    assert "2.530.000" in page  # base salary from 01/07/2026 (medium)
    assert "7.590.000" in page  # CSTĐ ngành: 3.0 × 2,530,000
    assert 'data-confidence="low"' in page
    # the confidence in words, once as a footnote, never "độ tin cậy: Thấp" on every row
    assert "độ tin cậy:" not in page and page.count("căn cứ chưa đối chiếu văn bản gốc") == 1
    assert "≥ 50%" in page or "≥ 90%" in page
    assert "TT 02/2024, Điều 15: dưới 6 tháng công tác" in page  # the rule's note, in Vietnamese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/awards/catalogue/?on=01/07/2026").content.decode()
    assert "TT 02/2024 Art. 15: under 6 months of service" in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    response = client.get("/awards/catalogue/?on=31/02/2025")
    assert response.status_code == 200
    body = response.content.decode()
    assert "không phải là ngày" in body or "is not a date" in body
    assert client.post("/awards/catalogue/").status_code == 405


def test_it_lists_candidates_with_reasons_and_a_fragment_for_htmx(
    client: Client, acast: AwardsCast
) -> None:
    client.force_login(acast.head)
    url = f"/awards/candidates/?year=2025&title=CSTDCS&unit={acast.cast.regional.pk}"
    page = client.get(url).content.decode()
    assert 'data-person="KV000"' in page and 'data-person="KV001"' in page
    assert 'data-person="KV002"' not in page  # HTT without initiative
    assert "Luật 06/2022/QH15 Điều 23" in page
    refused = client.get(url + "&outcome=not_eligible").content.decode()
    assert 'data-reason="needs_htxs_or_initiative"' in refused
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="results"' in fragment and "<html" not in fragment
    assert client.post(url).status_code == 405


def test_it_hides_another_units_candidates_and_people_from_an_outsider(
    client: Client, acast: AwardsCast
) -> None:
    client.force_login(acast.cast.outsider)
    url = f"/awards/candidates/?year=2025&title=LDTT&unit={acast.cast.regional.pk}"
    assert client.get(url).status_code == 404
    assert client.get(f"/awards/people/{acast.people[0].pk}/").status_code == 404
    page = client.get("/awards/candidates/?year=2025&title=LDTT").content.decode()
    assert "KV000" not in page  # the outsider's scope holds none of them


def test_it_explains_a_persons_answers(client: Client, acast: AwardsCast) -> None:
    client.force_login(acast.head)
    url = f"/awards/people/{acast.people[5].pk}/?year=2025"
    page = client.get(url).content.decode()
    assert 'data-reason="discipline_in_year"' in page
    assert "Thông tư 02/2024/TT-VKSTC Điều 15(3)" in page
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="verdicts"' in fragment and "<html" not in fragment
    assert client.post(url).status_code == 405


def test_it_registers_titles_submits_and_the_head_approves(
    client: Client, acast: AwardsCast
) -> None:
    unit = acast.cast.regional
    client.force_login(acast.cast.reporter)
    url = f"/awards/registrations/{unit.pk}/2026/"
    assert "open-registration" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    reg = Registration.objects.get(unit=unit, year=2026)
    items = ["u:TTLDTT", *[f"{p.pk}:LDTT" for p in acast.people], f"{acast.people[0].pk}:CSTDCS"]
    client.post(url, {"item": items})
    assert RegistrationItem.objects.filter(registration=reg).count() == 8
    client.post(f"/awards/registrations/{reg.pk}/move/submitted/")
    # A reporter may not approve
    assert client.post(f"/awards/registrations/{reg.pk}/move/approved/").status_code == 404
    client.force_login(acast.head)
    response = client.post(f"/awards/registrations/{reg.pk}/move/approved/", follow=True)
    # The message says what happened and to whom, not "Done."
    shown = [str(m) for m in response.context["messages"]]
    assert shown[-1] == f"Đã phê duyệt bản đăng ký thi đua năm 2026 của {unit.name}."
    reg.refresh_from_db()
    assert reg.status == "approved" and reg.approved_by == acast.head
    approved = client.get(url).content.decode()  # who approved, by name and role, not login
    assert f"{acast.head.display_label()} đã phê duyệt ngày" in approved
    assert f"by {acast.head.username}<" not in approved
    assert client.put(url).status_code == 405
    # The level above sees the consolidated list
    client.force_login(acast.cast.reviewer)
    page = client.get(f"/awards/registrations/?unit={acast.cast.pa.pk}&year=2026")
    assert f'data-unit="{unit.code}"' in page.content.decode()
    assert 'data-code="CSTDCS">CSTĐCS</th>' in page.content.decode()  # the usual abbreviation
    fragment = client.get(
        f"/awards/registrations/?unit={acast.cast.pa.pk}&year=2026", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="table"' in fragment and "<html" not in fragment
    client.force_login(acast.cast.outsider)
    assert client.get(url).status_code == 404
    assert client.post(f"/awards/registrations/{reg.pk}/move/returned/").status_code == 404


def test_it_refuses_an_ineligible_proposal_with_the_reason(
    client: Client, acast: AwardsCast
) -> None:
    client.force_login(acast.head)
    data = {
        "unit": acast.cast.regional.pk,
        "title": "CSTDCS",
        "year": "2025",
        "nominee": f"p:{acast.people[2].pk}",
    }
    response = client.post("/awards/proposals/new/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Luật 06/2022/QH15 Điều 23" in body
    assert not Proposal.objects.exists()
    # An override by someone who is not the chair is refused too
    response = client.post(
        "/awards/proposals/new/", {**data, "override_reason": "Thành tích đột xuất"}
    )
    assert response.status_code == 400 and not Proposal.objects.exists()
    # The chair of the council may propose anyway, with the reason recorded
    client.force_login(acast.chair)
    response = client.post(
        "/awards/proposals/new/", {**data, "override_reason": "Thành tích đột xuất"}
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.override_by == acast.chair and proposal.override_reason == "Thành tích đột xuất"


def test_it_creates_fills_and_submits_a_proposal(client: Client, acast: AwardsCast) -> None:
    client.force_login(acast.head)
    form = client.get("/awards/proposals/new/")
    assert form.status_code == 200
    nominee = acast.people[0]  # named with position and unit, never by staff code
    assert nominee.code not in form.content.decode()
    data = {
        "unit": acast.cast.regional.pk,
        "title": "CSTDCS",
        "year": "2025",
        "nominee": f"p:{acast.people[0].pk}",
    }
    response = client.post("/awards/proposals/new/", data)
    proposal = Proposal.objects.get()
    assert response["Location"] == f"/awards/proposals/{proposal.pk}/"
    assert ["2025", "Hoàn thành xuất sắc nhiệm vụ"] in proposal.report["ratings"]
    assert proposal.council == acast.council  # the nearest council above
    client.post(
        f"/awards/proposals/{proposal.pk}/report/",
        {"duties": "Kiểm sát viên.", "results": "Báo cáo thành tích đầy đủ."},
    )
    upload = SimpleUploadedFile("xac-nhan.pdf", PDF, content_type="application/pdf")
    client.post(f"/awards/proposals/{proposal.pk}/evidence/", {"file": upload})
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10)
    client.post(f"/awards/proposals/{proposal.pk}/evidence/", {"file": bad})
    assert ProposalEvidence.objects.filter(proposal=proposal).count() == 1
    sent = client.post(f"/awards/proposals/{proposal.pk}/move/submitted/", follow=True)
    assert [str(m) for m in sent.context["messages"]][-1] == (
        f"Đã gửi hồ sơ đề nghị {proposal.title.name} cho {nominee.full_name} lên cấp trên."
    )
    assert nominee.code not in proposal.achievement_report
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    assert (
        AuditEvent.objects.filter(object_type="awards.proposal", object_id=str(proposal.pk)).count()
        == 4
    )
    page = client.get(f"/awards/proposals/{proposal.pk}/").content.decode()
    assert "xac-nhan.pdf" in page
    submitted = str(Proposal.Status.SUBMITTED.label)
    assert f'<span data-to="submitted">{submitted}</span>' in page  # the label, not the code
    fragment = client.get("/awards/proposals/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="table"' in fragment and "<html" not in fragment
    assert client.get(f"/awards/proposals/{proposal.pk}/move/submitted/").status_code == 405
    # Proposing the same nominee twice is refused
    again = client.post("/awards/proposals/new/", data)
    assert again.status_code == 400 and Proposal.objects.count() == 1
    client.force_login(acast.cast.outsider)
    assert client.get(f"/awards/proposals/{proposal.pk}/").status_code == 404
    assert client.post(f"/awards/proposals/{proposal.pk}/move/withdrawn/").status_code == 404


def test_the_level_above_returns_a_proposal_with_a_reason(
    client: Client, acast: AwardsCast
) -> None:
    proposal = actions.create_proposal(
        title=Title.objects.get(code="LDTT"),
        year=2025,
        proposing_unit=acast.cast.regional,
        by=acast.head,
        person=acast.people[3],
    )
    actions.move_proposal(proposal, "submitted", by=acast.head)
    client.force_login(acast.cast.reviewer)
    client.post(f"/awards/proposals/{proposal.pk}/move/returned/", {"reason": ""})
    proposal.refresh_from_db()
    assert proposal.status == "submitted"  # a reason is required
    client.post(f"/awards/proposals/{proposal.pk}/move/returned/", {"reason": "Thiếu minh chứng"})
    proposal.refresh_from_db()
    assert proposal.status == "returned" and proposal.return_reason == "Thiếu minh chứng"


def test_it_records_initiatives_and_refuses_bad_input(client: Client, acast: AwardsCast) -> None:
    client.force_login(acast.head)
    data = {
        "title": "Số hoá hồ sơ",
        "unit": acast.cast.regional.pk,
        "level": "base",
        "authors": "KV002, KV003",
        "recognised_on": "15/03/2025",
        "recognised_by": "Hội đồng sáng kiến",
        "decision_ref": "12/QĐ",
    }
    assert client.post("/awards/initiatives/", data).status_code == 302
    initiative = Initiative.objects.get()
    assert initiative.authors.count() == 2
    bad = client.post("/awards/initiatives/", {**data, "recognised_on": "31/02/2025"})
    assert bad.status_code == 400 and Initiative.objects.count() == 1
    unknown = client.post("/awards/initiatives/", {**data, "authors": "XX999"})
    assert unknown.status_code == 400 and "XX999" in unknown.content.decode()
    fragment = client.get("/awards/initiatives/", HTTP_HX_REQUEST="true").content.decode()
    assert "Số hoá hồ sơ" in fragment and "<html" not in fragment
    assert client.put("/awards/initiatives/").status_code == 405
    client.force_login(acast.cast.outsider)
    assert "Số hoá hồ sơ" not in client.get("/awards/initiatives/").content.decode()
    assert client.post("/awards/initiatives/", data).status_code == 404


def test_only_an_administrator_recomputes(client: Client, acast: AwardsCast) -> None:
    client.force_login(acast.head)
    assert client.post("/awards/recompute/", {"year": "2025"}).status_code == 404
    client.force_login(acast.cast.admin)
    assert client.get("/awards/").status_code == 200
    response = client.post("/awards/recompute/", {"year": "2025"})
    assert response.status_code == 302
    assert client.get("/awards/recompute/").status_code == 405


def test_an_administrator_edits_the_rules_in_the_admin(client: Client, acast: AwardsCast) -> None:
    from thidua.awards.models import TitleRule

    acast.cast.admin.is_staff = acast.cast.admin.is_superuser = True
    acast.cast.admin.save()
    client.force_login(acast.cast.admin)
    assert client.get("/quan-tri/awards/titlerule/").status_code == 200
    rule = TitleRule.objects.filter(title__code="CSTDCS").order_by("-valid_from").first()
    assert rule is not None
    page = client.get(f"/quan-tri/awards/titlerule/{rule.pk}/change/")
    assert page.status_code == 200 and "Nghị định 152/2025" in page.content.decode()
    assert client.get("/quan-tri/awards/performancerating/").status_code == 200


def test_it_answers_bad_input_without_a_server_error(client: Client, acast: AwardsCast) -> None:
    client.force_login(acast.head)
    unit = acast.cast.regional.pk
    assert client.get(f"/awards/registrations/{unit}/99999/").status_code == 404
    assert client.get(f"/awards/proposals/new/?unit={unit}&year=99999").status_code == 200
    bad = {"unit": unit, "title": "CSTDCS", "year": "20x5", "nominee": "p:1"}
    assert client.post("/awards/proposals/new/", bad).status_code == 400
    assert (
        client.post("/awards/proposals/new/", {**bad, "year": "2025", "title": "NOPE"}).status_code
        == 400
    )
    reg_url = f"/awards/registrations/{unit}/2026/"
    client.post(reg_url)
    response = client.post(reg_url, {"item": ["garbage", "u:NOPE", "abc:LDTT"]})
    assert response.status_code == 302
    assert not RegistrationItem.objects.exists()
    assert client.get("/awards/candidates/?title=NOPE").status_code == 404
    assert client.get("/awards/candidates/?year=abc&unit=xyz&outcome=zzz").status_code == 200


def test_it_shows_the_deadline_and_the_programmes_commitments_on_the_registration(
    client: Client, acast: AwardsCast
) -> None:
    """Registration is due by the sector's day (31/03 by default, labelled as set by the
    sector); the unit's THTK-CLP commitments are its programme's targets, shown with their
    progress, not typed a second time."""
    from decimal import Decimal

    from thidua.evaluation.models import Programme, Target
    from thidua.reporting.catalogue import load_catalogue as load_indicators
    from thidua.reporting.models import Indicator

    load_indicators()
    unit = acast.cast.regional
    programme = Programme.objects.create(unit=unit, year=2026)
    Target.objects.create(
        programme=programme,
        indicator=Indicator.objects.get(code="CONF_SPEND"),
        kind="percent_change",
        comparator="<=",
        value=Decimal(-10),
    )
    client.force_login(acast.cast.reporter)
    url = f"/awards/registrations/{unit.pk}/2026/"
    client.post(url)
    client.post(url, {"item": ["u:TTLDTT"]})
    page = client.get(url).content.decode()
    assert "31/03/2026" in page and 'data-testid="registration-overdue"' in page
    assert 'data-indicator="CONF_SPEND"' in page and "giảm ít nhất 10% so với năm trước" in page
    assert f"/evaluation/unit/{unit.pk}/programme/2026/" in page
    client.post(f"/awards/registrations/{Registration.objects.get(unit=unit).pk}/move/submitted/")
    page = client.get(url).content.decode()
    assert 'data-testid="registration-late"' in page  # submitted on 26/11/2026 or later
    reg = Registration.objects.get(unit=unit, year=2026)
    assert reg.submitted_on is not None and reg.submitted_on.year >= 2026


def test_it_names_titles_in_reasons_not_codes(acast: AwardsCast) -> None:
    from django.utils import translation

    from thidua.awards.reasons import show

    stored = [["nganh_chain_missing", "fail", "Luật 06/2022/QH15 Điều 23", {}]]
    stored[0][3] = {"title": "CSTD_NGANH", "years": 2, "missing": "2025"}
    with translation.override("vi"):
        (reason,) = show(stored)
    assert "CSTD_NGANH" not in reason.text
    assert "Chiến sĩ thi đua ngành Kiểm sát nhân dân" in reason.text
    share = [["cstdcs_share_high", "warn", "", {"share": "16.8", "threshold": "15.0"}]]
    with translation.override("vi"):
        (warning,) = show(share)
    assert "bằng 16,8% số Lao động tiên tiến" in warning.text  # no space before %, vi comma


def _visible(html: str) -> str:
    """The text a reader sees: tags, scripts and attributes (data-person="KV000") left out."""
    import re

    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]*>", " ", text).split())


def test_it_shows_people_by_name_and_unit_not_by_staff_code(
    client: Client, acast: AwardsCast
) -> None:
    client.force_login(acast.head)
    unit = acast.cast.regional
    pages = [
        f"/awards/candidates/?year=2025&title=CSTDCS&unit={unit.pk}",
        f"/awards/registrations/{unit.pk}/2026/",
        f"/awards/people/{acast.people[0].pk}/?year=2025",
        f"/org/people/{acast.people[0].pk}/",
    ]
    client.post(pages[1])  # opens the registration
    for url in pages:
        text = _visible(client.get(url).content.decode())
        assert "Nguyễn Văn A" in text, url
        if url.startswith("/org/"):  # the staff record names its code once, as a field
            assert text.count("KV000") == 1 and "Mã cán bộ KV000" in text
        else:
            assert "KV000" not in text, url
