"""THTK-CLP evaluation: each unit's yearly programme with numeric targets, emulation clusters
and blocks, rubrics (Circular 129/2017/TT-BTC, versioned data) and assessments with their
scores. Calculations live in scoring.py, progress.py and rankings.py (pure functions)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from thidua.lib.dates import OPEN_END
from thidua.org.models import EffectiveQuerySet, OrgUnit
from thidua.reporting.models import Bilingual, Indicator

# --- programme ---------------------------------------------------------------------------


class ProgrammeDeadline(models.Model):
    """When next year's THTK-CLP programme is due: a day of the previous year (31/12 under
    Decree 266/2026 for ministries and provinces), as data."""

    month = models.PositiveSmallIntegerField(_("month of the previous year"))
    day = models.PositiveSmallIntegerField(_("day"))
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    confirmed = models.BooleanField(_("confirmed in the legal text"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), default=OPEN_END)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lt=models.F("valid_to")), name="programme_deadline_period"
            )
        ]

    def due_for(self, year: int) -> dt.date:
        return dt.date(year - 1, self.month, self.day)


class Programme(models.Model):
    """A unit's THTK-CLP programme for one year (chương trình THTK-CLP)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved by the unit head")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    key_tasks = models.TextField(_("key tasks"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    responsible_units = models.TextField(_("responsible units"), blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_programme_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year}"


class Target(models.Model):
    """A numeric savings target of a programme, on one indicator: an amount or a percentage,
    absolute or against last year, with a comparator (e.g. conference spending ≤ −10 % of
    last year; disbursement rate ≥ 95)."""

    class Kind(models.TextChoices):
        AMOUNT = "amount", _("Amount")
        PERCENT_CHANGE = "percent_change", _("Percentage change against last year")

    class Comparator(models.TextChoices):
        AT_MOST = "<=", "≤"
        AT_LEAST = ">=", "≥"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    comparator = models.CharField(_("comparator"), max_length=2, choices=Comparator.choices)
    value = models.DecimalField(_("target value"), max_digits=20, decimal_places=4)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(_("progress"), max_length=20, blank=True, editable=False)
    """Cached by recompute_scores (progress.py); the unit's page computes it live."""

    class Meta:
        ordering = ["programme_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "indicator", "kind"], name="one_target_per_indicator"
            )
        ]


# --- rubrics -----------------------------------------------------------------------------


class Rubric(Bilingual):
    """A versioned score table for one entity type (Circular 129/2017 Art. 4, 6, 7)."""

    class EntityType(models.TextChoices):
        DIRECT = "direct", _("Budget unit spending directly")
        UPPER = "upper", _("Unit with subordinate budget units")
        COMMUNE = "commune", _("Commune budget")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    entity_type = models.CharField(_("entity type"), max_length=20, choices=EntityType.choices)
    movement = models.ForeignKey(
        "movements.Movement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rubrics",
        verbose_name=_("movement"),
        help_text=_("the movement that scores with this table; empty: any movement"),
    )
    version = models.CharField(_("version"), max_length=20)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    grades = models.JSONField(default=list, blank=True)
    """[{"code", "min", "name", "name_en"}] best first; set by the sector (the Circular has no
    bands)."""
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), default=OPEN_END)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["entity_type", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lt=models.F("valid_to")), name="rubric_period"
            )
        ]


