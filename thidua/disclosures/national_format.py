"""The exchange format with the national THTK-CLP database (Decree 266/2026 Art. 19–20).
The Ministry of Finance has not published its format; this is the interim package, one
adapter away from the Ministry's: replace `package_files` (and FORMAT_VERSION) when it is
published, nothing else changes.

Interim package (.zip): `content.json` (the Art. 37 content, UTF-8 JSON, keys sorted),
the document as .pdf (Decree 30/2020 layout), and `manifest.json` listing each file with its
SHA-256 and size, the format version, and what the package is."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

FORMAT_VERSION = "thidua-interim-1"
_STAMP = (2026, 1, 1, 0, 0, 0)  # fixed member times: the same files make the same zip bytes


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8")


def package_files(
    about: dict[str, Any], content: dict[str, Any], pdf: bytes, pdf_name: str
) -> dict[str, bytes]:
    """The files of the package, manifest last."""
    files = {"content.json": to_json(content), pdf_name: pdf}
    manifest = {
        "format": FORMAT_VERSION,
        "about": about,
        "files": [
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in files.items()
        ],
    }
    return {**files, "manifest.json": to_json(manifest)}


def zip_files(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
