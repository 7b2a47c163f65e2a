"""Publishing and withdrawing (issue 12): each is a leaf of the public log, written in the
same transaction as the publication row and its audit event; the audit chain's head is
anchored in the log at each of them (and daily, tasks.py)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.audit import chain
from thidua.audit.models import AuditHead

from . import log
from .models import LogLeaf, Publication
from .sources import Draft


def _actor(by: Any) -> str:
    return str(by.get_username()) if hasattr(by, "get_username") else str(by)


def anchor_entry() -> tuple[str, dict[str, Any]]:
    """The audit chain's head as a log entry (its number and hash: nothing else)."""
    head = AuditHead.objects.filter(pk=AuditHead.SINGLETON).values_list("seq", "hash").first()
    seq, digest = head if head is not None else (0, chain.GENESIS)
    return LogLeaf.Kind.AUDIT_ANCHOR, {"kind": "audit_anchor", "seq": seq, "hash": digest}


def anchor_audit_chain() -> LogLeaf | None:
    """Append the audit chain's head unless the last anchor already holds it."""
    with transaction.atomic():
        kind, content = anchor_entry()
        last = LogLeaf.objects.filter(kind=kind).order_by("-index").first()
        if last is not None and last.content == log.canonical_bytes(content).decode():
            return None
        return log.append([(kind, content)])[0]


def publish(draft: Draft, *, by: Any) -> Publication:
    """Publish `draft` (idempotent: the same content of the same subject returns the existing
    publication and adds no leaf). The leaf holds the content with its kind, subject and
    moment; the audit chain's head is anchored right after."""
    data = log.canonical_bytes(draft.content)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        existing = Publication.objects.filter(
            kind=draft.kind, subject=draft.subject, content_hash=digest
        ).first()
        if existing is not None:
            return existing
        moment = timezone.now()
        entry = {
            "kind": "publication",
            "type": draft.kind,
            "subject": draft.subject,
            "title": draft.title,
            "published_at": moment,
            "content_sha256": digest,
            "content": draft.content,
        }
        chain.record(
            "disclosures.publish",
            by=by,
            object_type="disclosures.publication",
            object_id=draft.subject,
            after={"content_sha256": digest},
        )
        leaf, _anchor = log.append([(LogLeaf.Kind.PUBLICATION, entry), anchor_entry()])
        return Publication.objects.create(
            kind=draft.kind,
            subject=draft.subject,
            title=draft.title,
            year=draft.year,
            content=data.decode("utf-8"),
            content_hash=digest,
            leaf=leaf,
            published_at=moment,
            published_by=_actor(by),
        )


def withdraw(publication: Publication, *, by: Any, reason: str) -> Publication:
    """Withdraw a publication: a new leaf saying so, with the reason; the old leaf stays."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for the withdrawal."))
    with transaction.atomic():
        row = Publication.objects.select_for_update().get(pk=publication.pk)
        if row.withdrawn_at is not None:
            raise ValidationError(_("This publication is already withdrawn."))
        moment = timezone.now()
        entry = {
            "kind": "withdrawal",
            "withdraws_index": row.leaf_id,
            "subject": row.subject,
            "content_sha256": row.content_hash,
            "withdrawn_at": moment,
            "reason": reason,
        }
        chain.record(
            "disclosures.withdraw",
            by=by,
            object_type="disclosures.publication",
            object_id=row.subject,
            before={"content_sha256": row.content_hash},
            reason=reason,
        )
        leaf, _anchor = log.append([(LogLeaf.Kind.WITHDRAWAL, entry), anchor_entry()])
        row.withdrawn_at, row.withdrawal_reason, row.withdrawal_leaf = moment, reason, leaf
        row.save(update_fields=["withdrawn_at", "withdrawal_reason", "withdrawal_leaf"])
        return row
