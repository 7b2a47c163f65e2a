"""The parts of an administrative document, Decree 30/2020/NĐ-CP Phụ lục I (cells 1–9b)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from thidua.lib.dates import official_date

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"

ABBREVIATIONS: dict[str, str] = json.loads(
    (Path(__file__).with_name("abbreviations.json")).read_text(encoding="utf-8")
)["abbreviations"]
"""Abbreviations of state bodies that a document writes in full in the issuer's name, the
authority line and "Theo đề nghị của …" (Phụ lục I, cell 2: the issuer's name is written in
full, while a unit register may keep the short form); national data in abbreviations.json."""

_ABBREVIATION = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\b")


def in_full(name: str) -> str:
    """ "UBND tỉnh Tuyên Quang" → "Ủy ban nhân dân tỉnh Tuyên Quang"; a name already in
    full is unchanged. Inside a sentence the full name keeps its capital (a proper name)."""
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1)], name)


AUTHORITY_PREFIXES = ("", "KT.", "TM.", "TL.", "Q.", "TUQ.")
"""Decree 30/2020 Phụ lục I, cell 7a: the signer's authority prefix."""

# Page layout, Decree 30/2020 Phụ lục I §I: A4, margins top/bottom 20–25 mm, left 30–35 mm,
# right 15–20 mm; Times New Roman 13–14 pt.
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15
FONT_NAME = "Times New Roman"
BODY_PT = 14
# Phụ lục I cells 1–2: the governing body and issuer 12–13 pt (12 here, so that a full name
# such as "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO" holds on one line), the Quốc hiệu 12–13 pt bold (12
# here, within the state column), the Tiêu ngữ 13–14 pt bold (13 here).
HEADER_PT = 12
QUOC_HIEU_PT = 12
TIEU_NGU_PT = 13
NUMBER_PT = 13
ISSUER_CELL_MM = 75
STATE_CELL_MM = 90
PT_MM = 25.4 / 72

_FONT_DIRS = [
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
]


@functools.cache
def _font(size: float, bold: bool) -> object | None:
    from PIL import ImageFont

    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    for folder in _FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size=int(size * 10))
    return None


def text_width_mm(text: str, size: float, *, bold: bool = False) -> float:
    """The width of one line of `text` in Times New Roman (Liberation Serif has its metrics);
    an estimate of half an em per character when the font is missing."""
    font = _font(size, bold)
    if font is None:
        return len(text) * size * 0.5 * PT_MM
    return float(font.getlength(text)) / 10 * PT_MM  # type: ignore[attr-defined]


LEVEL_WORDS = (
    "TỐI CAO",
    "TỈNH",
    "THÀNH PHỐ",
    "HUYỆN",
    "QUẬN",
    "THỊ XÃ",
    "XÃ",
    "PHƯỜNG",
    "KHU VỰC",
    "NGÀNH",
)
"""Where a body's name that does not fit its header cell is broken: before its level
("VIỆN KIỂM SÁT NHÂN DÂN" / "TỐI CAO"), as the samples of Phụ lục I set it."""


def header_lines(text: str, size: float = HEADER_PT, *, bold: bool = False) -> list[str]:
    """A header name (cells 1–2) in capitals, on as many lines as the issuer cell needs:
    broken before its level word, then after a dash ("HỘI ĐỒNG THI ĐUA -" / "KHEN THƯỞNG"),
    then where two lines are most even; each line fits the cell when it can."""
    words = text.upper().split()
    if not words:
        return [""]
    for level in LEVEL_WORDS:
        head = level.split()
        for index in range(2, len(words)):
            if words[index : index + len(head)] == head:
                if _fits(" ".join(words), size, bold):
                    return [" ".join(words)]
                return _fit(words[:index], size, bold) + _fit(words[index:], size, bold)
    return _fit(words, size, bold)


def _fits(line: str, size: float, bold: bool) -> bool:
    return text_width_mm(line, size, bold=bold) <= ISSUER_CELL_MM - 2


def _fit(words: list[str], size: float, bold: bool) -> list[str]:
    line = " ".join(words)
    if _fits(line, size, bold) or len(words) < 2:
        return [line]
    if "-" in words[1:-1]:
        cut = words.index("-", 1) + 1
        return _fit(words[:cut], size, bold) + _fit(words[cut:], size, bold)
    best = min(
        range(1, len(words)),
        key=lambda i: max(
            text_width_mm(" ".join(words[:i]), size, bold=bold),
            text_width_mm(" ".join(words[i:]), size, bold=bold),
        ),
    )
    return [" ".join(words[:best]), " ".join(words[best:])]


def rule_widths(doc: OfficialDocument) -> dict[str, float]:
    """The horizontal lines of Phụ lục I, in mm. Under the issuer (cell 2) and under the
    summary (cell 5a): a third to a half of the line above, here 0.4 of it; under the Tiêu ngữ
    (cell 1): as long as the Tiêu ngữ line. Each line is capped by its header cell."""
    issuer = min(text_width_mm(doc.issuer.upper(), HEADER_PT, bold=True), ISSUER_CELL_MM)
    # A form with no issuer (a person's achievement report) has no line under it.
    summary = text_width_mm(doc.summary, BODY_PT, bold=True) if doc.summary else 0.0
    usable = USABLE_MM
    return {
        "issuer": round(issuer * 0.4, 1),
        "tieu_ngu": round(text_width_mm(TIEU_NGU, TIEU_NGU_PT, bold=True), 1),
        "summary": round(min(summary, usable) * 0.4, 1),
    }


USABLE_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
TABLE_PT = 12
TABLE_SIZES = (12.0, 11.0, 10.0)
"""A table's text size: 12 pt, smaller only when its figures would not fit otherwise."""
CELL_PADDING_MM = 4.0
"""A cell's side padding and borders (PDF 2 × 4 pt; Word's default 2 × 1.9 mm), rounded up."""


