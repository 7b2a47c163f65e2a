"""Council sessions, the secret ballot, the minutes, and decisions with their register.

The ballot keeps two tables that share no key: `BallotReceipt` proves that a member voted on an
item; `BallotVote` holds the choice sealed to the session's key (`ballot.py`), whose private half
the database never holds, with a random UUID key, no voter and no time. Receipt and sealed vote
are written in one commit: whoever copies every committed state (the SQLite WAL, PostgreSQL's
WAL or a backup) sees who voted and when, never what. At closing the votes are opened in memory,
only the item's totals are stored, the sealed votes are deleted and the key destroyed
(docs/decisions/0005-secret-ballot.md).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from thidua.awards.models import AwardRecord, Council, CouncilMember, Proposal
from thidua.lib.dates import OPEN_END
from thidua.lib.numbers import format_vn_number
from thidua.org.models import EffectiveQuerySet, OrgUnit

from . import ballot, rules


class Holiday(models.Model):
    """A public holiday or a compensating day off (not a working day), or a Saturday the
    government made a working day in exchange (ngày làm bù), with the text it comes from."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Holiday or day off")
        WORKDAY = "workday", _("Working day in exchange for a day off")

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DAY_OFF)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"


def working_calendar() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off, Saturdays worked) as loaded: what every working-day count uses."""
    rows = Holiday.objects.values_list("day", "kind")
    off = frozenset(d for d, k in rows if k == Holiday.Kind.DAY_OFF)
    return off, frozenset(d for d, k in rows if k == Holiday.Kind.WORKDAY)


class CouncilSession(models.Model):
    """One meeting of a standing council (phiên họp Hội đồng Thi đua - Khen thưởng)."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("council session", "Planned")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PLANNED
    )
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=3)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    ballot_key = models.BinaryField(_("ballot public key"), max_length=32, blank=True, default=b"")
    """The public half of the session's X25519 key, set at opening; the private half is a file
    outside the database (ballot.store_private_key)."""
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("council session")
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_numerator__gt=0)
                & Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="session_quorum_is_a_fraction",
            )
        ]

    def __str__(self) -> str:
        return f"{self.council} {self.date:%d/%m/%Y}"


class SessionMember(models.Model):
    """The council's membership on the session date, frozen, with attendance."""

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="members")
    seat = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=255)
    role = models.CharField(_("role"), max_length=12, choices=CouncilMember.Role.choices)
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        ordering = ["session_id", "id"]
        verbose_name = _("session member")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_seat_per_session_user")
        ]

    def __str__(self) -> str:
        return self.name


class AgendaItem(models.Model):
    """A proposal on the session's agenda, with its result once the session closes."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Pending")
        PASSED = "passed", _("Passed")
        REJECTED = "rejected", _("Rejected")

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="items")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    result = models.CharField(
        _("result"), max_length=8, choices=Result.choices, default=Result.PENDING
    )
    threshold = models.DecimalField(_("threshold"), max_digits=4, decimal_places=3, null=True)
    members_total = models.PositiveSmallIntegerField(_("council members"), default=0)
    agree = models.PositiveSmallIntegerField(_("agree"), default=0)
    disagree = models.PositiveSmallIntegerField(_("disagree"), default=0)
    abstain = models.PositiveSmallIntegerField(_("abstain"), default=0)
    written = models.PositiveSmallIntegerField(_("written votes"), default=0)
    consultation_ends_on = models.DateField(_("public consultation ends on"), null=True)

    class Meta:
        ordering = ["session_id", "position", "id"]
        verbose_name = _("agenda item")
        constraints = [
            models.UniqueConstraint(fields=["session", "proposal"], name="one_item_per_proposal")
        ]

    @property
    def agree_share(self) -> Decimal | None:
        if not self.members_total:
            return None
        return Decimal(self.agree) / Decimal(self.members_total)

    @property
    def agree_text(self) -> str:
        """'80,0 %' of all members."""
        return rules.share_text(self.agree, self.members_total)

    @property
    def threshold_text(self) -> str:
        """'≥ 90%', or '> 50%' when the title's rule sets no threshold."""
        if self.threshold is None:
            return "> 50%"
        return "≥ " + format_vn_number(self.threshold * 100, 0) + "%"

    def decidable_on(self, day: dt.date) -> bool:
        """Passed, and any public consultation is over by `day`."""
        if self.result != self.Result.PASSED:
            return False
        return self.consultation_ends_on is None or day > self.consultation_ends_on


class BallotReceipt(models.Model):
    """Proof that a member voted on an item — never what they chose."""

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="receipts")
    member = models.ForeignKey(SessionMember, on_delete=models.CASCADE, related_name="receipts")

    class Meta:
        verbose_name = _("ballot receipt")
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="one_ballot_per_member_item")
        ]


