"""Recognise an uploaded file by its content, never by its name, and refuse what could harm the
person who opens it: macros and embedded programs, or a container that unpacks to a bomb.

`detect(data)` is the one check every evidence upload passes; its `Kind` says which extension
and Content-Type the file is stored and served under. Office containers are judged by what
Office itself reads: `[Content_Types].xml` and the relationship parts of an OOXML package
(parsed with defusedxml), the storages of an OLE compound file (.doc/.xls, with olefile).
No member of a zip is ever read past a bounded number of bytes: the identifying `mimetype`
entry at most HEAD_BYTES, the package's XML parts at most XML_PART_BYTES each.

No Django model is imported here; only gettext for the messages.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import olefile
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
"""A container whose members add up to more than this when unpacked is refused (zip bomb)."""
MAX_COMPRESSION_RATIO = 100
"""…and so is one that unpacks to more than this many times its packed size (past 1 MiB)."""
MAX_ZIP_MEMBERS = 10_000
HEAD_BYTES = 256
"""The most read of a member to identify it (an ODF `mimetype` entry is ~50 bytes)."""
XML_PART_BYTES = 1024 * 1024
"""The most read of one package part that must be parsed ([Content_Types].xml, *.rels)."""
MAX_EMBEDDED_OLE_BYTES = 20 * 1024 * 1024
"""The most read of an OLE storage found inside a package, to look for a VBA project."""

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Kind:
    """What a file is: the extension (no dot) and Content-Type it is stored and served under."""

    extension: str
    content_type: str


PDF = Kind("pdf", "application/pdf")
PNG = Kind("png", "image/png")
JPEG = Kind("jpg", "image/jpeg")
WEBP = Kind("webp", "image/webp")
DOC = Kind("doc", "application/msword")
XLS = Kind("xls", "application/vnd.ms-excel")
PPT = Kind("ppt", "application/vnd.ms-powerpoint")
_OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = Kind("docx", _OOXML + "wordprocessingml.document")
XLSX = Kind("xlsx", _OOXML + "spreadsheetml.sheet")
PPTX = Kind("pptx", _OOXML + "presentationml.presentation")
_ODF = "application/vnd.oasis.opendocument."
ODT = Kind("odt", _ODF + "text")
ODS = Kind("ods", _ODF + "spreadsheet")
ODP = Kind("odp", _ODF + "presentation")

KINDS = (PDF, PNG, JPEG, WEBP, DOC, XLS, PPT, DOCX, XLSX, PPTX, ODT, ODS, ODP)
BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS}
OOXML_MAIN = {
    _OOXML + "wordprocessingml.document.main+xml": DOCX,
    _OOXML + "spreadsheetml.sheet.main+xml": XLSX,
    _OOXML + "presentationml.presentation.main+xml": PPTX,
}
OLE_MAIN = {"worddocument": DOC, "workbook": XLS, "book": XLS, "powerpoint document": PPT}

MACRO_CONTENT_TYPES = ("vba", "macro", "activex", "oleobject", "keymapcustomizations")
"""A part whose declared type contains one of these is code or an embedded program
(vbaProject, *.macroEnabled.main+xml, macrosheet, activeX, oleObject, Word's key bindings)."""
MACRO_RELATIONSHIPS = frozenset(
    {
        "vbaproject",
        "vbaprojectsignature",
        "vbaprojectsignatureagile",
        "vbaprojectsignaturev3",
        "wordvbadata",
        "xlmacrosheet",
        "xlintlmacrosheet",
        "oleobject",
        "control",
        "activexcontrolbinary",
        "keymapcustomizations",
        "attachedtoolbars",
    }
)
"""The last segment of a relationship type that points at code or an embedded program."""
MACRO_MEMBER_NAMES = frozenset({"vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin"})
MACRO_STORAGES = frozenset({"vba", "_vba_project_cur", "_vba_project", "macros"})
"""OLE storages that hold a VBA project (Excel: _VBA_PROJECT_CUR/VBA, Word: Macros/VBA)."""
ODF_SCRIPT_DIRS = ("basic/", "scripts/")
XLM_SHEET_TYPES = frozenset({0x01, 0x06})
"""BoundSheet8.dt of an Excel 4.0 macro sheet (1) or a VBA module sheet (6)."""


class RefusedFile(Exception):
    """A file that is not accepted; str(error) is the translated message for the user and
    `reason` one of "type", "macros", "bomb", "damaged" (for callers with their own words)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)

    def __str__(self) -> str:
        return refusal_message(self.reason)


def refusal_message(reason: str) -> str:
    """The message a person reads for a refused file, by reason."""
    if reason == "macros":
        return _(
            "The file contains macros or embedded objects that could run programs on the "
            "reader's computer. Save it without macros (for example as PDF, .docx or .xlsx) "
            "and send it again."
        )
    if reason == "bomb":
        return _("The file unpacks to an abnormal size and was refused as unsafe.")
    if reason == "damaged":
        return _(
            "The file is damaged and cannot be checked. Open it, save it again (or as PDF) "
            "and send it again."
        )
    return _(
        "This file type is not accepted: send a PDF, an image or an office document without macros."
    )


def detect(data: bytes) -> Kind:
    """The kind of an accepted evidence file, judged by its bytes; RefusedFile otherwise."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(OLE_MAGIC):
        return ole_kind(data)
    if data.startswith(ZIP_MAGIC):
        return package_kind(data)
    raise RefusedFile("type")


def download_name(name: str, kind: Kind | None) -> str:
    """`name` with the extension of what the file is (`bao-cao.html` holding a PDF becomes
    `bao-cao.pdf`); `.bin` when the kind is unknown."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "tep"
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    return f"{stem.strip() or 'tep'}.{kind.extension if kind else 'bin'}"


# --- zip containers (OOXML, OpenDocument) ------------------------------------------------------


def package_kind(data: bytes) -> Kind:
    """The kind of an OOXML or OpenDocument file, after the container checks; RefusedFile for
    a zip bomb, macros, an embedded program or a zip that is neither."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = check_container(archive, len(data))
            check_no_code(archive, members)
            names = {m.filename.lower(): m for m in members}
            if "mimetype" in names:
                return _odf_kind(archive, names["mimetype"])
            if "[content_types].xml" in names:
                return _ooxml_kind(archive, names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise RefusedFile("damaged") from exc
    raise RefusedFile("type")


def check_container(archive: zipfile.ZipFile, packed_size: int) -> list[zipfile.ZipInfo]:
    """The members of a zip, refused (bomb) when too many or when they unpack past the size
    and ratio limits; nothing is unpacked to decide."""
    members = archive.infolist()
    unpacked = sum(m.file_size for m in members)
    too_big = unpacked > MAX_UNCOMPRESSED_BYTES or len(members) > MAX_ZIP_MEMBERS
    ratio = unpacked / max(packed_size, 1)
    if too_big or (unpacked > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO):
        raise RefusedFile("bomb")
    return members


def check_no_code(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a package that carries macros or embedded programs, whatever its parts are named:
    by the declared content types, the relationships, and an OLE storage with a VBA project."""
    lowered = [m.filename.lower() for m in members]
    if any(n.rsplit("/", 1)[-1] in MACRO_MEMBER_NAMES for n in lowered):
        raise RefusedFile("macros")
    if any(n.startswith(ODF_SCRIPT_DIRS) for n in lowered):
        raise RefusedFile("macros")
    for info, name in zip(members, lowered, strict=True):
        if name == "[content_types].xml":
            _check_content_types(_xml_part(archive, info))
        elif name.endswith(".rels"):
            _check_relationships(_xml_part(archive, info))
        elif not info.is_dir() and member_head(archive, info, len(OLE_MAGIC)) == OLE_MAGIC:
            _check_embedded_ole(archive, info)


def member_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int = HEAD_BYTES) -> bytes:
    """At most `size` bytes from the start of a member, however large it unpacks to."""
    try:
        with archive.open(info) as member:
            return member.read(size)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError) as exc:
        raise RefusedFile("damaged") from exc  # RuntimeError: an encrypted member
    except NotImplementedError as exc:
        raise RefusedFile("damaged") from exc


def _xml_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Element:
    """A package part parsed with defusedxml (no DTD, no entities), read within its bound."""
    if info.file_size > XML_PART_BYTES:
        raise RefusedFile("damaged")
    content = member_head(archive, info, XML_PART_BYTES + 1)
    if len(content) > XML_PART_BYTES:
        raise RefusedFile("damaged")
    try:
        root: Element = fromstring(content, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise RefusedFile("damaged") from exc
    return root


def _children(root: Element, tag: str) -> Iterable[Element]:
    return (child for child in root if child.tag.rsplit("}", 1)[-1] == tag)


def _check_content_types(root: Element) -> None:
    """Refuse when any part is declared as a VBA project, a macro-enabled document, a macro
    sheet, an ActiveX control or an OLE object: Office trusts these declarations, not names."""
    for child in [*_children(root, "Default"), *_children(root, "Override")]:
        declared = child.get("ContentType", "").lower()
        if any(marker in declared for marker in MACRO_CONTENT_TYPES):
            raise RefusedFile("macros")


def _check_relationships(root: Element) -> None:
    for child in _children(root, "Relationship"):
        kind = child.get("Type", "").rstrip("/").rsplit("/", 1)[-1].lower()
        if kind in MACRO_RELATIONSHIPS:
            raise RefusedFile("macros")


def _check_embedded_ole(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """An OLE storage inside a package (vbaProject.bin under any name, an embedded object):
    refused when it holds a VBA project."""
    if info.file_size > MAX_EMBEDDED_OLE_BYTES:
        raise RefusedFile("bomb")
    content = member_head(archive, info, MAX_EMBEDDED_OLE_BYTES + 1)
    if len(content) > MAX_EMBEDDED_OLE_BYTES:
        raise RefusedFile("bomb")
    if _ole_has_macros(content):
        raise RefusedFile("macros")


def _odf_kind(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Kind:
    """OpenDocument: the `mimetype` entry (its first HEAD_BYTES only) names the kind."""
    declared = member_head(archive, info).decode("ascii", "replace").strip()
    kind = BY_CONTENT_TYPE.get(declared)
    if kind is None or not declared.startswith(_ODF):
        raise RefusedFile("type")
    return kind


def _ooxml_kind(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> Kind:
    """OOXML: the content type declared for the part the package's root relationship names
    as the office document (`_rels/.rels` → officeDocument → e.g. /xl/workbook.xml)."""
    root_rels = names.get("_rels/.rels")
    if root_rels is None:
        raise RefusedFile("damaged")
    targets = [
        child.get("Target", "").lstrip("/").lower()
        for child in _children(_xml_part(archive, root_rels), "Relationship")
        if child.get("Type", "").endswith("/officeDocument")
    ]
    if len(targets) != 1:
        raise RefusedFile("damaged")
    types = _xml_part(archive, names["[content_types].xml"])
    for override in _children(types, "Override"):
        if override.get("PartName", "").lstrip("/").lower() == targets[0]:
            kind = OOXML_MAIN.get(override.get("ContentType", ""))
            if kind is None:
                raise RefusedFile("type")
            return kind
    raise RefusedFile("type")


# --- OLE compound files (.doc, .xls, .ppt) -----------------------------------------------------


def ole_kind(data: bytes) -> Kind:
    """The kind of a legacy Office file; RefusedFile when it holds a VBA project or Excel 4.0
    macro sheets, or is another kind of compound file (an encrypted package, an .msi…)."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            paths = [[name.lower() for name in path] for path in ole.listdir(True, True)]
            if any(MACRO_STORAGES.intersection(path) for path in paths):
                raise RefusedFile("macros")
            main = [OLE_MAIN[path[0]] for path in paths if len(path) == 1 and path[0] in OLE_MAIN]
            if not main:
                raise RefusedFile("type")
            if main[0] is XLS and _has_macro_sheets(_stream(ole, paths)):
                raise RefusedFile("macros")
            return main[0]
    except RefusedFile:
        raise
    except Exception as exc:  # olefile raises many kinds on a malformed file
        raise RefusedFile("damaged") from exc


def ole_has_macros(data: bytes) -> bool:
    """Whether an OLE file (a legacy .xls for the Excel import) carries macros; RefusedFile
    ("damaged") when it cannot be read as a compound file."""
    try:
        return _ole_has_macros(data)
    except RefusedFile:
        raise
    except Exception as exc:  # olefile raises many kinds on a malformed file
        raise RefusedFile("damaged") from exc


def _ole_has_macros(data: bytes) -> bool:
    if "_VBA_PROJECT_CUR".encode("utf-16-le") in data:  # Excel's VBA storage, even if damaged
        return True
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        paths = [[name.lower() for name in path] for path in ole.listdir(True, True)]
        if any(MACRO_STORAGES.intersection(path) for path in paths):
            return True
        return _has_macro_sheets(_stream(ole, paths))


def _stream(ole: Any, paths: list[list[str]]) -> bytes:
    """The workbook stream of an .xls (b"" for another kind of file)."""
    for name in ("workbook", "book"):
        if [name] in paths:
            data: bytes = ole.openstream(name).read()
            return data
    return b""


def _has_macro_sheets(workbook: bytes) -> bool:
    """Whether the workbook globals declare an Excel 4.0 macro sheet or a VBA module sheet
    (BoundSheet8 records, [MS-XLS] 2.4.28), read up to the globals' EOF record."""
    offset = 0
    while offset + 4 <= len(workbook):
        record, length = struct.unpack_from("<HH", workbook, offset)
        if record == 0x000A:  # EOF of the globals substream
            return False
        sheet = record == 0x0085 and length >= 6 and offset + 10 <= len(workbook)
        if sheet and workbook[offset + 9] in XLM_SHEET_TYPES:
            return True
        offset += 4 + length
    return False
