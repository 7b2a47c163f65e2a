"""A corpus of hostile (and of harmless) uploads, built in memory by the tests that use them.

How each is made, so that anyone can check it:
- OLE compound files (.doc/.xls) are written by `compound_file`, a minimal writer of the
  Compound File Binary format ([MS-CFB] version 3: 512-byte sectors, one FAT sector, every
  stream at least 4096 bytes so that no mini stream is needed). olefile only reads such files;
  the ones made here are read back by olefile in the tests. `xls_with_vba` has Excel's
  `_VBA_PROJECT_CUR/VBA/dir` storages, `doc_with_vba` Word's `Macros/VBA/dir`,
  `xls_with_macro_sheet` an Excel 4.0 macro sheet declared in the workbook globals.
- Zip bombs are written by `raw_zip` from a deflate stream of 600 MiB of zeros produced in
  ~0.5 s: one MiB of zeros compresses (with a full flush) to the same 1,037 bytes every time,
  so the stream is that block repeated; the file is ~620 KB. The .odt one starts its
  `mimetype` entry with the real OpenDocument type, as in the finding.
- Macro-carrying .xlsx files start from a real workbook and add a VBA project under a neutral
  name (`xl/media/image9.dat`), declared by content type, by relationship, or not at all.
- A real legacy .xls comes from LibreOffice headless (tests that need it skip without it).
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

ZEROS_MIB = 600
"""The size of the zip bombs' big member, in MiB."""

_ENDOFCHAIN = 0xFFFFFFFE
_FREESECT = 0xFFFFFFFF
_FATSECT = 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_SECTOR = 512