class RubricGroup(Bilingual):
    """A content group with its maximum (70, 30, …) or a deduction group."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=10)
    order = models.PositiveSmallIntegerField(default=0)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    is_deduction = models.BooleanField(_("deduction group"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        ordering = ["rubric_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="one_rubric_group_code"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="group_max_not_negative"),
        ]


class Criterion(Bilingual):
    """One row of a score table: computed from indicators, entered by hand with evidence, or a
    deduction per violation."""

    class Kind(models.TextChoices):
        COMPUTED = "computed", _("Computed from indicators")
        MANUAL = "manual", _("Entered with evidence")
        DEDUCTION = "deduction", _("Deduction per violation")

    group = models.ForeignKey(RubricGroup, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    formula = models.CharField(_("formula"), max_length=500, blank=True)
    thresholds = models.JSONField(default=list, blank=True)
    """[[threshold, points], …]: the points of the first threshold the value reaches (best
    first). Empty: the formula's value is the points, within 0 and the maximum."""
    per_violation = models.DecimalField(
        _("points per violation"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    set_by_sector = models.BooleanField(_("set by the sector, not by the Circular"), default=True)
    help = models.TextField(_("guidance"), blank=True)

    class Meta:
        ordering = ["group__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["group", "code"], name="one_criterion_code"),
            models.CheckConstraint(
                condition=Q(max_points__gte=0), name="criterion_max_not_negative"
            ),
        ]


# --- clusters ----------------------------------------------------------------------------


class Cluster(Bilingual):
    """An emulation cluster or block (cụm, khối thi đua) for one year, with its chair and
    deputy and the pact (giao ước) signed by the members."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("Cluster")
        BLOCK = "block", _("Block")

    year = models.PositiveSmallIntegerField(_("year"))
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CLUSTER)
    organiser = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organised by")
    )
    chair = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deputy = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pact_signed_on = models.DateField(_("pact signed on"), null=True, blank=True)
    rubric = models.ForeignKey(
        Rubric,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scoring table of the pact"),
    )
    members: models.ManyToManyField[OrgUnit, ClusterMember] = models.ManyToManyField(
        OrgUnit, through="ClusterMember", related_name="+"
    )

    class Meta:
        ordering = ["year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="one_cluster_code_per_year"),
            models.CheckConstraint(
                condition=Q(chair__isnull=True) | ~Q(chair=models.F("deputy")),
                name="chair_is_not_deputy",
            ),
        ]


class ClusterMember(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Cluster.Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "kind"], name="one_cluster_per_unit_year_kind"
            )
        ]


# --- assessments -------------------------------------------------------------------------


class Assessment(models.Model):
    """A unit's THTK-CLP evaluation for one year: self-assessed by the unit, reviewed by the
    level above (every changed point with a reason), then final."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Self-assessment in progress")
        SUBMITTED = "submitted", _("Self-assessed, awaiting review")
        FINAL = "final", _("Final")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="assessments")
    movement = models.ForeignKey(
        "movements.Movement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("movement"),
    )
    """The movement the unit is assessed in: a unit in two movements has one assessment a year
    in each. Empty only for a unit that took part in no movement when it was assessed."""
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    self_total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(max_length=20, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "movement"],
                condition=Q(movement__isnull=False),
                name="one_assessment_per_movement_year",
            ),
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=Q(movement__isnull=True),
                name="one_assessment_per_year",
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100),
                name="assessment_total_0_100",
            ),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year}"

    @property
    def grade_label(self) -> str:
        """The grade's name from the rubric's grade table, in the active language."""
        for grade in self.rubric.grades or []:
            if grade.get("code") == self.grade:
                english = get_language() == "en" and grade.get("name_en")
                return str(english or grade.get("name") or self.grade)
        return self.grade


class Score(models.Model):
    """The points of one criterion in one assessment, and how they were reached."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    """The formula's value (computed criteria)."""
    inputs = models.JSONField(default=dict, blank=True)
    """The figures the formula read, by indicator code (as text)."""
    computed_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    self_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    violations = models.PositiveIntegerField(null=True, blank=True)
    evidence_link = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to="evaluation/%Y", max_length=255, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    review_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    review_reason = models.TextField(_("reason for the change"), blank=True)

    class Meta:
        ordering = ["criterion__group__order", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="one_score"),
            models.CheckConstraint(
                condition=Q(review_points__isnull=True) | ~Q(review_reason=""),
                name="review_change_has_reason",
            ),
        ]

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_link or self.evidence_file)


class AssessmentTransition(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Assessment.Status.choices)
    to_status = models.CharField(max_length=20, choices=Assessment.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment_id", "at", "id"]


ZERO = Decimal(0)
