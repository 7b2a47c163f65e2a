"""Digital signatures on PDF documents (PAdES baseline B-B, with pyHanko), and their checking.

`sign_pdf` signs PDF bytes with the key and certificate of a PKCS#12 file, drawing the
signature's visible box where the Decree 30/2020 layout leaves room for it (the space above
the signer's name on the last page, found by `thidua.lib.documents.pdf`); no time-stamping
authority is reachable here, so the signing time is the signer's claim (B-B).
`verify_pdf` says whether a PDF is signed, by whom and when, whether the signed bytes are
intact and cover the whole file (nothing appended after signing), and whether the signer's
certificate chains to one of the configured trust roots.
`make_ca` / `make_certificate` build the demo's own certificate authority (never for production).

No Django model is imported here; the configuration is read from settings by `configured_*`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import enum
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

if TYPE_CHECKING:
    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.sign.signers import SimpleSigner

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _outside_event_loop(work: Callable[[], T]) -> T:
    """Run `work` where pyHanko's synchronous API may call asyncio.run(): in this thread, or in
    a worker thread when this one already runs an event loop (ASGI, Playwright's sync API)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
FIELD_NAME = "ChuKySo"
MAX_SIGNED_PDF_BYTES = 20 * 1024 * 1024
"""The largest PDF a user may upload to have its signature checked."""


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in PDF points from the bottom-left corner; page -1 is the last."""

    x1: float
    y1: float
    x2: float
    y2: float
    page: int = -1


@dataclass(frozen=True)
class SigningKey:
    """Where a signer's PKCS#12 file is, and its passphrase."""

    p12_path: Path
    passphrase: str = ""


class Status(enum.Enum):
    VALID = "valid"
    """Signed, intact, covering the whole file, by a certificate that chains to a trust root."""
    MODIFIED = "modified"
    """The signed bytes changed, or something was appended after signing, or the file broke."""
    UNTRUSTED = "untrusted"
    """Intact, but the certificate does not chain to a configured trust root (or is expired)."""
    UNSIGNED = "unsigned"
    """No signature in the file."""
    NOT_PDF = "not_pdf"
    """Not a PDF that can be read."""


@dataclass(frozen=True)
class Verification:
    status: Status
    signer_name: str = ""
    signer_organisation: str = ""
    signed_at: dt.datetime | None = None
    intact: bool = False
    whole_document: bool = False
    trusted: bool = False

    @property
    def signed(self) -> bool:
        return self.status not in (Status.UNSIGNED, Status.NOT_PDF)


class SigningError(Exception):
    """The PKCS#12 file cannot be read (missing, wrong passphrase, no key) or signing failed."""


def _load_signer(key: SigningKey) -> SimpleSigner:
    from pyhanko.sign import signers

    try:
        data = key.p12_path.read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read {key.p12_path}: {exc}") from exc
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=key.passphrase.encode() or None
        )
    except ValueError as exc:  # a wrong passphrase, or not a PKCS#12 file
        raise SigningError(f"cannot open {key.p12_path}: {exc}") from exc
    if signer is None or signer.signing_cert is None:
        raise SigningError(f"cannot load the key and certificate from {key.p12_path}")
    return cast("SimpleSigner", signer)


def _subject(signer: SimpleSigner) -> dict[str, Any]:
    if signer.signing_cert is None:
        raise SigningError("the PKCS#12 file holds no certificate")
    return cast("dict[str, Any]", signer.signing_cert.subject.native)


def signer_of(key: SigningKey) -> tuple[str, str]:
    """The common name and organisation in the certificate of `key`."""
    subject = _subject(_load_signer(key))
    return str(subject.get("common_name", "")), str(subject.get("organization_name", ""))


def stamp_lines(signer_name: str, organisation: str, when: dt.datetime) -> list[str]:
    """The text of the visible signature box (Vietnamese, as the layout is), time in GMT+7."""
    local = when.astimezone(dt.timezone(dt.timedelta(hours=7)))
    lines = [f"Ký bởi: {signer_name}"]
    if organisation:
        lines.append(f"Cơ quan: {organisation}")
    lines.append(f"Ngày ký: {local:%d/%m/%Y %H:%M} (GMT+7)")
    return lines


def _pdf_background(appearance: bytes) -> PdfContent:
    """A pyHanko background drawn from the first page of PDF bytes (its ImportedPdfPage wants
    a file name)."""
    import binascii
    import uuid

    from pyhanko.pdf_utils.content import ImportedPdfPage
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.pdf_utils.reader import PdfFileReader

    class BytesPage(ImportedPdfPage):
        def render(self) -> bytes:
            writer = self._ensure_writer
            xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(appearance)), page_ix=0)
            name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
            self.resources.xobject[name.decode("ascii")] = xobj
            x1, y1, x2, y2 = xobj.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return name + b" Do"

    return BytesPage("")  # type: ignore[no-untyped-call]


