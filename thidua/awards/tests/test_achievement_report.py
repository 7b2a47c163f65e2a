"""The achievement report (issue 9 point 8): the form chosen by date, prefilled from the data,
edited by the unit, refused at submission while a required section is empty, and exported as
.docx and .pdf in the form's layout (golden: structure, text and positions)."""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from docx import Document

from thidua.awards import achievement, actions
from thidua.awards.models import AwardRecord, Initiative, Proposal, Title
from thidua.lib.documents import render_docx, render_pdf

from .conftest import AwardsCast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "individual", "form", "confidence"),
    [
        (dt.date(2023, 12, 31), True, "Mẫu số 02 Nghị định số 91/2017/NĐ-CP", "medium"),
        (dt.date(2024, 1, 1), True, "Mẫu số 03 Phụ lục I Nghị định số 98/2023/NĐ-CP", "low"),
        (dt.date(2024, 1, 1), False, "Mẫu số 02 Phụ lục I Nghị định số 98/2023/NĐ-CP", "medium"),
        (dt.date(2025, 6, 30), True, "Mẫu số 03 Phụ lục I Nghị định số 98/2023/NĐ-CP", "low"),
        (dt.date(2025, 6, 30), False, "Mẫu số 02 Phụ lục I Nghị định số 98/2023/NĐ-CP", "medium"),
        (dt.date(2025, 7, 1), True, "Mẫu số 05 Nghị định số 152/2025/NĐ-CP", "medium"),
        (dt.date(2025, 7, 1), False, "Mẫu số 04 Nghị định số 152/2025/NĐ-CP", "low"),
        (dt.date(2026, 12, 2), True, "Mẫu số 05 Nghị định số 152/2025/NĐ-CP", "medium"),
    ],
)
def test_the_form_follows_the_decree_in_force_on_the_reports_date(
    day: dt.date, individual: bool, form: str, confidence: str
) -> None:
    _regime, name, level = achievement.form_for(day, individual=individual)
    assert (name, level) == (form, confidence)


def _proposal(acast: AwardsCast) -> Proposal:
    return actions.create_proposal(
        title=Title.objects.get(code="CSTDCS"),
        year=2025,
        proposing_unit=acast.cast.regional,
        by=acast.head,
        person=acast.people[0],
    )


def test_it_is_prefilled_from_the_data_with_names_and_words_not_codes(acast: AwardsCast) -> None:
    person = acast.people[0]
    Initiative.objects.create(
        title="Số hóa hồ sơ kiểm sát",
        unit=acast.cast.regional,
        level="base",
        recognised_on=dt.date(2025, 10, 1),
        recognised_by="Viện trưởng",
    ).authors.add(person)
    proposal = _proposal(acast)
    report = proposal.report
    assert report["kind"] == "individual" and report["form"].startswith("Mẫu số")
    profile = dict(report["profile"])
    assert profile["Họ và tên"] == person.full_name
    assert profile["Chức vụ"] == "Kiểm sát viên"
    assert profile["Đơn vị công tác"] == acast.cast.regional.name
    assert report["ratings"] == [["2025", "Hoàn thành xuất sắc nhiệm vụ"]]
    assert report["initiatives"][0][0] == "Số hóa hồ sơ kiểm sát"
    assert "Hoàn thành xuất sắc nhiệm vụ" in report["narrative"]["results"]
    text = proposal.achievement_report + str(report)
    assert person.code not in text and "HTXS" not in text and "CSTDCS" not in text