def _column_needs(table: Table, size: float) -> list[float]:
    """The narrowest width of each column in mm: a figure on one line (numeric columns), or the
    longest word of its values and of its heading (bold) for the others."""
    needs = []
    for index, heading in enumerate(table.columns):
        values = [row[index] for row in table.rows if index < len(row)]
        if index in table.numeric:
            words = values
        else:
            words = [word for value in values for word in value.split()]
        widest = max((text_width_mm(w, size) for w in words), default=0.0)
        head = max((text_width_mm(w, size, bold=True) for w in heading.split()), default=0.0)
        needs.append(max(widest, head) + CELL_PADDING_MM)
    return needs


def table_layout(table: Table, usable_mm: float = USABLE_MM) -> tuple[float, list[float]]:
    """(text size in pt, column widths in mm summing to `usable_mm`) of a body table: the
    relative `widths` as asked, widened where a figure or a word would not fit its column
    (the room taken from the other columns), at the largest of TABLE_SIZES that fits."""
    count = len(table.columns)
    relative = [float(w) for w in table.widths] if len(table.widths) == count else [1.0] * count
    for size in TABLE_SIZES:
        needs = _column_needs(table, size)
        if sum(needs) <= usable_mm or size == TABLE_SIZES[-1]:
            break
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(count) if i not in fixed]
        room = usable_mm - sum(fixed.values())
        weight = sum(relative[i] for i in free)
        if not free or room <= 0 or weight <= 0:
            break
        widths = {i: room * relative[i] / weight for i in free}
        short = [i for i in free if widths[i] < needs[i]]
        if not short:
            fixed.update(widths)
            break
        fixed.update({i: needs[i] for i in short})
    out = [fixed.get(i, needs[i]) for i in range(count)]
    total = sum(out)
    return size, [round(w * usable_mm / total, 2) for w in out] if total else out


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph. `lead` is a bold run before the text ("Điều 1."); `align` is
    "justify", "center", "left" or "right"."""

    text: str
    lead: str = ""
    bold: bool = False
    italic: bool = False
    align: str = "justify"
    indent: bool = True
    keep_with_next: bool = False
    """A heading: never the last line of a page, kept with the block after it."""


@dataclass(frozen=True)
class Table:
    """A table in the body (an awardee list, vote counts)."""

    columns: list[str]
    rows: list[list[str]]
    widths: list[int] = field(default_factory=list)
    """Relative column widths (percentages of the text width); empty lets the renderer
    decide."""
    numeric: set[int] = field(default_factory=set)
    """Indexes of right-aligned columns."""


@dataclass(frozen=True)
class Image:
    """A picture in the body (a chart drawn as PNG), centred, with its caption beneath."""

    png: bytes
    caption: str = ""
    width_mm: int = 150

    @property
    def data_uri(self) -> str:
        import base64

        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


Block = Paragraph | Table | Image


@dataclass(frozen=True)
class Signer:
    """Cells 7a–7c: "KT. VIỆN TRƯỞNG" / "PHÓ VIỆN TRƯỞNG" / the name.

    `authority` is the prefix (KT., TM., TL., Q., TUQ. or empty) and `authority_of` what it
    refers to (the head's position for KT., the collective for TM.); `position` is the
    signer's own position."""

    name: str
    position: str
    authority: str = ""
    authority_of: str = ""
    note: str = ""
    """An italic line under the position, such as "(Ký, ghi rõ họ và tên)" in a form."""

    def __post_init__(self) -> None:
        if self.authority not in AUTHORITY_PREFIXES:
            raise ValueError(f"Unknown authority prefix {self.authority!r}")

    @property
    def lines(self) -> list[str]:
        """The bold upper-case lines above the signature space."""
        out = []
        if self.authority:
            out.append(f"{self.authority} {self.authority_of}".strip().upper())
        out.append(self.position.upper())
        return out


@dataclass(frozen=True)
class OfficialDocument:
    """An administrative document. A `number` of None leaves the space blank (a draft)."""

    issuer: str
    symbol: str
    place: str
    date: dt.date
    doc_type: str
    summary: str = ""
    governing_body: str = ""
    number: int | None = None
    legal_bases: list[str] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    authority_line: str = ""
    """Phụ lục I Mẫu 1.2 "THẨM QUYỀN BAN HÀNH": who decides ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH
    …"), bold capitals centred under the summary's line, before the bases and "QUYẾT ĐỊNH:"."""
    enacting_line: str = ""
    body: Sequence[Block] = field(default_factory=list)
    signers: list[Signer] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    filename_stem: str = "document"
    keep_with_signature: int = 0
    """How many of the last body blocks stay on the signature block's page, so that the
    signatures are never alone on a page (.docx: keep-with-next; .pdf: one unbreakable
    block). 0 leaves the page breaks to the renderer."""

    @property
    def number_text(self) -> str:
        """Cell 3; empty for a document without a number (a report in a form's layout)."""
        return number_line(self.number, self.symbol) if self.symbol else ""

    @property
    def place_and_date(self) -> str:
        return official_date(self.date, self.place)


BLANK_NUMBER = "\u00a0" * 8
"""Non-breaking spaces where the clerk writes the number by hand: HTML keeps them."""


def number_line(number: int | None, symbol: str) -> str:
    """'Số: 05/QĐ-STC' — a leading zero below 10 (Decree 30/2020 Phụ lục I, cell 3)."""
    if number is None:
        return "Số:" + BLANK_NUMBER + f"/{symbol}"
    return f"Số: {number:02d}/{symbol}"
