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


def _figures_table() -> Table:
    """A sector's figures: eight columns, four years of sums in millions with decimals, at the
    relative widths a review asks for (the year columns 9 % each)."""
    figures = ["8.314.717,00", "9.224.932,00", "10.396.349,00", "12.500.381,00"]
    return Table(
        ["Chỉ tiêu", "Đơn vị tính", "2022", "2023", "2024", "2025", "So với đầu giai đoạn"],
        [["Dự toán chi thường xuyên được giao", "triệu đồng", *figures, "+4.185.664,00"]],
        widths=[30, 10, 9, 9, 9, 9, 12],
        numeric={2, 3, 4, 5, 6},
    )


def test_a_tables_figures_fit_their_columns() -> None:
    """A figure never spills over its column: each numeric column is at least as wide as its
    widest figure at the table's size, the room taken from the text columns."""
    from thidua.lib.documents import model

    table = _figures_table()
    size, widths = model.table_layout(table)
    assert sum(widths) == pytest.approx(model.USABLE_MM, abs=0.1)
    for index in table.numeric:
        widest = model.text_width_mm(table.rows[0][index], size)
        assert widths[index] >= widest + model.CELL_PADDING_MM - 0.01
    # the text columns keep room for their longest word
    assert widths[0] > widths[1] >= model.text_width_mm("triệu", size) + model.CELL_PADDING_MM
    # A table whose figures fit keeps its asked widths and 12 pt.
    small = Table(["Đơn vị", "Số"], [["Tỉnh A", "5"]], widths=[80, 20], numeric={1})
    assert model.table_layout(small) == (12.0, [132.0, 33.0])


def test_the_renderers_use_the_fitted_widths() -> None:
    from thidua.lib.documents import model
    from thidua.lib.documents.pdf import render_html

    table = _figures_table()
    doc = OfficialDocument(
        issuer="Văn phòng",
        symbol="BC-VP",
        place="Hà Nội",
        date=dt.date(2025, 2, 5),
        doc_type="Báo cáo",
        body=[table],
    )
    size, widths = model.table_layout(table)
    html = render_html(doc)
    assert f'<table class="grid" style="font-size: {size:.1f}pt">' in html
    assert "".join(f'<col style="width: {w:.2f}mm">' for w in widths) in html
    word = Document(io.BytesIO(render_docx(doc)))
    grid = word.tables[1]  # after the heading table, before the signature table
    assert [round(c.width.mm, 1) for c in grid.rows[1].cells] == [round(w, 1) for w in widths]
    sizes = {r.font.size.pt for c in grid.rows[1].cells for p in c.paragraphs for r in p.runs}
    assert sizes == {size}


def test_the_docx_heading_columns_are_laid_out_by_the_grid_too() -> None:
    """LibreOffice lays a table out by its grid columns, Word by its cells: both say 75 and
    90 mm, so the Quốc hiệu (87,7 mm at 12 pt bold) stays on one line in either."""
    from thidua.lib.documents import model

    word = Document(io.BytesIO(render_docx(_decision())))
    heading = word.tables[0]
    grid = heading._tbl.tblGrid.findall(qn("w:gridCol"))
    wanted = [model.ISSUER_CELL_MM, model.STATE_CELL_MM]
    assert [round(int(g.get(qn("w:w"))) * 25.4 / 1440) for g in grid] == wanted  # twips
    assert [round(c.width.mm) for c in heading.rows[0].cells] == wanted
    assert heading.autofit is False
    assert model.text_width_mm(model.QUOC_HIEU, model.QUOC_HIEU_PT, bold=True) < wanted[1]


def test_the_docx_numbers_its_pages_from_the_second() -> None:
    """Phụ lục I §I: the page number in the top margin, centred, 13 pt, not on page 1."""
    word = Document(io.BytesIO(render_docx(_decision())))
    section = word.sections[0]
    assert section.different_first_page_header_footer
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()
    header = section.header.paragraphs[0]
    assert header.alignment == 1  # centred
    xml = header._p.xml
    assert "PAGE" in xml and 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
    assert {r.font.size.pt for r in header.runs} == {13}
    assert {r.font.name for r in header.runs} == {"Times New Roman"}


def test_a_heading_stays_with_what_follows() -> None:
    from thidua.lib.documents.pdf import render_html

    doc = OfficialDocument(
        issuer="Văn phòng",
        symbol="BC-VP",
        place="Hà Nội",
        date=dt.date(2025, 2, 5),
        doc_type="Báo cáo",
        body=[
            Paragraph("I. KẾT QUẢ", bold=True, indent=False, keep_with_next=True),
            Paragraph("Nội dung."),
        ],
    )
    word = Document(io.BytesIO(render_docx(doc)))
    heading = next(p for p in word.paragraphs if p.text == "I. KẾT QUẢ")
    following = next(p for p in word.paragraphs if p.text == "Nội dung.")
    assert heading.paragraph_format.keep_with_next
    assert not following.paragraph_format.keep_with_next
    assert 'class="justify noindent keep"' in render_html(doc)