def sign_pdf(
    data: bytes,
    key: SigningKey,
    *,
    box: Box | None = None,
    appearance: bytes | None = None,
    reason: str = "",
    location: str = "",
) -> bytes:
    """`data` signed (PAdES B-B, SHA-256) in an incremental update. With `box`, the signature
    is visible there, drawn from the first page of the PDF `appearance` (else a plain frame)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    signer = _load_signer(key)
    name = _subject(signer).get("common_name", "")
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=name or None,
    )
    spec = style = None
    if box is not None:
        spec = fields.SigFieldSpec(
            FIELD_NAME,
            on_page=box.page,
            box=(round(box.x1), round(box.y1), round(box.x2), round(box.y2)),
        )
        style = StaticStampStyle(
            border_width=0 if appearance else 1,
            background=_pdf_background(appearance) if appearance else None,
            background_opacity=1,
        )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            stamp_style=style,
            new_field_spec=spec,
        )
        out = _outside_event_loop(lambda: pdf_signer.sign_pdf(writer))
    except Exception as exc:  # pyHanko raises many kinds; the caller needs one
        raise SigningError(str(exc)) from exc
    return bytes(out.getbuffer())


def _trust_roots(pems: list[bytes]) -> list[object]:
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509

    roots: list[object] = []
    for blob in pems:
        for _type, _headers, der in asn1_pem.unarmor(blob, multiple=True):
            roots.append(asn1_x509.Certificate.load(der))
    return roots


def verify_pdf(data: bytes, trust_pems: list[bytes]) -> Verification:
    """What `data`'s (last) signature says, checked against `trust_pems` (PEM certificates)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if data.lstrip()[:5] != b"%PDF-":
        return Verification(Status.NOT_PDF)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:
        # Unreadable: a broken file, or one signed and then damaged; only a signed-looking one
        # is called modified.
        if b"/ByteRange" in data:
            return Verification(Status.MODIFIED)
        return Verification(Status.NOT_PDF)
    if not signatures:
        return Verification(Status.UNSIGNED)
    embedded = signatures[-1]
    context = ValidationContext(
        trust_roots=_trust_roots(trust_pems),
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        result = _outside_event_loop(
            lambda: validate_pdf_signature(embedded, context, skip_diff=False)
        )
    except (SignatureValidationError, ValueError, KeyError, TypeError) as exc:
        logger.info("signature check failed: %s", exc)
        return Verification(Status.MODIFIED)
    subject = result.signing_cert.subject.native
    claimed = result.signer_reported_dt
    whole = (
        result.coverage == SignatureCoverageLevel.ENTIRE_FILE
        and len(signatures) == 1
        and embedded.signed_revision == reader.xrefs.total_revisions - 1
    )
    intact = bool(result.intact and result.valid)
    trusted = bool(result.trusted)
    if not intact or not whole:
        status = Status.MODIFIED
    elif not trusted:
        status = Status.UNTRUSTED
    else:
        status = Status.VALID
    return Verification(
        status=status,
        signer_name=str(subject.get("common_name", "")),
        signer_organisation=str(subject.get("organization_name", "")),
        signed_at=claimed,
        intact=intact,
        whole_document=whole,
        trusted=trusted,
    )


# --- the demo's own certificate authority (development and tests only) ---


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass(frozen=True)
class Authority:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def make_ca(common_name: str, organisation: str, *, years: int = 10) -> Authority:
    """A self-signed root for the demo (P-256, SHA-256)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, organisation)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(key, certificate)


def ca_key_pem(ca: Authority, passphrase: str) -> bytes:
    """The CA's private key as encrypted PEM, to keep it between runs."""
    return ca.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )


def load_ca(certificate_pem: bytes, key_pem: bytes, passphrase: str) -> Authority:
    key = serialization.load_pem_private_key(key_pem, passphrase.encode())
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SigningError("the demo CA's key is not an EC key")
    return Authority(key, x509.load_pem_x509_certificate(certificate_pem))


def make_certificate(
    ca: Authority, common_name: str, organisation: str, passphrase: str, *, years: int = 3
) -> bytes:
    """A signing certificate issued by `ca`, with its key, as PKCS#12 bytes."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, certificate, [ca.certificate], encryption
    )


# --- configuration (THIDUA_SIGNING_*) ---


def configured_key(unit_code: str) -> SigningKey | None:
    """The key that signs for the issuing unit `unit_code`: `<THIDUA_SIGNING_DIR>/<code>.p12`
    if there is one, else THIDUA_SIGNING_P12; None when signing is not configured."""
    from django.conf import settings

    passphrase = getattr(settings, "THIDUA_SIGNING_P12_PASSWORD", "")
    directory = getattr(settings, "THIDUA_SIGNING_DIR", "")
    if directory and unit_code and "/" not in unit_code and not unit_code.startswith("."):
        candidate = Path(directory) / f"{unit_code}.p12"
        if candidate.is_file():
            return SigningKey(candidate, passphrase)
    single = getattr(settings, "THIDUA_SIGNING_P12", "")
    if single:
        return SigningKey(Path(single), passphrase)
    return None


def configured_trust() -> list[bytes]:
    """The trust roots (PEM certificates) of THIDUA_SIGNING_TRUST, or none."""
    from django.conf import settings

    path = getattr(settings, "THIDUA_SIGNING_TRUST", "")
    if not path:
        return []
    try:
        return [Path(path).read_bytes()]
    except OSError:
        logger.warning("THIDUA_SIGNING_TRUST %s cannot be read", path)
        return []
