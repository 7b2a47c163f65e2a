"""Golden documents: a KSND sector decision and a Tuyên Quang province decision rendered from
fixed data, compared with the layout of Decree 30/2020/NĐ-CP Phụ lục I, Mẫu 1.2
(docs/decisions/0007-decision-layout.md). A change that moves a line or a word fails."""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from thidua.lib.documents import (
    OfficialDocument,
    Paragraph,
    Signer,
    Table,
    render_docx,
    render_pdf,
)
from thidua.lib.documents.model import header_lines, rule_widths, text_width_mm
from thidua.lib.documents.words import dong_in_words, number_in_words

BASES = [
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi "
    "tiết một số điều của Luật Thi đua, khen thưởng;",
]


def _doc(
    *, governing: str, issuer: str, symbol: str, place: str, authority: str
) -> OfficialDocument:
    return OfficialDocument(
        governing_body=governing,
        issuer=issuer,
        symbol=symbol,
        number=7,
        place=place,
        date=dt.date(2026, 1, 5),
        doc_type="Quyết định",
        summary="Về việc tặng danh hiệu Chiến sĩ thi đua cơ sở",
        authority_line=authority,
        legal_bases=BASES,
        preamble=["Theo đề nghị của Hội đồng Thi đua - Khen thưởng."],
        enacting_line="QUYẾT ĐỊNH:",
        body=[
            Paragraph(
                "Tặng Chiến sĩ thi đua cơ sở cho 02 cá nhân (có danh sách kèm theo).",
                lead="Điều 1.",
            ),
            Table(
                [
                    "STT",
                    "Họ và tên / Tập thể",
                    "Chức vụ",
                    "Đơn vị",
                    "Danh hiệu, hình thức",
                    "Tiền thưởng (đồng)",
                ],
                [
                    [
                        "1",
                        "Nguyễn Văn An",
                        "Kiểm sát viên",
                        "Phòng 1",
                        "Chiến sĩ thi đua cơ sở",
                        "2.340.000",
                    ],
                    [
                        "2",
                        "Trần Thị Bình",
                        "Chánh Văn phòng",
                        "Văn phòng",
                        "Chiến sĩ thi đua cơ sở",
                        "2.340.000",
                    ],
                ],
                widths=[6, 22, 16, 22, 18, 16],
                numeric={5},
            ),
            Paragraph(
                "Tiền thưởng tổng cộng 4.680.000 đồng (Bằng chữ: Bốn triệu sáu trăm tám "
                "mươi nghìn đồng).",
                lead="Điều 2.",
            ),
        ],
        signers=[
            Signer("Lê Văn Cường", "Phó Viện trưởng", authority="KT.", authority_of="Viện trưởng")
        ],
        recipients=["Như Điều 1;", "Lưu: VT."],
    )


KSND = _doc(
    governing="",
    issuer="Viện kiểm sát nhân dân tối cao",
    symbol="QĐ-VKSTC",
    place="Hà Nội",
    authority="Viện trưởng Viện kiểm sát nhân dân tối cao",
)
TUYEN_QUANG = _doc(
    governing="Viện kiểm sát nhân dân tối cao",
    issuer="Viện kiểm sát nhân dân tỉnh Tuyên Quang",
    symbol="QĐ-VKSTQ",
    place="Tuyên Quang",
    authority="Viện trưởng Viện kiểm sát nhân dân tỉnh Tuyên Quang",
)


def _border(par: object) -> str | None:
    p_pr = par._p.pPr  # type: ignore[attr-defined]
    if p_pr is None:
        return None
    top = p_pr.find(qn("w:pBdr") + "/" + qn("w:top"))
    return None if top is None else str(top.get(qn("w:val")))


