"""Reading and writing .csv/.xlsx: encodings, delimiters, unsafe workbooks, formula injection."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.utils import translation

from thidua.lib.spreadsheets import (
    Sheet,
    SpreadsheetError,
    read_table,
    safe_text,
    write_csv,
    write_xlsx,
)

CP1258_BYTES = b"code,name\r\nHN,H\xe0 N\xf4\xf2i\r\n"  # "Hà Nội" saved as Windows-1258


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, the msgid language; Vietnamese is tested in views."""
    with translation.override("en"):
        yield


def _xlsx(rows: list[list[object]], name: str = "Sheet1") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = name
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _with_member(data: bytes, member: str, content: bytes) -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, content)
    return buffer.getvalue()


def test_it_reads_utf8_csv_with_bom_and_numbers_rows_as_excel_does():
    data = "\ufeffcode,name\r\n\r\nHN,Hà Nội\r\nHUE,Huế\r\n".encode()
    table = read_table("units.csv", data)
    assert table.header == ["code", "name"]
    assert [(r.number, r.values) for r in table.rows] == [
        (3, {"code": "HN", "name": "Hà Nội"}),
        (4, {"code": "HUE", "name": "Huế"}),
    ]


def test_it_reads_semicolon_csv_without_bom():
    table = read_table("x.CSV", "Mã;Tên\nHN;Hà Nội; \n".encode())
    assert table.rows[0].values == {"Mã": "HN", "Tên": "Hà Nội"}


def test_it_keeps_a_quoted_line_break_in_one_row():
    table = read_table("x.csv", b'code,note\nA,"two\nlines"\nB,x\n')
    assert [r.number for r in table.rows] == [2, 3]
    assert table.rows[0].values["note"] == "two\nlines"


def test_it_normalises_decomposed_vietnamese_to_nfc():
    table = read_table("x.csv", "name\nHa\u0300 No\u0323\u0302i\n".encode())
    assert table.rows[0].values["name"] == "Hà Nội"


@pytest.mark.parametrize(
    ("filename", "data", "fragment"),
    [
        ("x.csv", CP1258_BYTES, "UTF-8"),
        ("x.csv", "name\nHà Nội\n".encode().decode("cp1252", "replace").encode(), "UTF-8"),
        ("x.csv", "name\nCafé\n".encode().decode("cp1252").encode("utf-8"), "UTF-8"),
        ("x.csv", b'code,name\nA,"unclosed\n', "malformed"),
        ("x.csv", b'code,name\nA,"x"y\n', "malformed"),
        ("x.csv", b"", "empty"),
        ("x.csv", b"\n ,\n", "empty"),
        ("x.csv", b"code,name\nA,B,C\n", "Row 2"),
        ("x.csv", b"code,Code\nA,B\n", "twice"),
        ("x.csv", _xlsx([["code"]]), ".xlsx"),
        ("x.xlsx", b"code,name\nA,B\n", "not a real .xlsx"),
        ("x.xlsx", b"PK\x03\x04garbage", "damaged"),
        ("x.xls", b"\xd0\xcf\x11\xe0", ".xls"),
        ("x.txt", b"code\n", ".xlsx or .csv"),
        ("noextension", b"code\n", ".xlsx or .csv"),
    ],
)
def test_it_refuses_unreadable_files_with_a_clear_message(filename, data, fragment):
    with pytest.raises(SpreadsheetError) as caught:
        read_table(filename, data)
    assert fragment in str(caught.value)


def test_it_refuses_a_file_over_the_upload_limit(settings):
    settings.THIDUA_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(SpreadsheetError) as caught:
        read_table("x.csv", b"code\n" + b"A\n" * 1024)
    assert "larger than" in str(caught.value)


def test_it_refuses_a_zip_bomb():
    bomb = _with_member(_xlsx([["code"], ["A"]]), "xl/media/padding.bin", b"\0" * 5_000_000)
    with pytest.raises(SpreadsheetError) as caught:
        read_table("x.xlsx", bomb)
    assert "unsafe" in str(caught.value)


@pytest.mark.parametrize("filename", ["macro.xlsm", "macro.xlsx"])
def test_it_refuses_a_workbook_with_macros(filename):
    data = _with_member(_xlsx([["code"], ["A"]]), "xl/vbaProject.bin", b"\x01" * 100)
    with pytest.raises(SpreadsheetError) as caught:
        read_table(filename, data)
    assert "macros" in str(caught.value)


def test_it_reads_xlsx_dates_numbers_and_skips_blank_rows():
    data = _xlsx([["code", "date", "staff"], [None, None], ["A", dt.datetime(2025, 3, 5), 12.0]])
    table = read_table("x.xlsx", data)
    assert [(r.number, r.values) for r in table.rows] == [
        (3, {"code": "A", "date": "05/03/2025", "staff": "12"})
    ]


def test_it_reads_the_preferred_sheet_of_a_workbook():
    data = write_xlsx(
        [Sheet("Units", ["code"], [["A"]]), Sheet("Events", ["event", "code"], [["create", "A"]])]
    )
    table = read_table("x.xlsx", data, prefer=lambda header: "event" in header)
    assert table.rows[0].values == {"event": "create", "code": "A"}
    assert read_table("x.xlsx", data).header == ["code"]


def test_it_neutralises_formulas_in_csv_and_reads_them_back_as_text():
    data = write_csv(["name", "n"], [["=HYPERLINK(1)", 3], ["-x", -2], ["@a", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    assert "'-x" in text
    assert ",-2" in text
    rows = read_table("x.csv", data).rows
    assert [r.values["name"] for r in rows] == ["=HYPERLINK(1)", "-x", "@a"]


def test_it_writes_xlsx_with_frozen_bold_header_and_no_formulas():
    day = dt.date(2025, 1, 1)
    data = write_xlsx([Sheet("Đơn vị: [A]", ["name", "from"], [["=1+1", day], ["Huế", None]])])
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book.worksheets[0]
    assert ws.title == "Đơn vị   A"
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b
    assert ws["A2"].data_type == "s"
    assert ws["A2"].value == "=1+1"
    assert ws["A2"].quotePrefix
    assert ws["B2"].value == dt.datetime(2025, 1, 1)
    assert read_table("x.xlsx", data).rows[0].values == {"name": "=1+1", "from": "01/01/2025"}


def test_it_leaves_safe_text_alone():
    assert safe_text("Hà Nội") == "Hà Nội"
    assert safe_text("+84") == "'+84"


def test_a_wrapped_label_gets_a_row_tall_enough_for_its_lines() -> None:
    from thidua.lib.spreadsheets import ROW_POINTS, wrapped_row_points

    assert wrapped_row_points("Lãnh đạo, quản lý", 34) is None  # one line: the default
    assert wrapped_row_points("", 34) is None
    title = "Báo cáo tiết kiệm nhưng không có hồ sơ tương ứng"  # 48 characters
    assert wrapped_row_points(title, 34) == 2 * ROW_POINTS
    assert wrapped_row_points(title * 3, 34) == 4 * ROW_POINTS
    assert wrapped_row_points(title, 50) is None  # a wider column holds it
