"""Issued decisions signed digitally (issue 12 point 8): at issue, the decision's .pdf is
rendered once, signed with the issuing unit's certificate (thidua.lib.signing) and stored with
its SHA-256, so that the same signed bytes are served each time. Signing is off unless
THIDUA_SIGNING_P12 or THIDUA_SIGNING_DIR is configured."""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from thidua.lib import signing
from thidua.lib.documents.signed import render_signed_pdf

from . import exports
from .models import Decision

logger = logging.getLogger(__name__)
CACHE_SECONDS = 600


def sign_issued(decision: Decision, key: signing.SigningKey | None = None) -> bool:
    """Sign and store the issued decision's .pdf (with `key`, else the one configured for its
    issuer); False when there is none. A configured key that cannot sign stops the issue
    (the caller's transaction)."""
    key = key or signing.configured_key(decision.issuer.code)
    if key is None:
        return False
    try:
        data = render_signed_pdf(
            exports.decision_document(decision), key, reason="Ban hành quyết định"
        )
    except signing.SigningError as exc:
        logger.error("decision %s could not be signed: %s", decision.pk, exc)
        raise ValidationError(
            _(
                "The decision could not be signed: the signing certificate cannot be used. "
                "Ask the administrator to check it."
            )
        ) from exc
    decision.signed_pdf = data
    decision.signed_pdf_sha256 = hashlib.sha256(data).hexdigest()
    decision.save(update_fields=["signed_pdf", "signed_pdf_sha256"])
    return True


def signed_bytes(decision: Decision) -> bytes | None:
    return bytes(decision.signed_pdf) if decision.signed_pdf else None


def check(data: bytes) -> signing.Verification:
    """`verify_pdf` against the configured trust roots, remembered a while by content hash."""
    trust = signing.configured_trust()
    digest = hashlib.sha256(data + b"".join(trust)).hexdigest()
    key = f"signature-check-{digest}"
    result = cache.get(key)
    if not isinstance(result, signing.Verification):
        result = signing.verify_pdf(data, trust)
        cache.set(key, result, CACHE_SECONDS)
    return result


def status_of(decision: Decision) -> signing.Verification | None:
    """The stored signed .pdf's signature status; None when the decision was not signed."""
    data = signed_bytes(decision)
    return check(data) if data else None


def describe(result: signing.Verification) -> dict[str, str]:
    """What a reader is told about a signature: a level (success, danger, warning, secondary),
    a headline and a detail line, in the active language."""
    from django.utils import timezone

    when = ""
    if result.signed_at is not None:
        when = timezone.localtime(result.signed_at).strftime("%d/%m/%Y %H:%M")
    who = result.signer_name + (
        f" ({result.signer_organisation})" if result.signer_organisation else ""
    )
    signer = {"name": who, "when": when}
    if result.status is signing.Status.VALID:
        return {
            "level": "success",
            "headline": _("Valid signature — signed by %(name)s on %(when)s") % signer,
            "detail": _(
                "The document has not changed since it was signed and the certificate is trusted."
            ),
        }
    if result.status is signing.Status.MODIFIED:
        detail = _("Signed by %(name)s on %(when)s.") % signer if result.signer_name else ""
        return {
            "level": "danger",
            "headline": _("The document was modified after it was signed"),
            "detail": detail
            + (" " if detail else "")
            + _("Do not rely on this copy: ask the issuing body for the original."),
        }
    if result.status is signing.Status.UNTRUSTED:
        return {
            "level": "warning",
            "headline": _("The certificate is not trusted"),
            "detail": _(
                "Signed by %(name)s on %(when)s, and unchanged since, but the certificate was "
                "not issued by an authority this portal trusts."
            )
            % signer,
        }
    if result.status is signing.Status.UNSIGNED:
        return {
            "level": "secondary",
            "headline": _("No signature"),
            "detail": _("This PDF carries no digital signature."),
        }
    return {
        "level": "secondary",
        "headline": _("Not a PDF file"),
        "detail": _("Only a PDF file can be checked: choose the decision's .pdf."),
    }
