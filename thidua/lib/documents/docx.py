"""Render an `OfficialDocument` to .docx with python-docx in the Decree 30/2020 layout."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from thidua.lib.documents import model
from thidua.lib.documents.model import Image, OfficialDocument, Paragraph, Signer, Table

_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


def render_docx(doc: OfficialDocument) -> bytes:
    """The document as .docx bytes: A4, Decree 30/2020 margins, Times New Roman 14 pt."""
    word = Document()
    _page_setup(word)
    _header(word, doc)
    _title(word, doc)
    if doc.authority_line:
        _para(word, doc.authority_line.upper(), bold=True, align="center", indent=False)
    for basis in doc.legal_bases:
        _para(word, basis, italic=True)
    for line in doc.preamble:
        _para(word, line, italic=True)
    if doc.enacting_line:
        _para(word, doc.enacting_line, bold=True, align="center", indent=False)
    tail = len(doc.body) - doc.keep_with_signature if doc.keep_with_signature else None
    for index, block in enumerate(doc.body):
        start = len(word.paragraphs)
        if isinstance(block, Table):
            _table(word, block)
        elif isinstance(block, Image):
            _image(word, block)
        else:
            _block(word, block)
        if tail is not None and index >= tail:
            for par in word.paragraphs[start:]:
                par.paragraph_format.keep_with_next = True
    _closing(word, doc)
    if tail is not None:
        _keep_closing_together(word)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _page_setup(word: Any) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = Mm(model.PAGE_WIDTH_MM), Mm(model.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(model.MARGIN_TOP_MM), Mm(model.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(model.MARGIN_LEFT_MM), Mm(model.MARGIN_RIGHT_MM)
    normal = word.styles["Normal"]
    normal.font.name = model.FONT_NAME
    normal.font.size = Pt(model.BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), model.FONT_NAME)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.space_before = Pt(0)
    _page_numbers(section)


def _page_numbers(section: Any) -> None:
    """Phụ lục I §I: the page number centred in the top margin, Arabic, 13 pt, upright, not
    on the first page (a PAGE field in the header; the first page's header left empty)."""
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    par = section.header.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind in ("begin", "instr", "separate", "shown", "end"):
        run = _run(par, "2" if kind == "shown" else "", size=model.NUMBER_PT)
        if kind == "shown":  # what a reader shows before it updates the field
            continue
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def _run(
    par: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 0,
    underline: bool = False,
) -> Any:
    run = par.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.name = model.FONT_NAME
    if size:
        run.font.size = Pt(size)
    return run


def _cell_para(cell: Any, text: str, *, first: bool = False, **style: Any) -> Any:
    par = cell.paragraphs[0] if first else cell.add_paragraph()
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    par.paragraph_format.space_after = Pt(0)
    _run(par, text, **style)
    return par


def _lines_para(cell: Any, lines: list[str], *, first: bool, bold: bool = False) -> Any:
    """One centred paragraph, its lines broken where `model.header_lines` breaks them."""
    par = _cell_para(cell, lines[0], first=first, bold=bold, size=model.HEADER_PT)
    for line in lines[1:]:
        par.runs[-1].add_break()
        _run(par, line, bold=bold, size=model.HEADER_PT)
    return par


def _borderless(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    # CT_TblPr is a sequence: tblBorders before shd, tblLayout, tblCellMar and tblLook.
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_TBLBORDERS)


_AFTER_TBLBORDERS = (
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)


def _no_side_margins(table: Any) -> None:
    """Header cells without Word's default 1.9 mm side margins, so that a name measured to
    fit the 75 mm cell (model.header_lines) breaks where the PDF breaks it."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.insert_element_before(margins, *_AFTER_TBLBORDERS[3:])


_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _rule(par: Any, width_mm: float, box_mm: float) -> Any:
    """A paragraph of its own holding a solid line `width_mm` long, centred in a box
    `box_mm` wide: a top border on an empty paragraph indented from both sides, so the line
    is drawn, sized to the text above, and never touches it (Phụ lục I: "nét liền")."""
    side = Mm(max(box_mm - width_mm, 0) / 2)
    fmt = par.paragraph_format
    fmt.left_indent, fmt.right_indent = side, side
    fmt.space_before, fmt.space_after = Pt(2), Pt(0)
    fmt.line_spacing = Pt(2)
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p_pr = par._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    top.set(qn("w:val"), "single")
    top.set(qn("w:sz"), "6")  # eighths of a point: a 0.75 pt line
    top.set(qn("w:space"), "1")
    top.set(qn("w:color"), "000000")
    borders.append(top)
    # CT_PPr is a sequence: pBdr goes before spacing, ind and jc, or Word reports the file
    # as damaged.
    p_pr.insert_element_before(borders, *_AFTER_PBDR)
    return par


def _header(word: Any, doc: OfficialDocument) -> None:
    """Cells 1–4: issuer and number on the left; Quốc hiệu, Tiêu ngữ, place and date right."""
    table = word.add_table(rows=2, cols=2)
    _borderless(table)
    _no_side_margins(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Mm(model.ISSUER_CELL_MM), Mm(model.STATE_CELL_MM))
    rules = model.rule_widths(doc)
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    # the grid too: LibreOffice lays a table out by its grid columns (python-docx makes them
    # equal halves of the page), Word by the cells' widths; the Quốc hiệu then wraps in one
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    left, right = table.rows[0].cells
    first = True
    if doc.governing_body:
        _lines_para(left, model.header_lines(doc.governing_body), first=True)
        first = False
    if doc.issuer:
        _lines_para(left, model.header_lines(doc.issuer, bold=True), first=first, bold=True)
        _rule(left.add_paragraph(), rules["issuer"], model.ISSUER_CELL_MM)
    _cell_para(right, model.QUOC_HIEU, first=True, bold=True, size=model.QUOC_HIEU_PT)
    _cell_para(right, model.TIEU_NGU, bold=True, size=model.TIEU_NGU_PT)
    _rule(right.add_paragraph(), rules["tieu_ngu"], model.STATE_CELL_MM)
    number_cell, date_cell = table.rows[1].cells
    _cell_para(number_cell, doc.number_text, first=True, size=model.NUMBER_PT)
    _cell_para(date_cell, doc.place_and_date, first=True, italic=True, size=14)


def _title(word: Any, doc: OfficialDocument) -> None:
    """Cell 5a: the document type in upper case, the summary below it, both bold and centred."""
    par = word.add_paragraph()
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    par.paragraph_format.space_before = Pt(18)
    par.paragraph_format.space_after = Pt(0)
    _run(par, doc.doc_type.upper(), bold=True, size=14)
    if doc.summary:
        summary = word.add_paragraph()
        summary.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(summary, doc.summary, bold=True, size=14)
        usable = model.PAGE_WIDTH_MM - model.MARGIN_LEFT_MM - model.MARGIN_RIGHT_MM
        _rule(word.add_paragraph(), model.rule_widths(doc)["summary"], usable)
        summary.paragraph_format.space_after = Pt(0)


def _para(
    word: Any,
    text: str,
    *,
    lead: str = "",
    bold: bool = False,
    italic: bool = False,
    align: str = "justify",
    indent: bool = True,
) -> Any:
    par = word.add_paragraph()
    par.alignment = _ALIGN.get(align, WD_ALIGN_PARAGRAPH.JUSTIFY)
    if indent:
        par.paragraph_format.first_line_indent = Mm(10)
    if lead:
        _run(par, lead + " ", bold=True)
    _run(par, text, bold=bold, italic=italic)
    return par


def _block(word: Any, block: Paragraph) -> None:
    par = _para(
        word,
        block.text,
        lead=block.lead,
        bold=block.bold,
        italic=block.italic,
        align=block.align,
        indent=block.indent,
    )
    if block.keep_with_next:
        par.paragraph_format.keep_with_next = True


def _table(word: Any, block: Table) -> None:
    """A grid table at the size and column widths of `model.table_layout` (every figure on
    one line), its heading row repeated on each page."""
    size, widths = model.table_layout(block)
    table = word.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, heading in zip(table.rows[0].cells, block.columns, strict=True):
        _cell_para(cell, heading, first=True, bold=True, size=size)
    _repeat_header(table.rows[0])
    for row in block.rows:
        added = table.add_row()
        added._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        cells = added.cells
        for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
            par = _cell_para(cell, value, first=True, size=size)
            par.alignment = (
                WD_ALIGN_PARAGRAPH.RIGHT if index in block.numeric else WD_ALIGN_PARAGRAPH.LEFT
            )
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    word.add_paragraph()


def _image(word: Any, block: Image) -> None:
    word.add_picture(io.BytesIO(block.png), width=Mm(block.width_mm))
    word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if block.caption:
        _para(word, block.caption, italic=True, align="center", indent=False)


def _repeat_header(row: Any) -> None:
    """A table's heading row repeats on each page it runs to; no row is split."""
    props = row._tr.get_or_add_trPr()
    props.append(OxmlElement("w:cantSplit"))
    props.append(OxmlElement("w:tblHeader"))


def _keep_closing_together(word: Any) -> None:
    """The signature table in one piece: no row split across pages, each paragraph kept with
    the next (Word and LibreOffice keep a paragraph before a table with its first row)."""
    table = word.tables[-1]
    for row in table.rows:
        props = row._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        props.append(cant_split)
        for cell in row.cells:
            for par in cell.paragraphs:
                par.paragraph_format.keep_with_next = True


def _signer_lines(cell: Any, signer: Signer, *, first: bool) -> None:
    for line in signer.lines:
        _cell_para(cell, line, first=first, bold=True, size=14)
        first = False
    if signer.note:
        _cell_para(cell, signer.note, first=first, italic=True, size=13)
    for _ in range(3):
        _cell_para(cell, "", size=14)
    _cell_para(cell, signer.name, bold=True, size=14)


def _closing(word: Any, doc: OfficialDocument) -> None:
    """Cells 7–9b: "Nơi nhận:" on the left, the signer(s) on the right."""
    table = word.add_table(rows=1, cols=2)
    _borderless(table)
    left, right = table.rows[0].cells
    if doc.recipients:
        par = left.paragraphs[0]
        _run(par, "Nơi nhận:", bold=True, italic=True, size=12)
        for item in doc.recipients:
            line = left.add_paragraph()
            line.paragraph_format.space_after = Pt(0)
            _run(line, f"- {item}", size=11)
    signers = list(doc.signers)
    if len(signers) == 2:
        # Minutes: the secretary signs on the left, the chair on the right.
        _signer_lines(left, signers[0], first=not doc.recipients)
        signers = signers[1:]
    for index, signer in enumerate(signers):
        _signer_lines(right, signer, first=index == 0)
