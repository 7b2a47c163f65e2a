"""In-app notifications, each person's choice of channel per event, and the e-mail outbox.

The app knows no workflow app (DESIGN §5): an event is a kind (a short key), a title and a
body already rendered in the recipient's language, a link and, where there is one, the unit's
full name and a deadline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The events a person can be told about (issue 10, point 2)."""

    REPORT_RETURNED = "report_returned", _("A report of my unit is returned")
    REPORT_APPROVED = "report_approved", _("A report of my unit is approved")
    REPORT_REOPENED = "report_reopened", _("An approved report of my unit is reopened")
    REPORT_SUBMITTED = "report_submitted", _("A report is submitted to me")
    DEADLINE_SOON = "deadline_soon", _("A deadline is near (7 days, 1 day)")
    DEADLINE_PASSED = "deadline_passed", _("A deadline has passed")
    REMINDER = "reminder", _("The level above reminds my unit to submit")
    BALLOT_OPENED = "ballot_opened", _("A ballot is opened to me")
    CONSULTATION_ENDED = "consultation_ended", _("A consultation period has ended")
    DECISION_ISSUED = "decision_issued", _("A decision names me or my unit")
    ASSESSMENT_CHANGED = "assessment_changed", _("The reviewer changed my unit's assessment")
    WASTE_REPORT = "waste_report", _("An anonymous waste report about a unit I supervise")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the application only")
    EMAIL = "email", _("In the application and by e-mail at once")
    DIGEST = "digest", _("In the application and in a daily e-mail digest")


DEFAULT_CHANNEL = Channel.EMAIL


class Notification(models.Model):
    """One message to one person. `dedupe_key` makes a reminder once per person, item and
    threshold: a second `notify` with the same key for the same person does nothing."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    unit_name = models.CharField(_("unit"), max_length=500, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.IN_APP)
    emailed_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """How one person wants to hear of one kind of event (no row: `DEFAULT_CHANNEL`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices"
    )
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]


class Language(models.Model):
    """The language a person reads messages in (Vietnamese unless they chose English)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_language"
    )
    code = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)


class OutgoingEmail(models.Model):
    """An e-mail queued in the same transaction as the event, sent after commit by the
    worker, retried on failure; `sent_at` guards against sending it twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outgoing_emails"
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing e-mail")
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self) -> str:
        return self.subject
