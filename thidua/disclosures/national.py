"""Export packages for the national THTK-CLP database (Decree 266/2026 Art. 20: each
programme and results report within 7 working days of issue). Build a package for an issued
item (idempotent per content), keep it with its hash, mark it sent with the receipt reference
(the transport is manual until the Ministry of Finance publishes its format), and list every
issued item with its state: not sent, sent (when), overdue."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.audit import chain
from thidua.lib import signing
from thidua.lib.documents.pdf import render_pdf
from thidua.lib.documents.signed import render_signed_pdf

from . import deadlines, issued, national_format
from .issued import IssuedItem
from .models import NationalSubmission


def _actor(by: Any) -> str:
    return str(by.get_username()) if hasattr(by, "get_username") else str(by)


def package_for(item: IssuedItem) -> tuple[str, bytes, bool]:
    """(content hash, package bytes, signed) of the item, built from its data."""
    data = issued.content(item)
    document = issued.document(item, data)
    # Signed as decisions are (council/signatures.py): the issuing unit's certificate, when
    # signing is configured; otherwise the .pdf goes unsigned and the manifest says so.
    key = signing.configured_key(item.unit.code)
    signed = key is not None
    if key is not None:
        pdf = render_signed_pdf(document, key, reason="Gửi Cơ sở dữ liệu quốc gia về THTK-CLP")
    else:
        pdf = render_pdf(document)
    about = {
        "kind": item.kind,
        "unit": item.unit.name,
        "year": item.year,
        "issued_on": item.issued_on.isoformat(),
        "title": item.title,
        "pdf_signed": signed,
    }
    files = national_format.package_files(about, data, pdf, f"{document.filename_stem}.pdf")
    digest = hashlib.sha256(files["content.json"]).hexdigest()
    return digest, national_format.zip_files(files), signed


def build(item: IssuedItem, *, by: Any) -> NationalSubmission:
    """The item's package, built now unless one of the same content exists (then that one)."""
    digest, package, _signed = package_for(item)
    with transaction.atomic():
        existing = NationalSubmission.objects.filter(
            subject=item.subject, content_sha256=digest
        ).first()
        if existing is not None:
            return existing
        row = NationalSubmission.objects.create(
            subject=item.subject,
            title=item.title,
            issued_on=item.issued_on,
            content_sha256=digest,
            package_sha256=hashlib.sha256(package).hexdigest(),
            package=package,
            format_version=national_format.FORMAT_VERSION,
            built_at=timezone.now(),
            built_by=_actor(by),
        )
        chain.record(
            "disclosures.national.build",
            by=by,
            object_type="disclosures.nationalsubmission",
            object_id=row.pk,
            after={"subject": item.subject, "package_sha256": row.package_sha256},
        )
        return row


def mark_sent(
    submission: NationalSubmission, *, by: Any, receipt_ref: str, channel: str
) -> NationalSubmission:
    receipt_ref = receipt_ref.strip()
    if not receipt_ref:
        raise ValidationError(_("Give the receipt reference of the national database."))
    if channel not in NationalSubmission.Channel.values:
        raise ValidationError(_("Choose how the package was sent."))
    with transaction.atomic():
        row = NationalSubmission.objects.select_for_update().get(pk=submission.pk)
        if row.sent_at is not None:
            raise ValidationError(_("This package is already marked as sent."))
        row.sent_at, row.sent_by = timezone.now(), _actor(by)
        row.channel, row.receipt_ref = channel, receipt_ref
        row.save(update_fields=["sent_at", "sent_by", "channel", "receipt_ref"])
        chain.record(
            "disclosures.national.sent",
            by=by,
            object_type="disclosures.nationalsubmission",
            object_id=row.pk,
            after={"package_sha256": row.package_sha256, "receipt_ref": receipt_ref},
        )
        return row


@dataclass(frozen=True)
class Row:
    item: IssuedItem
    status: deadlines.Status
    latest: NationalSubmission | None
    sent: NationalSubmission | None


def rows(unit_ids: list[int] | None, today: dt.date) -> list[Row]:
    """Every issued item in scope with its national-database state."""
    items = issued.issued_items(unit_ids)
    subs: dict[str, list[NationalSubmission]] = {}
    for sub in NationalSubmission.objects.filter(subject__in=[i.subject for i in items]).defer(
        "package"
    ):
        subs.setdefault(sub.subject, []).append(sub)
    calendar = deadlines.Calendar()
    out = []
    for item in items:
        mine = subs.get(item.subject, [])
        sent = min(
            (s for s in mine if s.sent_at is not None),
            key=lambda s: s.sent_at or timezone.now(),
            default=None,
        )
        latest = max(mine, key=lambda s: s.built_at, default=None)
        done = timezone.localtime(sent.sent_at).date() if sent and sent.sent_at else None
        out.append(Row(item, calendar.status(item, deadlines.NATIONAL, done, today), latest, sent))
    return out
