"""Render an `OfficialDocument` to .pdf with WeasyPrint from an HTML/CSS template.

The CSS asks for Liberation Serif (metric-compatible with Times New Roman, from
fonts-liberation2) so that the PDF embeds a font with Times metrics on any Linux host."""

from __future__ import annotations

from pathlib import Path

from django.template import Context, Engine

from thidua.lib.documents import model
from thidua.lib.documents.model import Image, OfficialDocument, Table

_ENGINE = Engine(dirs=[str(Path(__file__).parent / "templates")], autoescape=True)


def render_html(doc: OfficialDocument) -> str:
    """The HTML that WeasyPrint prints; also useful for a preview."""
    blocks: list[dict[str, object]] = [
        {"table": block}
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


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as PDF bytes: A4, Decree 30/2020 margins, embedded serif font."""
    # Imported late: WeasyPrint loads Pango, which takes a moment.
    from weasyprint import HTML  # type: ignore[import-untyped]

    pdf: bytes = HTML(string=render_html(doc)).write_pdf()
    return pdf