def _indent_mm(length: object) -> float:
    return 0.0 if length is None else round(length.mm, 1)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("doc", "header_left"),
    [
        # A name wider than the 75 mm cell is broken before its level (model.header_lines).
        (KSND, ["VIỆN KIỂM SÁT NHÂN DÂN\nTỐI CAO"]),
        (
            TUYEN_QUANG,
            ["VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO", "VIỆN KIỂM SÁT NHÂN DÂN\nTỈNH TUYÊN QUANG"],
        ),
    ],
    ids=["ksnd", "tuyen-quang"],
)
def test_docx_follows_mau_1_2(doc: OfficialDocument, header_left: list[str]) -> None:
    word = Document(io.BytesIO(render_docx(doc)))
    header, table, closing = word.tables
    left, right = header.rows[0].cells
    # Cell 2: the governing body in plain caps, then the issuer in bold caps, full names.
    texts = [p.text for p in left.paragraphs if p.text]
    assert texts == header_left
    issuer_par = left.paragraphs[len(header_left) - 1]
    assert all(r.bold for r in issuer_par.runs)
    if len(header_left) == 2:
        assert not any(r.bold for r in left.paragraphs[0].runs)
    # The line under the issuer: its own empty paragraph, a top border, 0.4 of the text.
    rule = left.paragraphs[len(header_left)]
    assert rule.text == "" and _border(rule) == "single"
    widths = rule_widths(doc)
    assert _indent_mm(rule.paragraph_format.left_indent) == pytest.approx(
        (75 - widths["issuer"]) / 2, abs=0.2
    )
    # Cell 1: Quốc hiệu bold caps 13 pt, Tiêu ngữ bold 14 pt not underlined, a line as long.
    assert [p.text for p in right.paragraphs] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "",
    ]
    assert not any(r.underline for p in right.paragraphs for r in p.runs)
    assert _border(right.paragraphs[2]) == "single"
    assert widths["tieu_ngu"] == pytest.approx(
        text_width_mm("Độc lập - Tự do - Hạnh phúc", 13, bold=True), abs=0.1
    )
    assert 50 < widths["tieu_ngu"] < 65
    assert _indent_mm(right.paragraphs[2].paragraph_format.left_indent) == pytest.approx(
        (90 - widths["tieu_ngu"]) / 2, abs=0.2
    )
    # Cells 3 and 4: number and place/date.
    number_cell, date_cell = header.rows[1].cells
    assert number_cell.text == f"Số: 07/{doc.symbol}"
    assert date_cell.text == f"{doc.place}, ngày 05 tháng 01 năm 2026"
    assert all(r.italic for r in date_cell.paragraphs[0].runs)
    # No drawn-with-characters line anywhere.
    body = list(word.paragraphs)
    assert not any("──" in p.text for p in body)
    texts_body = [p.text for p in body]
    start = texts_body.index("QUYẾT ĐỊNH")
    assert texts_body[start : start + 9] == [
        "QUYẾT ĐỊNH",
        "Về việc tặng danh hiệu Chiến sĩ thi đua cơ sở",
        "",
        doc.authority_line.upper(),
        *BASES,
        "Theo đề nghị của Hội đồng Thi đua - Khen thưởng.",
        "QUYẾT ĐỊNH:",
        "Điều 1. Tặng Chiến sĩ thi đua cơ sở cho 02 cá nhân (có danh sách kèm theo).",
    ]
    summary_rule = body[start + 2]
    assert _border(summary_rule) == "single"
    authority = body[start + 3]
    assert authority.alignment == WD_ALIGN_PARAGRAPH.CENTER and all(r.bold for r in authority.runs)
    assert all(r.italic for r in body[start + 4].runs)
    assert all(b.endswith(";") for b in BASES)
    enact = body[start + 7]
    assert enact.alignment == WD_ALIGN_PARAGRAPH.CENTER and all(r.bold for r in enact.runs)
    # Cell 6 table: unit and position; cash right-aligned.
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Họ và tên / Tập thể",
        "Chức vụ",
        "Đơn vị",
        "Danh hiệu, hình thức",
        "Tiền thưởng (đồng)",
    ]
    assert table.rows[1].cells[5].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # Cells 7–9: Nơi nhận left; KT. VIỆN TRƯỞNG / PHÓ VIỆN TRƯỞNG / space / name right.
    recipients, signer = closing.rows[0].cells
    assert recipients.paragraphs[0].text == "Nơi nhận:"
    assert [p.text for p in signer.paragraphs] == [
        "KT. VIỆN TRƯỞNG",
        "PHÓ VIỆN TRƯỞNG",
        "",
        "",
        "",
        "Lê Văn Cường",
    ]


@pytest.mark.parametrize("doc", [KSND, TUYEN_QUANG], ids=["ksnd", "tuyen-quang"])
def test_pdf_text_and_boxes(doc: OfficialDocument) -> None:
    with pdfplumber.open(io.BytesIO(render_pdf(doc))) as pdf:
        page = pdf.pages[0]
        width_mm = float(page.width) * 25.4 / 72
        assert width_mm == pytest.approx(210, abs=0.5)
        lines = page.extract_text().splitlines()
        words = page.extract_words()
        # Drawn lines (not characters): three horizontal rules on page one.
        rules = sorted(
            [
                e
                for e in page.edges
                if e["orientation"] == "h" and e["x1"] - e["x0"] > 20 and e["top"] < 300
            ],
            key=lambda e: (round(e["top"]), e["x0"]),
        )
        texts = "\n".join(lines)
    assert "──" not in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Độc lập - Tự do - Hạnh phúc" in texts
    assert f"Số: 07/{doc.symbol}" in texts
    assert f"{doc.place}, ngày 05 tháng 01 năm 2026" in texts
    assert "QUYẾT ĐỊNH:" in texts

    def first(word: str) -> dict[str, float]:
        return next(w for w in words if w["text"] == word)

    so, doc_lap = first("Số:"), first("Độc")
    # The number (cell 3) is left of the centre line, the Tiêu ngữ right of it.
    assert so["x0"] < float(page.width) / 2 < doc_lap["x0"]
    # Rules: under the issuer (left column), under the Tiêu ngữ (right), under the summary.
    lefts = [r for r in rules if r["x1"] < float(page.width) / 2]
    rights = [r for r in rules if r["x0"] > float(page.width) / 2 - 40 and r["top"] < so["top"]]
    assert lefts and rights
    tieu_ngu_rule = rights[0]
    tieu_ngu_width = (tieu_ngu_rule["x1"] - tieu_ngu_rule["x0"]) * 25.4 / 72
    assert tieu_ngu_width == pytest.approx(rule_widths(doc)["tieu_ngu"], abs=1.0)
    # Drawn under the text, not touching it: below the Tiêu ngữ's baseline.
    assert tieu_ngu_rule["top"] > doc_lap["bottom"]
    # Number and date on one line, below the rules.
    date_word = first("ngày")
    assert abs(so["top"] - date_word["top"]) < 3
    assert so["top"] > lefts[0]["top"]


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "không"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (105, "một trăm linh năm"),
        (1_000_005, "một triệu không trăm linh năm"),
        (2_340_000, "hai triệu ba trăm bốn mươi nghìn"),
        (4_680_000, "bốn triệu sáu trăm tám mươi nghìn"),
    ],
)
def test_amounts_in_words(amount: int, words: str) -> None:
    assert number_in_words(amount) == words
    assert dong_in_words(amount) == words[0].upper() + words[1:] + " đồng"


