"""Render an `OfficialDocument` to .pdf with WeasyPrint from an HTML/CSS template.

The CSS asks for Liberation Serif (metric-compatible with Times New Roman, from
fonts-liberation2) so that the PDF embeds a font with Times metrics on any Linux host."""

from __future__ import annotations

from pathlib import Path

from django.template import Context, Engine

from thidua.lib.documents import model
from thidua.lib.documents.model import Image, OfficialDocument, Table
from thidua.lib.signing import Box

_ENGINE = Engine(dirs=[str(Path(__file__).parent / "templates")], autoescape=True)


def render_html(doc: OfficialDocument) -> str:
    """The HTML that WeasyPrint prints; also useful for a preview."""
    blocks: list[dict[str, object]] = [
        _table_block(block)
        if isinstance(block, Table)
        else {"image": block}
        if isinstance(block, Image)
        else {"para": block}
        for block in doc.body
    ]
    keep = min(doc.keep_with_signature, len(blocks))
    blocks, tail_blocks = blocks[: len(blocks) - keep], blocks[len(blocks) - keep :]
    signers = list(doc.signers)
    context = {
        "doc": doc,
        "model": model,
        "blocks": blocks,
        "rules": model.rule_widths(doc),
        "governing_lines": model.header_lines(doc.governing_body) if doc.governing_body else [],
        "issuer_lines": model.header_lines(doc.issuer, bold=True) if doc.issuer else [],
        "tail_blocks": tail_blocks,
        "left_signer": signers[0] if len(signers) == 2 else None,
        "right_signers": signers[1:] if len(signers) == 2 else signers,
        "margins": (
            f"{model.MARGIN_TOP_MM}mm {model.MARGIN_RIGHT_MM}mm "
            f"{model.MARGIN_BOTTOM_MM}mm {model.MARGIN_LEFT_MM}mm"
        ),
    }
    return _ENGINE.get_template("official_document.html").render(Context(context))


def _table_block(table: Table) -> dict[str, object]:
    size, widths = model.table_layout(table)
    return {"table": table, "size": size, "widths_mm": widths}


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as PDF bytes: A4, Decree 30/2020 margins, embedded serif font."""
    # Imported late: WeasyPrint loads Pango, which takes a moment.
    from weasyprint import HTML  # type: ignore[import-untyped]

    pdf: bytes = HTML(string=render_html(doc)).write_pdf()
    return pdf


SIGNATURE_ANCHOR = "signature-anchor"
SIGNATURE_SPACE_PT = 60.0
"""The room left above the signer's name (`.signer-name { margin-top: 60pt }`) for the
signature and the seal: where a digital signature's visible box goes."""
PX_TO_PT = 0.75


def render_pdf_for_signing(doc: OfficialDocument) -> tuple[bytes, Box | None]:
    """The PDF of `render_pdf`, with the box (PDF points, on the last page) above the signer's
    name where the signature's appearance goes; None when the document has no signer."""
    from weasyprint import HTML

    document = HTML(string=render_html(doc)).render()
    pdf: bytes = document.write_pdf()
    page = document.pages[-1]
    anchor = page.anchors.get(SIGNATURE_ANCHOR)
    if anchor is None:
        return pdf, None
    x1, y1, x2, _y2 = (value * PX_TO_PT for value in anchor)
    height = page.height * PX_TO_PT
    top = height - y1 + SIGNATURE_SPACE_PT - 4  # PDF y runs upwards from the bottom
    return pdf, Box(x1=x1 + 8, y1=height - y1 + 4, x2=x2 - 8, y2=top, page=-1)