# --- OLE compound files ----------------------------------------------------------------------


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file holding `streams` by path ("_VBA_PROJECT_CUR/VBA/dir"); the
    storages on the way are created. Each stream is padded to at least 4096 bytes."""
    entries: list[dict[str, object]] = [{"name": "Root Entry", "type": 5, "children": []}]
    index = {"": 0}
    for path, content in streams.items():
        parts = path.split("/")
        for depth in range(len(parts)):
            key = "/".join(parts[: depth + 1])
            if key in index:
                continue
            last = depth == len(parts) - 1
            index[key] = len(entries)
            entry: dict[str, object] = {"name": parts[depth], "type": 2 if last else 1}
            if last:
                entry["data"] = content.ljust(4096, b"\0")
            else:
                entry["children"] = []
            entries.append(entry)
            parent = entries[index["/".join(parts[:depth])]]
            children = parent["children"]
            assert isinstance(children, list)
            children.append(index[key])
    return _write_cfb(entries)


def _write_cfb(entries: list[dict[str, object]]) -> bytes:
    dir_sectors = (len(entries) + 3) // 4
    next_sector = 1 + dir_sectors  # sector 0 is the FAT
    fat = [_FATSECT, *range(2, 1 + dir_sectors), _ENDOFCHAIN]
    body = b""
    for entry in entries:
        data = entry.get("data")
        if isinstance(data, bytes):
            count = (len(data) + _SECTOR - 1) // _SECTOR
            entry["start"] = next_sector
            fat += [*range(next_sector + 1, next_sector + count), _ENDOFCHAIN]
            body += data.ljust(count * _SECTOR, b"\0")
            next_sector += count
    assert len(fat) <= _SECTOR // 4, "one FAT sector is enough for these small files"
    fat_sector = struct.pack(f"<{_SECTOR // 4}I", *fat, *[_FREESECT] * (_SECTOR // 4 - len(fat)))
    directory = b"".join(_dir_entry(entries, i) for i in range(len(entries)))
    directory = directory.ljust(dir_sectors * _SECTOR, b"\0")
    return _header(dir_start=1) + fat_sector + directory + body


def _dir_entry(entries: list[dict[str, object]], i: int) -> bytes:
    """One 128-byte directory entry; siblings are chained through their right pointer."""
    entry = entries[i]
    siblings: list[int] = []
    for other in entries:
        children = other.get("children")
        if isinstance(children, list) and i in children:
            siblings = children
    right = siblings[siblings.index(i) + 1] if i in siblings[:-1] else _NOSTREAM
    children = entry.get("children")
    child = children[0] if isinstance(children, list) and children else _NOSTREAM
    name = str(entry["name"]).encode("utf-16-le") + b"\0\0"
    data = entry.get("data")
    size = len(data) if isinstance(data, bytes) else 0
    start = entry.get("start", _ENDOFCHAIN if entry["type"] == 5 else 0)
    assert isinstance(start, int) and isinstance(entry["type"], int)
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBB", len(name), entry["type"], 1)
        + struct.pack("<III", _NOSTREAM, right, child)
        + b"\0" * 16  # CLSID
        + b"\0" * 4  # state bits
        + b"\0" * 16  # creation and modification times
        + struct.pack("<IQ", start, size)
    )


def _header(*, dir_start: int) -> bytes:
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, dir_start, 0, 4096, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
        + struct.pack("<I", 0)  # DIFAT[0]: the FAT is sector 0
        + struct.pack("<108I", *[_FREESECT] * 108)
    )
    assert len(header) == _SECTOR
    return header


def _biff(record: int, payload: bytes) -> bytes:
    return struct.pack("<HH", record, len(payload)) + payload


def workbook_stream(sheet_types: tuple[int, ...] = (0,)) -> bytes:
    """A BIFF8 workbook globals substream: BOF, one BoundSheet8 per sheet type, EOF."""
    bof = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
    sheets = b"".join(
        _biff(0x0085, struct.pack("<IBB", 0, 0, kind) + b"\x05\x00Sheet") for kind in sheet_types
    )
    return bof + sheets + _biff(0x000A, b"")


def clean_xls() -> bytes:
    return compound_file({"Workbook": workbook_stream()})


def xls_with_vba() -> bytes:
    return compound_file(
        {
            "Workbook": workbook_stream(),
            "_VBA_PROJECT_CUR/PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"',
            "_VBA_PROJECT_CUR/VBA/dir": b"\x01" * 64,
        }
    )


def xls_with_macro_sheet() -> bytes:
    """Excel 4.0 (XLM) macros: a macro sheet, and no VBA storage at all."""
    return compound_file({"Workbook": workbook_stream((0, 1))})


def clean_doc() -> bytes:
    return compound_file({"WordDocument": b"\xec\xa5" + b"\0" * 510, "1Table": b"\0"})


def doc_with_vba() -> bytes:
    return compound_file(
        {
            "WordDocument": b"\xec\xa5" + b"\0" * 510,
            "1Table": b"\0",
            "Macros/PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"',
            "Macros/VBA/dir": b"\x01" * 64,
        }
    )


def vba_project() -> bytes:
    """What Excel stores as xl/vbaProject.bin: a compound file with the VBA storage."""
    return compound_file({"PROJECT": b'ID="{0}"', "VBA/dir": b"\x01" * 64})


# --- zip containers ----------------------------------------------------------------------------


@functools.cache
def zeros_deflated(prefix: bytes = b"") -> tuple[bytes, int, int]:
    """A raw deflate stream of `prefix` followed by ZEROS_MIB MiB of zeros, its CRC-32 and its
    unpacked size."""
    block = b"\0" * (1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    flushed = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(block) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(ZEROS_MIB):
        crc = zlib.crc32(block, crc)
    return head + flushed * (ZEROS_MIB - 1) + last, crc, len(prefix) + ZEROS_MIB * 1024 * 1024


def raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, raw deflate stream, CRC-32, declared unpacked size) members, written by
    hand so that a member can be huge (or lie about its size) without being built."""
    out, central = io.BytesIO(), b""
    for name, stream, crc, size in members:
        encoded = name.encode()
        offset = out.tell()
        # version needed, flags, deflate, time, date (1980-01-01), CRC, sizes
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 33, crc, len(stream), size)
        out.write(b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded + stream)
        central += (
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fields
            + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, offset)
            + encoded
        )
    start = out.tell()
    count = len(members)
    end = struct.pack("<HHHHIIH", 0, 0, count, count, len(central), start, 0)
    return out.getvalue() + central + b"PK\x05\x06" + end


def _member(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
CONTENT_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>'
)


def odt(mimetype: bytes = ODT_MIMETYPE, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal OpenDocument text (LibreOffice Writer is not installed on the test machine)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", CONTENT_XML, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in (extra or {}).items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _zeros_member(
    name: str, prefix: bytes = b"", declared: int | None = None
) -> tuple[str, bytes, int, int]:
    stream, crc, size = zeros_deflated(prefix)
    return name, stream, crc, size if declared is None else declared


def odt_bomb(*, declared: int | None = None) -> bytes:
    """The .odt of the finding: a `mimetype` entry that names an OpenDocument text and goes on
    with 600 MiB of zeros. With `declared`, the zip's directory lies that it is that small."""
    return raw_zip(
        [_zeros_member("mimetype", ODT_MIMETYPE, declared), _member("content.xml", CONTENT_XML)]
    )


def ooxml_bomb(base: bytes, huge_member: str) -> bytes:
    """A real .docx/.xlsx with one more member of 600 MiB of zeros."""
    members = []
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        for info in archive.infolist():
            members.append(_member(info.filename, archive.read(info)))
    return raw_zip([*members, _zeros_member(huge_member)])


