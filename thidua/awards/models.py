"""Awards: the catalogue of titles and award forms with dated rules, the base salary by date,
person facts (rating, discipline, absence, open cases), initiatives, title registration,
standing councils, eligibility results, proposals with their dossier, and the award history.

The contract with `council` is decision 0004: `Title`, `Title.rule_on`, `base_salary_on`,
`Council`/`CouncilMember`, `Proposal` and `AwardRecord` keep the names and fields listed there.
Every rule period is half-open [valid_from, valid_to); OPEN_END (31/12/9999) means in force.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from thidua.lib.dates import OPEN_END
from thidua.org.body import profile_for
from thidua.org.models import EffectiveQuerySet, OrgUnit, Person


class Confidence(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Subject(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")


def _period(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(valid_from__lt=models.F("valid_to")), name=f"{name}_period_not_empty"
    )


def _person_xor_unit(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(person__isnull=False) & Q(unit__isnull=True))
        | (Q(person__isnull=True) & Q(unit__isnull=False)),
        name=f"{name}_person_xor_unit",
    )


class BilingualNote:
    """A rule's note is kept in Vietnamese (`note`) and in English (`note_en`)."""

    note: str
    note_en: str

    @property
    def display_note(self) -> str:
        return self.note_en if get_language() == "en" and self.note_en else self.note


class LawTitle(models.TextChoices):
    """Which title or award form of Law 06/2022/QH15 a pack's title is: the eligibility engine
    chooses its checks from this, never from the pack's own code ("" = no automatic check)."""

    NONE = "", _("No automatic check")
    ADVANCED_LABOURER = "advanced_labourer", _("Advanced worker (Law Art. 24)")
    BASE_FIGHTER = "base_fighter", _("Grassroots emulation fighter (Law Art. 23)")
    MINISTERIAL_FIGHTER = (
        "ministerial_fighter",
        _("Emulation fighter of a ministry, sector or province (Law Art. 22)"),
    )
    NATIONAL_FIGHTER = "national_fighter", _("National emulation fighter (Law Art. 21)")
    ADVANCED_COLLECTIVE = "advanced_collective", _("Advanced collective (Law Art. 28)")
    EXCELLENT_COLLECTIVE = "excellent_collective", _("Excellent collective (Law Art. 27)")
    MINISTERIAL_FLAG = (
        "ministerial_flag",
        _("Emulation flag of a ministry, sector or province (Law Art. 26)"),
    )
    GOVERNMENT_FLAG = "government_flag", _("Government emulation flag (Law Art. 25)")
    COMMEMORATIVE_MEDAL = "commemorative_medal", _("Commemorative medal of a sector or body")
    COMMENDATION = "commendation", _("Certificate of merit or other award form")


