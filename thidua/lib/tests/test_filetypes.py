"""Recognising uploads by content (thidua.lib.filetypes) with the hostile corpus of hostile.py."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from thidua.lib import filetypes
from thidua.lib.filetypes import RefusedFile, detect, download_name, member_head
from thidua.lib.spreadsheets import SpreadsheetError, read_table
from thidua.lib.tests import hostile

PEAK_BYTES = 16 * 1024 * 1024
"""The most memory a check may take on a ~0.6 MB upload (the finding: 1.2 GB)."""


def _measured(check: Callable[[], object]) -> tuple[object, int, float]:
    """The check's result (or the exception it raised), its peak of traced memory, seconds."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        result: object = check()
    except RefusedFile as exc:
        result = exc
    finally:
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, peak, elapsed


def test_it_reads_at_most_a_few_hundred_bytes_of_a_huge_member():
    bomb = hostile.odt_bomb()
    assert len(bomb) < 1024 * 1024  # 600 MiB of zeros, packed
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        info = archive.getinfo("mimetype")
        assert info.file_size > hostile.ZEROS_MIB * 1024 * 1024
        head, peak, elapsed = _measured(lambda: member_head(archive, info))
    assert isinstance(head, bytes) and len(head) == filetypes.HEAD_BYTES
    assert head.startswith(hostile.ODT_MIMETYPE)
    assert peak < 1024 * 1024 and elapsed < 1


BOMBS = {
    "odt": lambda: hostile.odt_bomb(),
    "odt whose directory lies about the size": lambda: hostile.odt_bomb(declared=60),
    "docx": lambda: hostile.ooxml_bomb(hostile.real_docx(), "word/media/image1.png"),
    "xlsx": lambda: hostile.ooxml_bomb(hostile.real_xlsx(), "xl/media/image1.png"),
}


@pytest.mark.parametrize("make", BOMBS.values(), ids=BOMBS.keys())
def test_it_refuses_zip_bombs_without_unpacking_them(make: Callable[[], bytes]):
    data = make()
    result, peak, elapsed = _measured(lambda: detect(data))
    assert isinstance(result, RefusedFile)
    assert result.reason in {"bomb", "damaged"}
    assert peak < PEAK_BYTES and elapsed < 2


def test_it_applies_the_size_and_ratio_limits_to_every_container():
    padded = hostile.rewrite_zip(hostile.real_docx(), {"word/media/pad.bin": b"\0" * 8_000_000})
    with pytest.raises(RefusedFile) as caught:
        detect(padded)  # 8 MB that packs to a few KB: over the ratio
    assert caught.value.reason == "bomb"
    many = hostile.odt(extra={f"Pictures/{i}.png": b"" for i in range(filetypes.MAX_ZIP_MEMBERS)})
    with pytest.raises(RefusedFile):
        detect(many)


ACCEPTED = {
    "pdf": (lambda: hostile.PDF_BYTES, "pdf"),
    "png": (lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "png"),
    "jpeg": (lambda: b"\xff\xd8\xff\xe0" + b"\0" * 64, "jpg"),
    "docx (python-docx)": (hostile.real_docx, "docx"),
    "xlsx (openpyxl)": (hostile.real_xlsx, "xlsx"),
    "odt": (hostile.odt, "odt"),
    "xls without macros": (hostile.clean_xls, "xls"),
    "doc without macros": (hostile.clean_doc, "doc"),
}


@pytest.mark.parametrize(("make", "extension"), ACCEPTED.values(), ids=ACCEPTED.keys())
def test_it_accepts_ordinary_documents(make: Callable[[], bytes], extension: str):
    assert detect(make()).extension == extension


def _docx_with(relationship: str = "", content_type: str = "") -> bytes:
    base = hostile.real_docx()
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        rels = archive.read("word/_rels/document.xml.rels")
        types = archive.read("[Content_Types].xml")
    changes: dict[str, bytes] = {}
    if relationship:
        link = f'<Relationship Id="rIdX" Type="{relationship}" Target="embeddings/x.bin"/>'
        changes["word/_rels/document.xml.rels"] = rels.replace(
            b"</Relationships>", link.encode() + b"</Relationships>"
        )
    if content_type:
        declared = f'<Override PartName="/word/embeddings/x.bin" ContentType="{content_type}"/>'
        changes["[Content_Types].xml"] = types.replace(b"</Types>", declared.encode() + b"</Types>")
    return hostile.rewrite_zip(base, changes | {"word/embeddings/x.bin": b"\0" * 32})