class BallotVote(models.Model):
    """One sealed choice on one item, until the session closes. No voter, no time, and a
    ciphertext of the same size for every choice: the key is random."""

    class Choice(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        ABSTAIN = "abstain", _("Abstain")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    sealed = models.BinaryField(_("sealed choice"), max_length=ballot.SEALED_SIZE)
    # Whether a ballot came in writing is known from its receipt (an absent member's): kept
    # off the vote, where with a single absent member it would name that member's choice.

    class Meta:
        verbose_name = _("ballot vote")


class DecisionRegister(models.Model):
    """The yearly number book of one issuer: numbers run from 1 each calendar year
    (Decree 30/2020 Phụ lục I, cell 3)."""

    issuer = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    next_number = models.PositiveIntegerField(_("next number"), default=1)

    class Meta:
        verbose_name = _("decision register")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="one_register_per_issuer_year")
        ]


class Decision(models.Model):
    """A commendation decision (quyết định khen thưởng)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")

    class Authority(models.TextChoices):
        NONE = "", _("(signs in own name)")
        KT = "KT.", "KT."
        TM = "TM.", "TM."
        TL = "TL.", "TL."
        Q = "Q.", "Q."

    issuer = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    issuer_name = models.CharField(_("issuing body"), max_length=255)
    governing_body = models.CharField(_("governing body"), max_length=255, blank=True)
    session = models.ForeignKey(
        CouncilSession, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=40)
    """From the issuing unit's document settings, else its body's (council.actions)."""
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=80)
    signer_name = models.CharField(_("signer"), max_length=255)
    signer_position = models.CharField(_("signer's position"), max_length=255)
    authority = models.CharField(
        _("authority"), max_length=4, choices=Authority.choices, blank=True, default=""
    )
    authority_of = models.CharField(_("on behalf of"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    legal_bases = models.TextField(_("legal bases"), blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_pdf = models.BinaryField(_("signed PDF"), null=True, blank=True, editable=False)
    """The .pdf as signed at issue (council.signatures), served as it is ever after."""
    signed_pdf_sha256 = models.CharField(
        _("SHA-256 of the signed PDF"), max_length=64, blank=True, editable=False
    )

    class Meta:
        ordering = ["-year", "-number", "-id"]
        verbose_name = _("decision")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "number"], name="decision_number_once_per_issuer_year"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False),
                name="issued_decision_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number_text

    @property
    def number_text(self) -> str:
        number = f"{self.number:02d}" if self.number else "…"
        return f"{number}/{self.symbol}"

    @property
    def legal_basis_lines(self) -> list[str]:
        return [line.strip() for line in self.legal_bases.splitlines() if line.strip()]

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class DecisionAwardee(models.Model):
    """A passed proposal named in a decision, with the cash it carries."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="awardees")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="+")
    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, related_name="decision_awardee"
    )
    cash_amount = models.DecimalField(
        _("cash (VND)"), max_digits=14, decimal_places=0, default=0, null=True, blank=True
    )
    """None when unknown: no base salary is recorded for the decision date."""
    award = models.OneToOneField(
        AwardRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["decision_id", "id"]
        verbose_name = _("awardee")


class Revocation(models.Model):
    """The withdrawal of one award, with the cash to recover (thu hồi tiền thưởng)."""

    award = models.OneToOneField(AwardRecord, on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="revocations"
    )
    day = models.DateField(_("revoked on"))
    reason = models.TextField(_("reason"))
    cash_to_recover = models.DecimalField(
        _("cash to recover (VND)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("revocation")


class DocumentSettings(models.Model):
    """How one issuing unit numbers and places its decisions (số ký hiệu "QĐ-…", địa danh);
    a unit without settings takes its body's defaults (thidua.org.body)."""

    unit = models.OneToOneField(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing unit")
    )
    symbol = models.CharField(
        _("number symbol"), max_length=40, help_text=_("Written after the number: 05/QĐ-…")
    )
    place = models.CharField(_("place"), max_length=80)

    class Meta:
        verbose_name = _("document settings")

    def __str__(self) -> str:
        return f"{self.unit} — {self.symbol}"


class Signer(models.Model):
    """Who may sign the decisions of an issuing unit, with the title printed under the
    signature, during [valid_from, valid_to)."""

    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing unit")
    )
    full_name = models.CharField(_("full name"), max_length=255)
    title = models.CharField(_("title"), max_length=255)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), default=OPEN_END)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["unit_id", "valid_from", "full_name"]
        verbose_name = _("signer")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lt=models.F("valid_to")), name="signer_period_not_empty"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.full_name}"


class ConsultationComment(models.Model):
    """A comment sent during an item's public consultation (Decree 98/2023 Art. 46, Decree
    152/2025 Art. 60(3)), from the public portal's form. Name and contact are optional and
    seen only by the council; no address or other trace of the sender is kept."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="consultation_comments"
    )
    received_at = models.DateTimeField(_("received at"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    text = models.TextField(_("comment"))

    class Meta:
        ordering = ["item_id", "received_at", "id"]
        verbose_name = _("consultation comment")