class Title(models.Model):
    """An emulation title (danh hiệu thi đua) or an award form (hình thức khen thưởng)."""

    class Kind(models.TextChoices):
        TITLE = "title", _("Emulation title")
        FORM = "form", _("Award form")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    movements = models.ManyToManyField(
        "movements.Movement",
        blank=True,
        related_name="titles",
        verbose_name=_("movements"),
        help_text=_("the movements that use this title; none: open to every movement"),
    )
    short_name = models.CharField(_("abbreviation"), max_length=30, blank=True)
    subject = models.CharField(_("for"), max_length=12, choices=Subject.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.TITLE)
    yearly = models.BooleanField(_("considered every year"), default=True)
    law_title = models.CharField(
        _("title under the Law"),
        max_length=24,
        choices=LawTitle.choices,
        blank=True,
        default="",
        help_text=_("which title or form of Law 06/2022/QH15 this is; it chooses the checks"),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("title or award form")
        verbose_name_plural = _("titles and award forms")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name

    @property
    def short_label(self) -> str:
        """The usual abbreviation in Vietnamese documents (LĐTT, CSTĐCS…), else the code."""
        return self.short_name or self.code

    @property
    def is_individual(self) -> bool:
        return self.subject == Subject.INDIVIDUAL

    def rule_on(self, day: dt.date) -> TitleRule:
        """The rule version in force on `day`; TitleRule.DoesNotExist when none is."""
        return self.rules.get(valid_from__lte=day, valid_to__gt=day)


class TitleRule(BilingualNote, models.Model):
    """The dated rule of one title: legal basis, vote threshold, consultation, cash multiple and
    quota. Values the legal text did not give are shipped with the best-known value, a
    confidence below high and a note the UI shows (emulation-rules.md §8)."""

    class Comparator(models.TextChoices):
        GT = "gt", ">"
        GE = "ge", "≥"

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="rules")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), default=OPEN_END)
    legal_basis = models.CharField(_("legal basis"), max_length=500)
    confidence = models.CharField(
        _("confidence"), max_length=8, choices=Confidence.choices, default=Confidence.HIGH
    )
    note = models.TextField(_("note"), blank=True)
    note_en = models.TextField(_("note in English"), blank=True)
    vote_threshold = models.DecimalField(
        _("vote threshold"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("share of agree votes needed, e.g. 0.900; empty when no ballot"),
    )
    vote_body = models.CharField(_("who votes"), max_length=255, blank=True)
    consultation_working_days = models.PositiveSmallIntegerField(
        _("public consultation (working days)"), default=0
    )
    cash_multiple = models.DecimalField(
        _("cash multiple of the base salary"), max_digits=6, decimal_places=2, default=Decimal(0)
    )
    cash_is_maximum = models.BooleanField(_("the multiple is a maximum"), default=False)
    service_months_min = models.PositiveSmallIntegerField(
        _("minimum months of service"), null=True, blank=True
    )
    share_threshold = models.DecimalField(
        _("share threshold"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("e.g. the share of members who are LĐTT"),
    )
    share_comparator = models.CharField(
        _("comparator"), max_length=2, choices=Comparator.choices, default=Comparator.GT
    )
    quota_share = models.DecimalField(
        _("quota share"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    quota_minimum = models.PositiveSmallIntegerField(_("quota minimum"), null=True, blank=True)
    warn_share = models.DecimalField(
        _("warning above share"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    chain_years = models.PositiveSmallIntegerField(_("consecutive years needed"), default=0)
    params = models.JSONField(_("other parameters"), default=dict, blank=True)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["title__sort_order", "valid_from"]
        verbose_name = _("title rule")
        constraints = [
            _period("titlerule"),
            models.UniqueConstraint(fields=["title", "valid_from"], name="one_rule_per_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title.code} {self.valid_from:%d/%m/%Y}"


class BaseSalary(BilingualNote, models.Model):
    """Mức lương cơ sở in force during a period: every cash amount multiplies it."""

    amount = models.DecimalField(_("amount (VND/month)"), max_digits=14, decimal_places=0)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), default=OPEN_END)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    confidence = models.CharField(
        _("confidence"), max_length=8, choices=Confidence.choices, default=Confidence.HIGH
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    note_en = models.CharField(_("note in English"), max_length=500, blank=True)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("base salary")
        constraints = [
            _period("basesalary"),
            models.UniqueConstraint(fields=["valid_from"], name="one_base_salary_per_start"),
        ]


class RegistrationDeadline(BilingualNote, models.Model):
    """The day of the year by which units register their titles and THTK-CLP commitments,
    as data: the first sector pack's own circular gives no calendar, so the default (31/03,
    when the clusters sign their pact) is set by the sector and labelled as such."""

    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    confidence = models.CharField(
        _("confidence"), max_length=8, choices=Confidence.choices, default=Confidence.LOW
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    note_en = models.CharField(_("note in English"), max_length=500, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), default=OPEN_END)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("registration deadline")
        constraints = [
            _period("registrationdeadline"),
            models.UniqueConstraint(
                fields=["valid_from"], name="one_registration_deadline_per_start"
            ),
        ]

    def due_on(self, year: int) -> dt.date:
        return dt.date(year, self.month, self.day)


def registration_due(year: int) -> RegistrationDeadline | None:
    """The deadline rule in force on 1 January of the registration's year."""
    return RegistrationDeadline.objects.at(dt.date(year, 1, 1)).first()


class NoBaseSalary(LookupError):
    """No base salary is recorded for the day."""


def base_salary_on(day: dt.date) -> Decimal:
    """The base salary in force on `day` (emulation-rules.md §7)."""
    row = BaseSalary.objects.at(day).order_by("-valid_from").first()
    if row is None:
        raise NoBaseSalary(day)
    return row.amount  # type: ignore[no-any-return]


class Council(models.Model):
    """A unit's standing emulation and commendation council (Hội đồng Thi đua - Khen thưởng)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="councils")
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        ordering = ["unit__code", "name"]
        verbose_name = _("council")

    def __str__(self) -> str:
        return self.name

    def members_on(self, day: dt.date) -> models.QuerySet[CouncilMember]:
        return self.members.filter(valid_from__lte=day, valid_to__gt=day)

    def chair_on(self, day: dt.date) -> CouncilMember | None:
        return self.members_on(day).filter(role=CouncilMember.Role.CHAIR).first()


class CouncilMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_seats"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), default=OPEN_END)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["council_id", "role", "valid_from"]
        verbose_name = _("council member")
        constraints = [_period("councilmember")]


class PerformanceRating(models.Model):
    """The yearly quality rating of a civil servant (Decree 90/2020; Decree 335/2025)."""

    class Level(models.TextChoices):
        HTXS = "HTXS", _("Excellent completion of duties")
        HTT = "HTT", _("Good completion of duties")
        HT = "HT", _("Completion of duties")
        KHT = "KHT", _("Non-completion of duties")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ratings")
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("rating"), max_length=4, choices=Level.choices)

    class Meta:
        ordering = ["person_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="one_rating_per_year")
        ]


class Discipline(models.Model):
    """A disciplinary decision on a person."""

    class Level(models.TextChoices):
        REPRIMAND = "reprimand", _("Reprimand (khiển trách)")
        WARNING = "warning", _("Warning (cảnh cáo)")
        DEMOTION = "demotion", _("Demotion (hạ bậc lương)")
        DISMISSAL_FROM_POST = "dismissal_from_post", _("Removal from post (cách chức)")
        DISMISSAL = "dismissal", _("Dismissal (buộc thôi việc)")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disciplines")
    level = models.CharField(_("level"), max_length=24, choices=Level.choices)
    decided_on = models.DateField(_("decided on"))
    breach_ref = models.CharField(_("breach"), max_length=120, blank=True)
    served_until = models.DateField(_("served until"), null=True, blank=True)
    used_to_refuse_year = models.PositiveSmallIntegerField(
        _("breach already used to refuse LĐTT in year"), null=True, blank=True
    )

    class Meta:
        ordering = ["person_id", "decided_on"]
        indexes = [models.Index(fields=["decided_on"])]


class Absence(models.Model):
    class Reason(models.TextChoices):
        MATERNITY = "maternity", _("Maternity leave")
        SICKNESS = "sickness", _("Sickness")
        STUDY = "study", _("Study")
        UNPAID = "unpaid", _("Unpaid leave")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="absences")
    year = models.PositiveSmallIntegerField(_("year"))
    months = models.DecimalField(_("months"), max_digits=4, decimal_places=1)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)

    class Meta:
        ordering = ["person_id", "year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(months__gte=0) & Q(months__lte=12), name="absence_months_0_12"
            )
        ]


class OpenCase(models.Model):
    """A disciplinary review, investigation, inspection, audit or complaint being verified:
    while it is open, awards are held (Decree 152/2025 Art. 4(4))."""

    class Kind(models.TextChoices):
        DISCIPLINARY = "disciplinary", _("Disciplinary review")
        INVESTIGATION = "investigation", _("Investigation")
        INSPECTION = "inspection", _("Inspection or audit")
        COMPLAINT = "complaint", _("Complaint or denunciation")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="open_cases"
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="open_cases"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-opened_on"]
        constraints = [_person_xor_unit("opencase")]


class AwardRecord(models.Model):
    """An award received: written by `council` when a decision is issued, or imported history."""

    class Source(models.TextChoices):
        DECISION = "decision", _("Decision in thidua")
        IMPORTED = "imported", _("Imported history")

    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="awards")
    year = models.PositiveSmallIntegerField(_("year"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decided_on = models.DateField(_("decided on"))
    cash_amount = models.DecimalField(
        _("cash amount (VND)"),
        max_digits=14,
        decimal_places=0,
        default=Decimal(0),
        null=True,
        blank=True,
        help_text=_("Empty when unknown: no base salary is recorded for the decision date."),
    )
    proposal = models.ForeignKey(
        "Proposal", on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.DECISION
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        ordering = ["-year", "title__sort_order"]
        verbose_name = _("award")
        constraints = [_person_xor_unit("awardrecord")]
        indexes = [models.Index(fields=["year", "title"])]


class Initiative(models.Model):
    """A recognised initiative (sáng kiến) or scientific work; used for one award at most
    (Law 06/2022 Art. 5(2)(c); MoHA 5007/BNV-TĐKT)."""

    class Level(models.TextChoices):
        BASE = "base", _("Base level")
        SECTOR = "sector", _("Sector or ministry level")  # shown in the body's words
        NATIONAL = "national", _("Nationwide")

    title = models.CharField(_("title"), max_length=500)
    authors = models.ManyToManyField(Person, related_name="initiatives", verbose_name=_("authors"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="initiatives")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    recognised_on = models.DateField(_("recognised on"))
    recognised_by = models.CharField(_("recognised by"), max_length=255)
    decision_ref = models.CharField(_("decision"), max_length=120, blank=True)
    used_for = models.ForeignKey(
        AwardRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("used for award"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recognised_on", "title"]
        verbose_name = _("initiative")

    def __str__(self) -> str:
        return self.title

    @property
    def level_text(self) -> str:
        """The level as the body words it (the sector level carries the body's own name,
        `profile_for(unit).sector_initiative_level`)."""
        if self.level == self.Level.SECTOR:
            return profile_for(self.unit_id).sector_initiative_level_text
        return str(self.get_level_display())

    @classmethod
    def level_choices(cls, unit: OrgUnit | int | None = None) -> list[tuple[str, str]]:
        """The level choices in the body's words."""
        sector = profile_for(unit).sector_initiative_level_text
        return [
            (v, sector if v == cls.Level.SECTOR else str(label)) for v, label in cls.Level.choices
        ]


class Registration(models.Model):
    """A unit's yearly registration of emulation titles (đăng ký thi đua)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="registrations")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "unit__code"]
        verbose_name = _("registration")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_registration_per_year")
        ]

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class RegistrationItem(models.Model):
    """One registered title: with a person for an individual title, without for the unit's."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="items")
    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="registrations"
    )

    class Meta:
        ordering = ["registration_id", "title__sort_order", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "title", "person"], name="one_item_per_title_person"
            ),
            models.UniqueConstraint(
                fields=["registration", "title"],
                condition=Q(person__isnull=True),
                name="one_unit_item_per_title",
            ),
        ]


class EligibilityResult(models.Model):
    """The engine's answer for one subject, title and year, stored by recompute_eligibility."""

    class Outcome(models.TextChoices):
        ELIGIBLE = "eligible", _("Eligible")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        HOLD = "hold", _("On hold")

    year = models.PositiveSmallIntegerField(_("year"))
    # Few indexes on purpose: the whole year is rewritten at once (about 45,000 rows), and
    # pages read it by (year, title, unit) or by person.
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="+", db_index=False)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    home_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        help_text="the unit the person worked in at the end of the year",
    )
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "title__sort_order"]
        constraints = [_person_xor_unit("eligibilityresult")]
        indexes = [models.Index(fields=["year", "title", "home_unit"], name="elig_by_unit")]


class Proposal(models.Model):
    """A unit's proposal of a nominee for a title, with its dossier."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        IN_COUNCIL = "in_council", _("In council")
        PASSED = "passed", _("Passed")
        REJECTED = "rejected", _("Rejected")
        AWARDED = "awarded", _("Awarded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="proposals")
    year = models.PositiveSmallIntegerField(_("year"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    proposing_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="proposals_made"
    )
    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    report = models.JSONField(
        _("achievement report"),
        default=dict,
        blank=True,
        help_text="the structured achievement report (thidua.awards.achievement)",
    )
    eligibility = models.JSONField(_("eligibility at proposal"), default=dict, blank=True)
    override_reason = models.TextField(_("override reason"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "title__sort_order", "id"]
        verbose_name = _("proposal")
        constraints = [_person_xor_unit("proposal")]
        indexes = [models.Index(fields=["year", "status"])]

    @property
    def achievement_report(self) -> str:
        """The structured report as plain text (callers that predate the structured form)."""
        from .achievement import plain_text

        return plain_text(self.report or {})

    @achievement_report.setter
    def achievement_report(self, text: str) -> None:
        """A plain text becomes the report's "achievements" section."""
        report: dict[str, Any] = dict(self.report or {})
        report["kind"] = "individual" if self.person_id else "collective"
        report["narrative"] = {**(report.get("narrative") or {}), "results": text}
        self.report = report

    @property
    def nominee(self) -> Person | OrgUnit:
        nominee = self.person if self.person_id else self.unit
        assert nominee is not None
        return nominee

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class ProposalEvidence(models.Model):
    """A file of the dossier; its type is sniffed from its bytes (thidua.lib.filetypes)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="awards/evidence/%Y/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveIntegerField(_("size"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]


class ProposalTransition(models.Model):
    """One history row per status change of a proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def from_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(status: str) -> str:
    try:
        return str(Proposal.Status(status).label)
    except ValueError:
        return status
