"""The public log of disclosures (a Merkle tree, RFC 9162 §2.1), its signed heads, and the
publications whose content it holds. Rows here are only ever inserted; a withdrawal is a new
leaf, never an update of an old one (except `Publication.withdrawn_at`, which the log mirrors)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

LEVEL_SHIFT = 48  # a node's key is (level << 48) | index: one column, one indexed IN query


def node_key(level: int, index: int) -> int:
    return (level << LEVEL_SHIFT) | index


class LogLeaf(models.Model):
    """One entry of the log: the canonical JSON it hashes and SHA-256(0x00 || that JSON)."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("publication")
        WITHDRAWAL = "withdrawal", _("withdrawal")
        AUDIT_ANCHOR = "audit_anchor", _("audit chain anchor")

    index = models.BigIntegerField(_("index"), primary_key=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    content = models.TextField(_("content"))
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    appended_at = models.DateTimeField(_("appended at"))

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        constraints = [
            models.CheckConstraint(condition=models.Q(index__gte=0), name="leaf_index_gte_0")
        ]


class LogNode(models.Model):
    """The hash of one perfect subtree (leaves at level 0), keyed by `node_key`."""

    key = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("log node")
        verbose_name_plural = _("log nodes")


class TreeHead(models.Model):
    """A signed tree head: the log's size and root at a moment, signed with Ed25519."""

    size = models.BigIntegerField(_("size"), primary_key=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    timestamp = models.BigIntegerField(_("timestamp (ms)"))
    signature = models.BinaryField(_("signature"), max_length=64)

    class Meta:
        verbose_name = _("signed tree head")
        verbose_name_plural = _("signed tree heads")


class Publication(models.Model):
    """One published item. `subject` names what it is about (e.g. a unit's 2025 figures), so
    that a new version of the same subject is told apart from an identical republication."""

    class Kind(models.TextChoices):
        FIGURES = "figures", _("Yearly THTK-CLP key figures")
        RANKING = "ranking", _("THTK-CLP assessment results and ranking")
        DECISION = "decision", _("Award decision")
        CONSULTATION = "consultation", _("Nominees under public consultation")
        PLAN = "plan", _("Movement plan")
        REVIEW = "review", _("Phase review")
        OVERSIGHT = "oversight", _("Oversight statistics")
        PROGRAMME = "programme", _("THTK-CLP programme")
        ANNUAL_REPORT = "annual_report", _("Annual THTK-CLP results report")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    year = models.IntegerField(_("year"), null=True, blank=True)
    content = models.TextField(_("canonical content"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    leaf = models.OneToOneField(
        LogLeaf, on_delete=models.PROTECT, related_name="publication", verbose_name=_("log entry")
    )
    published_at = models.DateTimeField(_("published at"))
    published_by = models.CharField(_("published by"), max_length=150)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawal_leaf = models.OneToOneField(
        LogLeaf,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="withdrawn_publication",
        verbose_name=_("withdrawal log entry"),
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "content_hash"], name="publication_once_per_content"
            )
        ]


class PublishSchedule(models.Model):
    """Per publication kind: publish automatically what became final (schedule.py, run by a
    periodic task), or leave it to the publisher's hand."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=Publication.Kind.choices, primary_key=True
    )
    automatic = models.BooleanField(_("publish automatically when final"), default=False)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    changed_by = models.CharField(_("changed by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("publication schedule")
        verbose_name_plural = _("publication schedules")


class NationalSubmission(models.Model):
    """One export package of an issued programme or annual report for the national THTK-CLP
    database (Decree 266/2026 Art. 20): built (with its hash), then marked sent by hand with
    the receipt reference, until the Ministry of Finance publishes its exchange format."""

    class Channel(models.TextChoices):
        MANUAL = "manual", _("Manual upload to the national database")
        PAPER = "paper", _("Paper or digitally signed report (database unavailable)")

    subject = models.CharField(_("subject"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    issued_on = models.DateField(_("issued on"))
    content_sha256 = models.CharField(_("content hash"), max_length=64)
    package_sha256 = models.CharField(_("package hash"), max_length=64)
    package = models.BinaryField(_("package"))
    format_version = models.CharField(_("format version"), max_length=40)
    built_at = models.DateTimeField(_("built at"))
    built_by = models.CharField(_("built by"), max_length=150)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.CharField(_("sent by"), max_length=150, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    receipt_ref = models.CharField(_("receipt reference"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("national database submission")
        verbose_name_plural = _("national database submissions")
        ordering = ["-built_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "content_sha256"], name="national_package_once_per_content"
            )
        ]
