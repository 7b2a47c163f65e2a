"""The Decree 30/2020 renderers, checked by opening the files they produce."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from thidua.lib.documents import (
    QUOC_HIEU,
    TIEU_NGU,
    OfficialDocument,
    Paragraph,
    Signer,
    Table,
    number_line,
    render_docx,
    render_pdf,
)


def _decision(number: int | None = 5) -> OfficialDocument:
    return OfficialDocument(
        governing_body="Viện kiểm sát nhân dân tối cao",
        issuer="Văn phòng",
        symbol="QĐ-VKSTC",
        number=number,
        place="Hà Nội",
        date=dt.date(2025, 2, 5),
        doc_type="Quyết định",
        summary="Về việc tặng danh hiệu Chiến sĩ thi đua ngành Kiểm sát nhân dân",
        legal_bases=["Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;"],
        preamble=["Theo đề nghị của Hội đồng Thi đua - Khen thưởng ngành."],
        enacting_line="QUYẾT ĐỊNH:",
        body=[
            Paragraph("Tặng danh hiệu cho các cá nhân có tên sau:", lead="Điều 1."),
            Table(
                ["STT", "Họ và tên", "Số tiền (đồng)"],
                [["1", "Nguyễn Văn Ánh", "7.020.000"], ["2", "Trần Thị Bích", "7.020.000"]],
                numeric={2},
            ),
            Paragraph("Quyết định này có hiệu lực kể từ ngày ký./.", lead="Điều 2."),
        ],
        signers=[
            Signer("Lê Minh Trí", "Phó Viện trưởng", authority="KT.", authority_of="Viện trưởng")
        ],
        recipients=["Như Điều 1;", "Lưu: VT, TĐKT."],
    )


@pytest.mark.parametrize(
    ("number", "expected"),
    [(5, "Số: 05/QĐ-VKSTC"), (15, "Số: 15/QĐ-VKSTC"), (123, "Số: 123/QĐ-VKSTC")],
)
def test_it_pads_numbers_below_ten(number: int, expected: str) -> None:
    """Decree 30/2020 Phụ lục I, cell 3: a leading 0 when the number is below 10."""
    assert number_line(number, "QĐ-VKSTC") == expected


def test_it_refuses_an_unknown_authority_prefix() -> None:
    with pytest.raises(ValueError, match="prefix"):
        Signer("A", "B", authority="XX.")


def _docx_texts(data: bytes) -> tuple[list[str], object]:
    word = Document(io.BytesIO(data))
    texts = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    return texts, word


def _within(length: int, low_mm: float, high_mm: float) -> bool:
    """Word stores lengths in twips (1/1440 inch): allow 0.1 mm of rounding."""
    return Mm(low_mm - 0.1) <= length <= Mm(high_mm + 0.1)


def test_it_writes_the_decree_30_layout_to_docx() -> None:
    texts, word = _docx_texts(render_docx(_decision()))
    assert QUOC_HIEU in texts and TIEU_NGU in texts
    assert "VĂN PHÒNG" in texts and "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO" in texts
    assert "Số: 05/QĐ-VKSTC" in texts
    assert "Hà Nội, ngày 05 tháng 02 năm 2025" in texts
    assert "QUYẾT ĐỊNH" in texts and "QUYẾT ĐỊNH:" in texts
    assert "KT. VIỆN TRƯỞNG" in texts and "PHÓ VIỆN TRƯỞNG" in texts and "Lê Minh Trí" in texts
    assert "Nơi nhận:" in texts and "- Lưu: VT, TĐKT." in texts
    assert "Nguyễn Văn Ánh" in texts and "7.020.000" in texts
    assert any(t.startswith("Điều 1. ") for t in texts)
    section = word.sections[0]  # type: ignore[attr-defined]
    assert abs(section.page_width - Mm(210)) < Mm(1)  # A4, to the twip
    assert abs(section.page_height - Mm(297)) < Mm(1)
    assert _within(section.top_margin, 20, 25)
    assert _within(section.bottom_margin, 20, 25)
    assert _within(section.left_margin, 30, 35)
    assert _within(section.right_margin, 15, 20)
    normal = word.styles["Normal"]  # type: ignore[attr-defined]
    assert normal.font.name == "Times New Roman"
    assert 13 <= normal.font.size.pt <= 14


def test_it_draws_the_line_under_the_tieu_ngu_and_bolds_the_title_in_docx() -> None:
    """Issue 9 item 6: a drawn line (a border of its own paragraph), not a text underline."""
    _, word = _docx_texts(render_docx(_decision()))
    header = word.tables[0]  # type: ignore[attr-defined]
    paragraphs = header.rows[0].cells[1].paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text == TIEU_NGU)
    assert all(run.bold and not run.underline for run in paragraphs[index].runs)
    assert paragraphs[index + 1].text == ""
    assert paragraphs[index + 1]._p.pPr.find(qn("w:pBdr")) is not None
    title = next(p for p in word.paragraphs if p.text == "QUYẾT ĐỊNH")  # type: ignore[attr-defined]
    assert title.alignment == 1 and all(run.bold for run in title.runs)  # 1 = centre


def test_it_leaves_the_number_blank_on_a_draft() -> None:
    texts, _ = _docx_texts(render_docx(_decision(number=None)))
    assert "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/QĐ-VKSTC" in texts


def _pdf(tmp_path: Path) -> Path:
    path = tmp_path / "decision.pdf"
    path.write_bytes(render_pdf(_decision()))
    return path


def test_it_prints_the_decree_30_layout_to_pdf(tmp_path: Path) -> None:
    path = _pdf(tmp_path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        QUOC_HIEU,
        TIEU_NGU,
        "Số: 05/QĐ-VKSTC",
        "Hà Nội, ngày 05 tháng 02 năm 2025",
        "QUYẾT ĐỊNH",
        "KT. VIỆN TRƯỞNG",
        "Lê Minh Trí",
        "Nơi nhận:",
        "Nguyễn Văn Ánh",
        "7.020.000",
    ):
        assert expected in text, expected


def test_it_embeds_a_times_compatible_font_on_a4(tmp_path: Path) -> None:
    path = _pdf(tmp_path)
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all("Liberation-Serif" in line for line in fonts)
    assert all(line.split()[-5] == "yes" for line in fonts)  # the "emb" column
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    size = next(line for line in info.stdout.splitlines() if line.startswith("Page size"))
    width, height = (float(v) for v in size.split()[2:5:2])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
