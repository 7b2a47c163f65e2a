"""Recognise an uploaded file by its first bytes, never by its name."""

from __future__ import annotations

import io
import zipfile

OFFICE_ZIP = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def sniff(head: bytes, data: bytes | None = None) -> str | None:
    """The MIME type of an allowed evidence file, or None (refused)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/x-ole-storage"  # legacy .doc / .xls
    if head.startswith(b"PK\x03\x04") and data is not None:
        return _zip_type(data)
    return None


def _zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                kind = archive.read("mimetype").decode("ascii", "replace").strip()
                return kind if kind.startswith("application/vnd.oasis.opendocument") else None
            if "[Content_Types].xml" not in names or any("vbaProject" in n for n in names):
                return None
            for prefix, kind in OFFICE_ZIP.items():
                if any(n.startswith(prefix) for n in names):
                    return kind
    except zipfile.BadZipFile:
        return None
    return None
