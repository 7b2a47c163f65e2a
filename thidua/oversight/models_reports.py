"""Anonymous waste reports (phản ánh lãng phí, issue 13 point 6): what anyone may send about a
unit without signing in, the files attached (stored only after their metadata is stripped),
the messages exchanged with the handler, and the report's triage.

Nothing here identifies the sender: no address, browser, session or user; the report's
time is kept to the day (`received_on`), and so is a message's, so that the rows cannot be
matched against a web server's access log by the second. The secret is kept only as a slow
salted hash (reports.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from thidua.org.models import OrgUnit

from .models import FindingState


class WasteReport(models.Model):
    """One anonymous report about a unit; it follows the findings' triage states."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, verbose_name=_("unit"))
    province = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
        help_text=_("the unit's branch directly below the root on the day received"),
    )
    text = models.TextField(_("what happened"))
    received_on = models.DateField(_("received on"), db_index=True)
    code = models.CharField(_("tracking code"), max_length=20, unique=True)
    secret_hash = models.CharField(max_length=200)
    status = models.CharField(
        _("state"), max_length=10, choices=FindingState.choices, default=FindingState.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("waste report")
        indexes = [models.Index(fields=["province", "received_on"])]

    def __str__(self) -> str:
        return self.code


class ReportMessage(models.Model):
    """A message of the sender or of a handler, dated to the day."""

    report = models.ForeignKey(WasteReport, on_delete=models.CASCADE, related_name="messages")
    from_sender = models.BooleanField(default=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    on = models.DateField()

    class Meta:
        ordering = ["on", "pk"]


class ReportFile(models.Model):
    """A file attached by the sender, as stored: images re-encoded without EXIF/XMP, PDFs
    without their information dictionary and XMP metadata."""

    report = models.ForeignKey(WasteReport, on_delete=models.CASCADE, related_name="files")
    message = models.ForeignKey(
        ReportMessage, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    content = models.BinaryField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    @property
    def extension(self) -> str:
        return self.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")


class ReportHistory(models.Model):
    """One step of a report's triage (the handler's reason is shown to the sender)."""

    report = models.ForeignKey(WasteReport, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    @property
    def to_label(self) -> str:
        return str(FindingState(self.to_status).label)
