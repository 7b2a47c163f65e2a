"""Issue 9 item 7: the minutes' layout. Rendered from fixed data with many items so that the
signatures fall near a page break: the headers do not overlap, the signature block never stands
alone on a page, and the tables are sized to their content."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from thidua.council import actions
from thidua.council.exports import content_widths, council_issuer, minutes_document
from thidua.council.testing import SESSION_DAY, World
from thidua.lib.documents import OfficialDocument, Paragraph, Signer, Table, render_docx, render_pdf


def _minutes(items: int) -> OfficialDocument:
    columns = ["STT", "Được đề nghị", "Danh hiệu", "Đồng ý", "Kết quả"]
    rows = [
        [str(i), f"Nguyễn Văn Người Thứ {i}", "Chiến sĩ thi đua cơ sở", "5", "Đạt"]
        for i in range(1, items + 1)
    ]
    return OfficialDocument(
        governing_body="Viện kiểm sát nhân dân tỉnh Tuyên Quang",
        issuer="Hội đồng Thi đua - Khen thưởng",
        symbol="BB-HĐTĐKT",
        place="Tuyên Quang",
        date=dt.date(2025, 1, 15),
        doc_type="Biên bản",
        summary="Kiểm phiếu xét thi đua, khen thưởng",
        body=[
            Paragraph("Hôm nay, ngày 15 tháng 01 năm 2025, Hội đồng họp xét thi đua."),
            Table(columns, rows, widths=content_widths(columns, rows), numeric={0, 3}),
            Paragraph("Biên bản được lập ngay sau khi kiểm phiếu và đã được thông qua./."),
        ],
        signers=[Signer("Lê Thư Ký", "Thư ký"), Signer("Trần Chủ Tịch", "Chủ tịch Hội đồng")],
        keep_with_signature=1,
    )


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return not (
        a["x1"] <= b["x0"]
        or b["x1"] <= a["x0"]
        or a["bottom"] <= b["top"]
        or b["bottom"] <= a["top"]
    )


def _header_words(data: bytes) -> list[dict[str, Any]]:
    """The words above the document type ("BIÊN BẢN") on the first page."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        words = pdf.pages[0].extract_words(use_text_flow=True)
    title = next(w for w in words if w["text"] == "BIÊN")
    return [w for w in words if w["bottom"] <= title["top"]]


def _assert_no_overlap(header: list[dict[str, Any]]) -> None:
    shrink = 0.5  # glyph boxes of neighbouring letters may touch
    for index, a in enumerate(header):
        for b in header[index + 1 :]:
            inner = {
                "x0": a["x0"] + shrink,
                "x1": a["x1"] - shrink,
                "top": a["top"] + shrink,
                "bottom": a["bottom"] - shrink,
            }
            assert not _overlap(inner, b), (a["text"], b["text"])


def test_the_pdf_headers_do_not_overlap() -> None:
    header = _header_words(render_pdf(_minutes(3)))
    text = " ".join(w["text"] for w in header)
    for part in ("VIỆN", "TUYÊN", "HỘI", "CỘNG", "Độc", "Số:", "Tuyên", "2025"):
        assert part in text
    _assert_no_overlap(header)


def test_the_minutes_of_a_session_read_cleanly(world: World) -> None:
    """The real minutes: attendance and results tables sized to content, clear headers, the
    closing paragraph kept with the signatures."""
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    for proposal in world.proposals:
        actions.add_agenda_item(session, proposal, by=world.secretary)
    actions.open_session(session, by=world.secretary)
    for item in session.items.all():
        for user in world.voters:
            actions.cast_ballot(item, user=user, choice="agree")
    actions.close_session(session, by=world.secretary, day=SESSION_DAY)
    document = minutes_document(session)
    attendance, results = (b for b in document.body if isinstance(b, Table))
    assert attendance.columns[:2] == ["STT", "Họ và tên"]
    assert len(attendance.rows) == len(world.voters)
    assert sum(attendance.widths) in range(98, 103) and sum(results.widths) in range(98, 103)
    assert attendance.widths[0] < attendance.widths[1]
    _assert_no_overlap(_header_words(render_pdf(document)))
    word = Document(io.BytesIO(render_docx(document)))
    last = next(p for p in word.paragraphs if p.text.startswith("Biên bản được lập"))
    assert last.paragraph_format.keep_with_next is True


@pytest.mark.parametrize("items", range(14, 30, 3))
def test_the_signature_block_never_stands_alone_on_a_page(items: int) -> None:
    with pdfplumber.open(io.BytesIO(render_pdf(_minutes(items)))) as pdf:
        pages = [page.extract_text() for page in pdf.pages]
    page = next(text for text in pages if "CHỦ TỊCH HỘI ĐỒNG" in text)
    assert "Trần Chủ Tịch" in page and "THƯ KÝ" in page
    assert "Biên bản được lập" in page  # a line of the body moves with the signatures


def test_the_docx_keeps_the_last_paragraph_with_the_signatures_and_sizes_the_table() -> None:
    word = Document(io.BytesIO(render_docx(_minutes(20))))
    last = next(p for p in word.paragraphs if p.text.startswith("Biên bản được lập"))
    assert last.paragraph_format.keep_with_next is True
    closing = word.tables[-1]
    for row in closing.rows:
        assert (
            row._tr.trPr is not None
            and row._tr.trPr.find(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit"
            )
            is not None
        )
    grid = word.tables[1]
    widths = [cell.width for cell in grid.rows[0].cells]
    # "STT" and "Đồng ý" are narrow, the names wide, and the whole fits the text width.
    assert widths[0] < widths[3] < widths[1]
    assert abs(sum(w for w in widths if w) - Mm(165)) < Mm(2)
    assert [c.width for c in grid.columns] == widths


def test_content_widths_follow_the_longest_cell_and_heading_word() -> None:
    widths = content_widths(["STT", "Họ và tên"], [["1", "Nguyễn Văn An"]])
    assert sum(widths) == 100 and widths[0] < widths[1]


def test_the_council_under_its_body_is_not_named_twice() -> None:
    assert (
        council_issuer(
            "Hội đồng Thi đua - Khen thưởng VKSND tỉnh Tuyên Quang",
            "Viện kiểm sát nhân dân tỉnh Tuyên Quang",
        )
        == "Hội đồng Thi đua - Khen thưởng"
    )
    assert council_issuer("Hội đồng Thi đua - Khen thưởng tỉnh A", "Tỉnh Hà Giang") == (
        "Hội đồng Thi đua - Khen thưởng tỉnh A"
    )
    assert council_issuer(
        "Hội đồng Thi đua - Khen thưởng tỉnh Tuyên Quang", "UBND tỉnh Tuyên Quang"
    ) == ("Hội đồng Thi đua - Khen thưởng")


def test_no_grid_row_is_split_across_pages_and_the_heading_repeats() -> None:
    word = Document(io.BytesIO(render_docx(_minutes(30))))
    grid = next(t for t in word.tables if t.style is not None and t.style.name == "Table Grid")
    props = [row._tr.get_or_add_trPr() for row in grid.rows]
    assert props[0].find(qn("w:tblHeader")) is not None
    assert all(p.find(qn("w:cantSplit")) is not None for p in props)