# Pinned layout boxes (points from the top-left of page one), read from the renders above and
# checked against Phụ lục I: the left margin is 30 mm (85 pt), so body text with its 1 cm
# first-line indent starts at 113–119 pt; the header's left column is 75 mm wide (85–298 pt)
# and the state column 90 mm (298–553 pt). A change that moves a line or a word by more than
# 1.5 pt fails; update these only with a reading in docs/decisions/0007-decision-layout.md.
PINNED = {
    "ksnd": {
        "words": {
            "CỘNG": (307, 65),
            "Độc": (352, 79),
            "Số:": (146, 98),
            "ngày": (377, 99),
            "QUYẾT": (274, 133),
            "Căn": (119, 212),
            "Điều": (119, 320),
        },
        "rules": [(155, 240, 95), (352, 511, 96), (265, 373, 169)],
    },
    "tuyen-quang": {
        "words": {
            "CỘNG": (307, 65),
            "Độc": (352, 79),
            "Số:": (146, 112),
            "ngày": (394, 112),
            "QUYẾT": (274, 147),
            "Căn": (119, 225),
            "Điều": (119, 333),
        },
        "rules": [(155, 240, 110), (352, 511, 96), (265, 373, 182)],
    },
}


@pytest.mark.parametrize(
    ("doc", "key"), [(KSND, "ksnd"), (TUYEN_QUANG, "tuyen-quang")], ids=["ksnd", "tuyen-quang"]
)
def test_pdf_boxes_are_pinned(doc: OfficialDocument, key: str) -> None:
    with pdfplumber.open(io.BytesIO(render_pdf(doc))) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        edges = [
            e
            for e in page.edges
            if e["orientation"] == "h" and e["top"] < 300 and e["x1"] - e["x0"] > 20
        ]
    for text, (x0, top) in PINNED[key]["words"].items():  # type: ignore[attr-defined]
        word = next(w for w in words if w["text"] == text)
        assert (word["x0"], word["top"]) == (
            pytest.approx(x0, abs=1.5),
            pytest.approx(top, abs=1.5),
        ), text
    for x0, x1, top in PINNED[key]["rules"]:
        assert any(
            abs(e["x0"] - x0) <= 1.5 and abs(e["x1"] - x1) <= 1.5 and abs(e["top"] - top) <= 1.5
            for e in edges
        ), (x0, x1, top)


@pytest.mark.parametrize(
    ("name", "bold", "lines"),
    [
        ("Viện kiểm sát nhân dân tối cao", True, ["VIỆN KIỂM SÁT NHÂN DÂN", "TỐI CAO"]),
        ("Viện kiểm sát nhân dân tối cao", False, ["VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO"]),
        ("Ủy ban nhân dân tỉnh Tuyên Quang", True, ["ỦY BAN NHÂN DÂN", "TỈNH TUYÊN QUANG"]),
        ("Sở Tài chính", True, ["SỞ TÀI CHÍNH"]),
        ("Hội đồng Thi đua - Khen thưởng", True, ["HỘI ĐỒNG THI ĐUA -", "KHEN THƯỞNG"]),
        (
            "Hội đồng Thi đua - Khen thưởng ngành Kiểm sát nhân dân",
            True,
            ["HỘI ĐỒNG THI ĐUA -", "KHEN THƯỞNG", "NGÀNH KIỂM SÁT NHÂN DÂN"],
        ),
    ],
)
def test_a_long_header_name_breaks_before_its_level(
    name: str, bold: bool, lines: list[str]
) -> None:
    assert header_lines(name, bold=bold) == lines
