"""An official document rendered to PDF and signed digitally, its signature drawn in the
signature block of the Decree 30/2020 layout (above the signer's name, where the handwritten
signature and the seal go on paper)."""

from __future__ import annotations

import datetime as dt

from thidua.lib import signing
from thidua.lib.documents.model import OfficialDocument
from thidua.lib.documents.pdf import render_pdf_for_signing

APPEARANCE_CSS = """
@page { size: %(w).2fpt %(h).2fpt; margin: 0; }
body { margin: 0; font-family: "Liberation Serif", "Times New Roman", serif; color: #b00000; }
div.box { box-sizing: border-box; width: %(w).2fpt; height: %(h).2fpt; border: 1pt solid #b00000;
  padding: 3pt 5pt; font-size: 9.5pt; line-height: 1.3; }
div.box p { margin: 0; }
"""


def signature_appearance(lines: list[str], width: float, height: float) -> bytes:
    """A one-page PDF of `width` × `height` points: the signature's visible text in a frame."""
    from django.utils.html import escape
    from weasyprint import HTML  # type: ignore[import-untyped]

    css = APPEARANCE_CSS % {"w": width, "h": height}
    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html = (
        f"<html><head><meta charset='utf-8'><style>{css}</style></head>"
        f"<body><div class='box'>{body}</div></body></html>"
    )
    data: bytes = HTML(string=html).write_pdf()
    return data


def render_signed_pdf(
    doc: OfficialDocument,
    key: signing.SigningKey,
    *,
    reason: str = "",
    now: dt.datetime | None = None,
) -> bytes:
    """`doc` as PDF signed with `key` (PAdES B-B), the signature visible above the signer's
    name."""
    pdf, box = render_pdf_for_signing(doc)
    appearance = None
    if box is not None:
        name, organisation = signing.signer_of(key)
        lines = signing.stamp_lines(name, organisation, now or dt.datetime.now(dt.UTC))
        appearance = signature_appearance(lines, box.x2 - box.x1, box.y2 - box.y1)
    return signing.sign_pdf(
        pdf, key, box=box, appearance=appearance, reason=reason, location=doc.place
    )