def test_edit_then_submit_refuses_an_empty_required_section(acast: AwardsCast) -> None:
    proposal = _proposal(acast)
    actions.update_report(proposal, {"results": "  ", "duties": ""}, by=acast.head)
    with pytest.raises(ValidationError) as refused:
        actions.move_proposal(proposal, Proposal.Status.SUBMITTED, by=acast.head)
    message = " ".join(refused.value.messages)
    assert "báo cáo thành tích" in message.lower() or "achievement report" in message
    # It names the empty sections.
    assert ("Thành tích đạt được" in message or "Achievements" in message) and (
        "Quyền hạn, nhiệm vụ" in message or "Powers and duties" in message
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT  # nothing moved
    actions.update_report(
        proposal,
        {"duties": "Kiểm sát viên, giải quyết án hình sự.", "results": "Hoàn thành 100% chỉ tiêu."},
        by=acast.head,
    )
    # A refresh recomputes the tables and keeps what the unit wrote.
    AwardRecord.objects.create(
        title=Title.objects.get(code="CSTDCS"),
        year=2024,
        person=acast.people[0],
        decision_number="12/QĐ-VKS",
        decided_on=dt.date(2024, 12, 20),
    )
    AwardRecord.objects.create(  # the award being proposed is not a prior award
        title=Title.objects.get(code="CSTDCS"),
        year=2025,
        person=acast.people[0],
        decision_number="3/QĐ-VKS",
        decided_on=dt.date(2026, 1, 20),
    )
    actions.update_report(proposal, {}, by=acast.head, refresh=True)
    proposal.refresh_from_db()
    assert len(proposal.report["titles"]) == 1
    assert proposal.report["narrative"]["results"] == "Hoàn thành 100% chỉ tiêu."
    assert proposal.report["titles"][0][:2] == ["2024", "Chiến sĩ thi đua cơ sở"]
    assert "Quyết định số 12/QĐ-VKS, ngày 20/12/2024" in proposal.report["titles"][0][2]
    actions.move_proposal(proposal, Proposal.Status.SUBMITTED, by=acast.head)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    with pytest.raises(ValidationError):  # the dossier is locked once submitted
        actions.update_report(proposal, {"results": "Sửa sau khi gửi"}, by=acast.head)


def test_the_pages_edit_and_download_the_report(client: Client, acast: AwardsCast) -> None:
    proposal = _proposal(acast)
    client.force_login(acast.head)
    page = client.get(f"/awards/proposals/{proposal.pk}/").content.decode()
    assert 'name="results"' in page and 'name="duties"' in page
    assert "Mẫu số" in page and "Hoàn thành xuất sắc nhiệm vụ" in page
    saved = client.post(
        f"/awards/proposals/{proposal.pk}/report/",
        {"duties": "Kiểm sát viên.", "results": "Thành tích tiêu biểu.", "hometown": "Tuyên Quang"},
    )
    assert saved.status_code == 302
    proposal.refresh_from_db()
    assert proposal.report["narrative"]["hometown"] == "Tuyên Quang"
    too_long = client.post(
        f"/awards/proposals/{proposal.pk}/report/", {"hometown": "x" * 600}, follow=True
    )
    assert too_long.status_code == 200
    proposal.refresh_from_db()
    assert proposal.report["narrative"]["hometown"] == "Tuyên Quang"  # no partial write
    docx = client.get(f"/awards/proposals/{proposal.pk}/report.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "bao-cao-thanh-tich-2025" in docx["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Thành tích tiêu biểu." in text and "Tuyên Quang" in text
    pdf = client.get(f"/awards/proposals/{proposal.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert client.get(f"/awards/proposals/{proposal.pk}/report.odt").status_code == 404
    client.force_login(acast.cast.outsider)
    assert client.get(f"/awards/proposals/{proposal.pk}/report.pdf").status_code == 404
    assert client.get(f"/awards/proposals/{proposal.pk}/report.docx").status_code == 404


# ---------------------------------------------------------------- golden document

FIXED = {
    "kind": "individual",
    "regime": "nd152-2025",
    "form": "Mẫu số 05 Nghị định số 152/2025/NĐ-CP",
    "confidence": "medium",
    "date": "2025-11-20",
    "profile": [
        ["Họ và tên", "Nguyễn Văn An"],
        ["Sinh ngày, tháng, năm", "02/09/1985"],
        ["Giới tính", "Nam"],
        ["Đơn vị công tác", "Phòng 1, Viện kiểm sát nhân dân tỉnh Tuyên Quang"],
        ["Chức vụ", "Kiểm sát viên trung cấp"],
    ],
    "narrative": {
        "hometown": "Xã Minh Xuân, tỉnh Tuyên Quang",
        "residence": "Phường Minh Xuân, tỉnh Tuyên Quang",
        "qualification": "Cử nhân Luật",
        "background": "Từ năm 2010 công tác tại Viện kiểm sát nhân dân tỉnh Tuyên Quang.",
        "duties": "Thực hành quyền công tố, kiểm sát điều tra các vụ án hình sự.",
        "results": "Thụ lý, giải quyết 45 vụ án, không có án bị hủy do lỗi chủ quan.",
        "measures": "Áp dụng sáng kiến số hóa hồ sơ kiểm sát.",
    },
    "ratings": [["2024", "Hoàn thành xuất sắc nhiệm vụ"], ["2025", "Hoàn thành xuất sắc nhiệm vụ"]],
    "initiatives": [["Số hóa hồ sơ kiểm sát", "Cấp cơ sở", "01/10/2025", "Viện trưởng"]],
    "results": [],
    "titles": [
        [
            "2024",
            "Chiến sĩ thi đua cơ sở",
            "Quyết định số 12/QĐ-VKS, ngày 20/12/2024, Viện kiểm sát nhân dân tỉnh Tuyên Quang",
        ]
    ],
    "awards": [],
}


def _golden(acast: AwardsCast) -> Proposal:
    proposal = Proposal(
        pk=7,
        title=Title.objects.get(code="CSTDCS"),
        year=2025,
        person=acast.people[0],
        proposing_unit=acast.cast.regional,
        report=FIXED,
    )
    acast.people[0].full_name = "Nguyễn Văn An"
    return proposal


def test_golden_docx_structure(acast: AwardsCast) -> None:
    document = achievement.document(_golden(acast))
    word = Document(io.BytesIO(render_docx(document)))
    header, closing = word.tables[0], word.tables[-1]
    left, right = header.rows[0].cells
    # An individual's report has no issuer: the Quốc hiệu and Tiêu ngữ on the right, no number.
    assert left.text.strip() == ""
    assert [p.text for p in right.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert header.rows[1].cells[0].text == ""
    assert header.rows[1].cells[1].text.endswith("ngày 20 tháng 11 năm 2025")
    texts = [p.text for p in word.paragraphs if p.text]
    assert texts[:3] == [
        "BÁO CÁO THÀNH TÍCH",
        "ĐỀ NGHỊ TẶNG CHIẾN SĨ THI ĐUA CƠ SỞ NĂM 2025",
        "Nguyễn Văn An",
    ]
    order = [
        "I. SƠ LƯỢC LÝ LỊCH",
        "1. Sơ lược lý lịch",
        "- Họ và tên: Nguyễn Văn An",
        "- Quê quán: Xã Minh Xuân, tỉnh Tuyên Quang",
        "- Chức vụ: Kiểm sát viên trung cấp",
        "2. Quá trình công tác",
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        "1. Quyền hạn, nhiệm vụ được giao hoặc đảm nhận",
        "2. Thành tích đạt được",
        "3. Các giải pháp, sáng kiến, đề tài đã áp dụng",
        "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
        "1. Danh hiệu thi đua",
        "2. Hình thức khen thưởng",
    ]
    positions = [texts.index(line) for line in order]
    assert positions == sorted(positions)
    headings = {p.text: p for p in word.paragraphs if p.text in order[:2] + order[5:]}
    assert all(run.bold for p in headings.values() for run in p.runs)
    # The tables: ratings by year, initiatives, titles with decision and issuer.
    grids = list(word.tables[1:-1])
    assert [c.text for c in grids[0].rows[0].cells] == ["STT", "Năm", "Mức xếp loại"]
    assert [c.text for c in grids[0].rows[2].cells] == ["2", "2025", "Hoàn thành xuất sắc nhiệm vụ"]
    assert grids[1].rows[0].cells[1].text == "Tên sáng kiến"
    assert grids[2].rows[1].cells[2].text == "Chiến sĩ thi đua cơ sở"
    assert "12/QĐ-VKS" in grids[2].rows[1].cells[3].text
    # "2. Hình thức khen thưởng" with no award says so rather than an empty table.
    assert texts[texts.index("2. Hình thức khen thưởng") + 1] == "Không có."
    # Signatures: the head certifies on the left, the person signs on the right.
    sign_left, sign_right = closing.rows[0].cells
    assert [p.text for p in sign_left.paragraphs][:2] == [
        "THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN, ĐỀ NGHỊ",
        "(Ký, đóng dấu)",
    ]
    assert [p.text for p in sign_right.paragraphs] == [
        "NGƯỜI BÁO CÁO THÀNH TÍCH",
        "(Ký, ghi rõ họ và tên)",
        "",
        "",
        "",
        "Nguyễn Văn An",
    ]
    assert "──" not in "\n".join(texts)


# Pinned boxes (points from the top-left of page one) read from the render and checked
# against the form: the Quốc hiệu in the right column (298–553 pt), the title centred on the
# text width (85–553 pt), body text from the 30 mm margin. A change that moves a line by more
# than 1.5 pt fails.
PINNED_RULES = [(249, 388, 166), (352, 511, 94)]
PINNED_WORDS = {
    "CỘNG": (307, 65),
    "Độc": (352, 79),
    "ngày": (377, 99),
    "BÁO": (240, 133),
    "ĐỀ": (145, 150),
    "Nguyễn": (272, 183),
}


def test_golden_pdf_text_and_boxes(acast: AwardsCast) -> None:
    document = achievement.document(_golden(acast))
    with pdfplumber.open(io.BytesIO(render_pdf(document))) as pdf:
        first = pdf.pages[0]
        words = first.extract_words()
        text = "\n".join(page.extract_text() for page in pdf.pages)
        # A drawn line is reported by its edges (a thin box): keep one per span, its top.
        tops: dict[tuple[int, int], int] = {}
        for e in first.edges:
            if e["orientation"] == "h" and e["x1"] - e["x0"] > 20 and e["top"] < 200:
                span = (round(e["x0"]), round(e["x1"]))
                tops[span] = min(tops.get(span, 999), round(e["top"]))
        rules = sorted(((x0, x1, top) for (x0, x1), top in tops.items()), key=lambda r: -r[2])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "BÁO CÁO THÀNH TÍCH" in text
    assert "ĐỀ NGHỊ TẶNG CHIẾN SĨ THI ĐUA CƠ SỞ NĂM 2025" in text
    assert "ngày 20 tháng 11 năm 2025" in text
    assert "Số:" not in text  # a report has no number
    for heading in ("I. SƠ LƯỢC LÝ LỊCH", "II. THÀNH TÍCH ĐẠT ĐƯỢC", "III. CÁC HÌNH THỨC"):
        assert heading in text
    assert "NGƯỜI BÁO CÁO THÀNH TÍCH" in text and "(Ký, ghi rõ họ và tên)" in text
    # Two drawn rules: under the Tiêu ngữ (right column) and under the title's summary; none
    # on the left, since an individual's report has no issuer.
    width = float(first.width)
    assert len(rules) == 2 and all(x1 > width / 2 for _x0, x1, _top in rules), rules
    assert [(x0, x1) for x0, x1, _top in rules] == [(x0, x1) for x0, x1, _t in PINNED_RULES]
    for (_x0, _x1, top), (_p0, _p1, pinned) in zip(rules, PINNED_RULES, strict=True):
        assert top == pytest.approx(pinned, abs=2)

    def box(word: str) -> tuple[int, int]:
        found = next(w for w in words if w["text"] == word)
        return round(found["x0"]), round(found["top"])

    for word, (x0, top) in PINNED_WORDS.items():
        got = box(word)
        assert got[0] == pytest.approx(x0, abs=1.5) and got[1] == pytest.approx(top, abs=1.5), (
            word,
            got,
        )


COLLECTIVE = {
    "kind": "collective",
    "regime": "nd152-2025",
    "form": "Mẫu số 04 Nghị định số 152/2025/NĐ-CP",
    "confidence": "low",
    "date": "2025-11-20",
    "profile": [["Tên tập thể", "Khu vực 1"], ["Cơ quan cấp trên", "Tỉnh Hà Giang"]],
    "narrative": {
        "address": "Số 1 đường Minh Xuân",
        "background": "Đơn vị có 25 công chức.",
        "duties": "Thực hành quyền công tố và kiểm sát hoạt động tư pháp.",
        "results": "Hoàn thành vượt mức các chỉ tiêu.",
        "measures": "",
    },
    "ratings": [],
    "initiatives": [],
    "results": [["2025", "92,5", "Chính thức"]],
    "titles": [],
    "awards": [["2024", "Bằng khen", "Quyết định số 3/QĐ-VKS, ngày 10/01/2025"]],
}


def test_a_collectives_report_has_its_unit_and_parent_in_the_header(acast: AwardsCast) -> None:
    proposal = Proposal(
        pk=8,
        title=Title.objects.get(code="TTLDTT"),
        year=2025,
        unit=acast.cast.regional,
        proposing_unit=acast.cast.regional,
        report=COLLECTIVE,
    )
    document = achievement.document(proposal)
    word = Document(io.BytesIO(render_docx(document)))
    left = word.tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs if p.text] == ["TỈNH HÀ GIANG", "KHU VỰC 1"]
    texts = [p.text for p in word.paragraphs if p.text]
    order = [
        "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
        "- Địa chỉ trụ sở: Số 1 đường Minh Xuân",
        "1. Đặc điểm, tình hình",
        "2. Chức năng, nhiệm vụ",
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        "1. Kết quả thực hiện nhiệm vụ được giao",
        "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
    ]
    positions = [texts.index(line) for line in order]
    assert positions == sorted(positions)
    points = next(t for t in word.tables if t.rows[0].cells[-1].text == "Tình trạng")
    assert [c.text for c in points.rows[1].cells] == ["1", "2025", "92,5", "Chính thức"]
    sign_left, sign_right = word.tables[-1].rows[0].cells
    assert sign_left.paragraphs[0].text == "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG"
    assert sign_right.paragraphs[0].text == "THỦ TRƯỞNG ĐƠN VỊ"
