"""The public signature checker "Kiểm tra chữ ký" (issue 12 point 8): anyone uploads a PDF and
is told whether it is signed, by whom, when, whether it changed since and whether the
certificate chains to a root this portal trusts (THIDUA_SIGNING_TRUST).

Nothing is stored and no session is read or written: the page keeps the portal's rule of no
cookie and no CSRF token (a forged POST could only make someone's browser check a file). The
upload is size-limited before the body is parsed (thidua.lib.uploads.SizeLimitHandler) and
must be a PDF by its content (thidua.lib.filetypes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from thidua.accounts.requests import AuthedHttpRequest
from thidua.council import access as council_access
from thidua.council import certificates, signatures
from thidua.lib.documents import Table
from thidua.lib.filetypes import PDF, RefusedFile, detect
from thidua.lib.signing import MAX_SIGNED_PDF_BYTES
from thidua.lib.uploads import SizeLimitHandler, too_large_message, upload_too_large

from . import presenting, sources
from .models import Publication
from .views import _publication, public


def _language(request: HttpRequest) -> str:
    language = request.GET.get("lang", "")
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def signature(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    with translation.override(language):
        request.LANGUAGE_CODE = language
        context: dict[str, Any] = {"limit_mb": MAX_SIGNED_PDF_BYTES // (1024 * 1024)}
        status = 200
        if request.method == "POST":
            request.upload_handlers = [
                SizeLimitHandler(request, MAX_SIGNED_PDF_BYTES),
                *request.upload_handlers,
            ]
            context["error"], context["signature"] = _check(request)
            status = 400 if context["error"] else 200
        response = render(request, "disclosures/signature.html", context, status=status)
    response.headers["Content-Language"] = language
    patch_cache_control(response, no_store=True)
    return response


def _check(request: HttpRequest) -> tuple[str, dict[str, str] | None]:
    if upload_too_large(request):
        return too_large_message(MAX_SIGNED_PDF_BYTES), None
    upload = request.FILES.get("file")
    if upload is None:
        return _("Choose the PDF file to check."), None
    data = upload.read(MAX_SIGNED_PDF_BYTES + 1)
    try:
        kind = detect(data)
    except RefusedFile:
        kind = None
    if kind != PDF:
        return _("Only a PDF file can be checked: choose the decision's .pdf."), None
    return "", signatures.describe(signatures.check(data))


def signed_decision_pdf(subject: str) -> bytes | None:
    """The signed .pdf stored at issue for the decision published under `subject`
    (`decision/<issuer code>/<year>/<number>`, sources.decision), if it was signed."""
    from thidua.council.models import Decision

    parts = subject.split("/")
    if (
        len(parts) != 4
        or parts[0] != "decision"
        or not parts[2].isdigit()
        or not parts[3].isdigit()
    ):
        return None
    decision = (
        Decision.objects.filter(
            issuer__code=parts[1],
            year=int(parts[2]),
            number=int(parts[3]),
            status=Decision.Status.ISSUED,
        )
        .only("signed_pdf")
        .first()
    )
    return signatures.signed_bytes(decision) if decision else None


def _published_decision(decision: Any) -> Publication | None:
    """The decision's current publication on the portal (not withdrawn), if any."""
    subject = f"decision/{decision.issuer.code}/{decision.year}/{decision.number}"
    return (
        Publication.objects.filter(
            kind=Publication.Kind.DECISION, subject=subject, withdrawn_at__isnull=True
        )
        .order_by("-published_at", "-pk")
        .first()
    )


@login_required
@require_GET
def award_certificate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The award's certificate (.pdf) with the QR code of its public page; the decision must
    be published on the portal first, since the QR code opens it there."""
    award = council_access.get_award_for_user(request.user, pk)
    awardee = certificates.awardee_of(award)
    if awardee is None:
        raise Http404
    publication = _published_decision(awardee.decision)
    if publication is None:
        messages.error(
            request,
            _(
                "Publish the decision on the public portal first: the certificate's QR code "
                "opens the award's page there."
            ),
        )
        return redirect("council:decision", pk=awardee.decision_id)
    path = reverse("disclosures:award", args=[publication.leaf_id, certificates.row_of(awardee)])
    certificate = certificates.certificate_for(awardee)
    data = certificates.render_certificate(certificate, request.build_absolute_uri(path))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.filename_stem}.pdf"'
    return response


@public
def award(request: HttpRequest, index: int, row: int) -> HttpResponse:
    """One award as published: its row in a published decision's table (what a certificate's
    QR code opens). Only published content; 404 for anything else."""
    publication = _publication(index)
    if publication.kind != Publication.Kind.DECISION:
        raise Http404
    document = sources.document_from_content(presenting.content_of(publication)["document"])
    table = next((b for b in document.body if isinstance(b, Table)), None)
    if table is None or not 1 <= row <= len(table.rows):
        raise Http404
    cells = dict(zip(table.columns, table.rows[row - 1], strict=False))
    context = {"item": publication, "document": document, "cells": cells, "row": row}
    return render(request, "disclosures/award.html", context)