OOXML_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MACROS = {
    "xlsx: VBA renamed, declared and related": lambda: hostile.xlsx_with_hidden_vba(
        hostile.real_xlsx()
    ),
    "xlsx: a part declared as a VBA project": lambda: hostile.xlsx_with_hidden_vba(
        hostile.real_xlsx(), relate=False, payload=b"\x01" * 100
    ),
    "xlsx: a vbaProject relationship": lambda: hostile.xlsx_with_hidden_vba(
        hostile.real_xlsx(), declare=False, payload=b"\x01" * 100
    ),
    "xlsx: a VBA storage under a neutral name, undeclared": lambda: hostile.xlsx_with_hidden_vba(
        hostile.real_xlsx(), declare=False, relate=False
    ),
    "docx: an OLE object": lambda: _docx_with(relationship=OOXML_RELS + "oleObject"),
    "docx: an ActiveX control": lambda: _docx_with(
        content_type="application/vnd.ms-office.activeX+xml"
    ),
    "odt: Basic macros": lambda: hostile.odt(extra={"Basic/Standard/Module1.xml": b"<x/>"}),
    "xls: _VBA_PROJECT_CUR storage": hostile.xls_with_vba,
    "xls: Excel 4.0 macro sheet": hostile.xls_with_macro_sheet,
    "doc: Macros/VBA storage": hostile.doc_with_vba,
}


@pytest.mark.parametrize("make", MACROS.values(), ids=MACROS.keys())
def test_it_refuses_macros_by_content_not_by_name(make: Callable[[], bytes]):
    with pytest.raises(RefusedFile) as caught:
        detect(make())
    assert caught.value.reason == "macros"
    assert "macro" in str(caught.value)


OTHERS = {
    "html": b"<html><script>alert(1)</script></html>",
    "exe": b"MZ\x90\x00" + b"\0" * 64,
    "a plain zip": hostile.rewrite_zip(hostile.odt(), {}).replace(b"mimetype", b"mimetypX"),
    "an encrypted Office file": hostile.compound_file({"EncryptedPackage": b"\x01" * 10}),
    "an OpenDocument of another kind": hostile.odt(b"application/vnd.oasis.opendocument.base"),
    "a zip claiming to be a PDF": hostile.odt(b"application/pdf"),
    "a broken OLE file": filetypes.OLE_MAGIC + b"\0" * 600,
}


@pytest.mark.parametrize("data", OTHERS.values(), ids=OTHERS.keys())
def test_it_refuses_other_kinds_of_file(data: bytes):
    with pytest.raises(RefusedFile) as caught:
        detect(data)
    assert caught.value.reason in {"type", "damaged"}


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("bao-cao.html", filetypes.PDF, "bao-cao.pdf"),
        ("Báo cáo quý 3.PDF", filetypes.PDF, "Báo cáo quý 3.pdf"),
        ("anh", filetypes.PNG, "anh.png"),
        ("..\\..\\x.exe", filetypes.DOCX, "x.docx"),
        (".htaccess", filetypes.PDF, ".htaccess.pdf"),
        ("tep.exe", None, "tep.bin"),
    ],
)
def test_it_names_a_download_after_what_the_file_is(name, kind, expected):
    assert download_name(name, kind) == expected


def test_it_refuses_a_hidden_vba_project_in_an_imported_workbook():
    """The org/people import (read_table) and the Excel import share these checks."""
    data = hostile.xlsx_with_hidden_vba(hostile.real_xlsx(), relate=False, payload=b"\x01" * 99)
    with pytest.raises(SpreadsheetError) as caught:
        read_table("nhan-su.xlsx", data)
    assert "macro" in str(caught.value)


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-calc-nogui) is not installed")
def test_it_accepts_a_real_xls_saved_by_libreoffice(tmp_path: Path):
    source = tmp_path / "bang-ke.xlsx"
    source.write_bytes(hostile.real_xlsx())
    assert SOFFICE is not None
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert detect((tmp_path / "bang-ke.xls").read_bytes()) == filetypes.XLS
