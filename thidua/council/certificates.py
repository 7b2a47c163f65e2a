"""Award certificates (Bằng khen, Giấy khen, the titles' certificates) printed from an award
record on an A4 landscape layout: the national header, the issuing body, the kind in large
type, the person or collective with position and unit, the achievement, the decision's number
and date, place and date, the signer, and a QR code opening the award's public page.

The layout is "official-looking", not the colours, borders and sizes of the certificate
models annexed to Decree 98/2023/NĐ-CP, which are not reproduced here (docs/transparency.md).
The verification URL is given by the caller (disclosures: it is the published decision's)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

from django.template import Context, Engine

from thidua.awards.models import AwardRecord
from thidua.lib.dates import official_date
from thidua.lib.documents import QUOC_HIEU, TIEU_NGU, Table, in_full

from . import exports
from .models import DecisionAwardee

_ENGINE = Engine(dirs=[str(Path(__file__).parent / "templates" / "council")], autoescape=True)


@dataclass(frozen=True)
class Certificate:
    heading: str
    title_line: str
    governing_body: str
    issuer: str
    awardee: str
    position: str
    unit: str
    achievement: str
    decision_line: str
    place_date: str
    signer_lines: list[str]
    signer_name: str
    filename_stem: str


def awardee_of(award: AwardRecord) -> DecisionAwardee | None:
    """The decision line that wrote `award` (None for imported history)."""
    return (
        DecisionAwardee.objects.filter(award=award, decision__status="issued")
        .select_related("decision")
        .first()
    )


def row_of(awardee: DecisionAwardee) -> int:
    """The award's row (STT, from 1) in its decision's table, as exports numbers them."""
    ids = list(awardee.decision.awardees.values_list("pk", flat=True))
    return ids.index(awardee.pk) + 1


def _heading(title_name: str) -> tuple[str, str]:
    lowered = title_name.lower()
    for kind in ("bằng khen", "giấy khen"):
        if lowered.startswith(kind):
            rest = title_name[len(kind) :].strip()
            return kind.upper(), rest
    return "GIẤY CHỨNG NHẬN", title_name


def certificate_for(awardee: DecisionAwardee) -> Certificate:
    """The certificate's text, from the decision as issued (its table row and signer)."""
    decision = awardee.decision
    document = exports.decision_document(decision)
    table = next(block for block in document.body if isinstance(block, Table))
    _stt, nominee, position, unit, title_name, _cash = table.rows[row_of(awardee) - 1]
    heading, rest = _heading(title_name)
    signer = document.signers[0]
    year = awardee.proposal.year
    return Certificate(
        heading=heading,
        title_line=rest if heading != "GIẤY CHỨNG NHẬN" else title_name,
        governing_body=document.governing_body,
        issuer=in_full(decision.issuer_name),
        awardee=nominee,
        position=position,
        unit=unit,
        achievement=(
            f"Đã có thành tích xuất sắc trong phong trào thi đua năm {year}."
            if heading != "GIẤY CHỨNG NHẬN"
            else f"Đạt danh hiệu {title_name} năm {year}."
        ),
        decision_line=(
            f"Quyết định số {decision.number_text} ngày {decision.date:%d/%m/%Y} "
            f"của {in_full(decision.issuer_name)}"
        ),
        place_date=official_date(decision.date, decision.place),
        signer_lines=list(signer.lines),
        signer_name=signer.name,
        filename_stem=f"chung-nhan-{decision.number or 0}-{decision.year}-{row_of(awardee)}",
    )


def qr_png(url: str) -> bytes:
    """The QR code (error correction M) of `url`, as PNG bytes."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def render_certificate(certificate: Certificate, verify_url: str) -> bytes:
    """The certificate as an A4 landscape PDF, the QR code of `verify_url` in a corner."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    qr = base64.b64encode(qr_png(verify_url)).decode()
    html = _ENGINE.get_template("certificates/certificate.html").render(
        Context(
            {
                "c": certificate,
                "quoc_hieu": QUOC_HIEU,
                "tieu_ngu": TIEU_NGU,
                "qr": f"data:image/png;base64,{qr}",
                "verify_url": verify_url,
            }
        )
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