def rewrite_zip(base: bytes, changes: dict[str, bytes]) -> bytes:
    """`base` with members replaced or added."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename not in changes:
                target.writestr(info.filename, source.read(info))
        for name, data in changes.items():
            target.writestr(name, data)
    return buffer.getvalue()


VBA_TYPE = b"application/vnd.ms-office.vbaProject"
XLSM_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
VBA_RELATIONSHIP = b"http://schemas.microsoft.com/office/2006/relationships/vbaProject"
HIDDEN_PART = "xl/media/image9.dat"


def _read(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def xlsx_with_hidden_vba(
    base: bytes, *, declare: bool = True, relate: bool = True, payload: bytes | None = None
) -> bytes:
    """A real .xlsx made macro-enabled the way Excel would, except that the VBA project sits
    under a neutral name: declared by its content type (and the workbook's macro-enabled
    type) and/or linked by a vbaProject relationship, or (both False) only present. With
    `payload`, the part holds those bytes instead of a real VBA storage."""
    changes = {HIDDEN_PART: vba_project() if payload is None else payload}
    if declare:
        types = _read(base, "[Content_Types].xml").replace(XLSX_MAIN, XLSM_MAIN)
        override = b'<Override PartName="/' + HIDDEN_PART.encode() + b'" ContentType="'
        changes["[Content_Types].xml"] = types.replace(
            b"</Types>", override + VBA_TYPE + b'"/></Types>'
        )
    if relate:
        rels = _read(base, "xl/_rels/workbook.xml.rels")
        link = (
            b'<Relationship Id="rIdVba" Type="'
            + VBA_RELATIONSHIP
            + b'" Target="media/image9.dat"/>'
        )
        changes["xl/_rels/workbook.xml.rels"] = rels.replace(
            b"</Relationships>", link + b"</Relationships>"
        )
    return rewrite_zip(base, changes)


PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
"""A PDF's bytes; the corpus sends them named `bao-cao.html`."""


def real_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Chỉ tiêu", "Số liệu"])
    book.active.append(["Điện năng", 1234])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def real_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Báo cáo kết quả thực hành tiết kiệm, chống lãng phí.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- what the upload tests send --------------------------------------------------------------


@functools.cache
def hostile_evidence() -> dict[str, tuple[str, bytes, str]]:
    """What the evidence tests upload: case → (file name, bytes, the reason it is refused)."""
    return {
        "zip bomb .odt": ("bao-cao.odt", odt_bomb(), "bomb"),
        "zip bomb .docx": ("bao-cao.docx", ooxml_bomb(real_docx(), "word/media/anh.png"), "bomb"),
        "zip bomb .xlsx": ("bang-ke.xlsx", ooxml_bomb(real_xlsx(), "xl/media/anh.png"), "bomb"),
        ".xlsx with its VBA renamed": ("bang-ke.xlsx", xlsx_with_hidden_vba(real_xlsx()), "macros"),
        ".xls with a VBA storage": ("bang-ke.xls", xls_with_vba(), "macros"),
        ".xls with an Excel 4.0 macro sheet": ("bang-ke.xls", xls_with_macro_sheet(), "macros"),
        ".doc with a VBA storage": ("to-trinh.doc", doc_with_vba(), "macros"),
    }


HOSTILE_EVIDENCE = (
    "zip bomb .odt",
    "zip bomb .docx",
    "zip bomb .xlsx",
    ".xlsx with its VBA renamed",
    ".xls with a VBA storage",
    ".xls with an Excel 4.0 macro sheet",
    ".doc with a VBA storage",
)


def shown_refusal(reason: str) -> str:
    """A refusal as a Vietnamese page shows it (HTML-escaped); it must be translated."""
    from django.utils import translation
    from django.utils.html import escape

    from thidua.lib.filetypes import refusal_message

    with translation.override("vi"):
        vietnamese = refusal_message(reason)
    with translation.override("en"):
        assert vietnamese != refusal_message(reason), "the message has no Vietnamese"
    return escape(vietnamese)


def watch_kept_uploads(monkeypatch: Any) -> list[int]:
    """Record the size of every chunk of an upload that Django's own handlers keep (in memory
    or in a temporary file): an upload refused by the size guard from its first byte leaves
    the list empty."""
    from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler

    sizes: list[int] = []
    in_memory = MemoryFileUploadHandler.receive_data_chunk
    on_disk = TemporaryFileUploadHandler.receive_data_chunk

    def memory(self: MemoryFileUploadHandler, raw_data: bytes, start: int) -> bytes | None:
        if self.activated:
            sizes.append(len(raw_data))
        return in_memory(self, raw_data, start)

    def disk(self: TemporaryFileUploadHandler, raw_data: bytes, start: int) -> bytes | None:
        sizes.append(len(raw_data))
        return on_disk(self, raw_data, start)

    monkeypatch.setattr(MemoryFileUploadHandler, "receive_data_chunk", memory)
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", disk)
    return sizes


def stored_files(media: Path) -> list[Path]:
    """The files under a MEDIA_ROOT."""
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
