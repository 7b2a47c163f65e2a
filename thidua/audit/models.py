"""The audit log: one hash-chained row per audited change (DESIGN.md §7, decision 0003).

The app depends on no other app: the actor is an id and a label, the object a type and an id,
so any app can write here and nothing here breaks when another app changes."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_object(self, object_type: str, object_id: str | int) -> AuditEventQuerySet:
        """The events about one object, newest first."""
        return self.filter(object_type=object_type, object_id=str(object_id)).order_by("-seq")


class AuditEvent(models.Model):
    """One link of the chain. `hash` is sha256 over the canonical JSON of every other field,
    `prev_hash` included, so an edit, a deletion or a reordering breaks the chain.
    Written only by `thidua.audit.chain`; never updated or deleted by the application."""

    seq = models.BigIntegerField(_("number"), primary_key=True)
    at = models.DateTimeField(_("time"))
    actor_id = models.BigIntegerField(_("user ID"), null=True, blank=True)
    actor_label = models.CharField(_("user"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object ID"), max_length=100)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_event_seq_from_1"),
        ]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"], name="audit_object")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Only chain.record_many writes events (with bulk_create); an edit would break the chain.
        raise TypeError("Audit events are appended with thidua.audit.chain.record().")

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are never deleted.")


class AuditHead(models.Model):
    """The chain's last link (seq and hash), one row updated in the same transaction as each
    append. The chain alone cannot show that its last events were deleted; the head can."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    seq = models.BigIntegerField(_("number"))
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"
