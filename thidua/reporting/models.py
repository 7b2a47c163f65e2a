"""THTK-CLP reporting: the indicator catalogue, report forms, periods and deadline rules (all
data, versioned by date), and each unit's reports with their values, history and files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from thidua.lib.dates import OPEN_END
from thidua.org.models import EffectiveQuerySet, OrgLevel, OrgUnit


class Bilingual(models.Model):
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("English name"), max_length=500, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class IndicatorGroup(Bilingual):
    """A content area of the catalogue (e.g. Circular 188/2014 Art. 5 recurrent spending)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    area_number = models.PositiveSmallIntegerField(
        _("movement content area"),
        null=True,
        blank=True,
        help_text=_("number of the movement's content area this group feeds"),
    )

    class Meta:
        ordering = ["order", "code"]


class Indicator(Bilingual):
    class Unit(models.TextChoices):
        MILLION_VND = "million_vnd", _("million VND")
        VND = "vnd", _("VND")
        PERCENT = "percent", "%"
        COUNT = "count", _("count")
        PERSON = "person", _("persons")
        M2 = "m2", "m²"
        KM = "km", "km"
        KWH = "kwh", "kWh"
        M3 = "m3", "m³"
        HOUR = "hour", _("hours")
        DAY = "day", _("days")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Sum")
        WEIGHTED_AVERAGE = "weighted_average", _("Weighted average")
        RATIO_OF_SUMS = "ratio_of_sums", _("Ratio of sums")
        LAST = "last", _("Last value")

    class Direction(models.TextChoices):
        LOWER = "lower", _("Lower is better")
        HIGHER = "higher", _("Higher is better")
        NEUTRAL = "neutral", _("Neither")

    code = models.CharField(_("code"), max_length=40, unique=True)
    group = models.ForeignKey(IndicatorGroup, on_delete=models.PROTECT, related_name="indicators")
    area = models.ForeignKey(
        "movements.ContentArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("content area of the movement"),
    )
    order = models.PositiveSmallIntegerField(default=0)
    unit = models.CharField(_("unit of measure"), max_length=20, choices=Unit.choices)
    aggregation = models.CharField(
        _("aggregation"), max_length=20, choices=Aggregation.choices, default=Aggregation.SUM
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.NEUTRAL
    )
    decimals = models.PositiveSmallIntegerField(
        _("decimals"), default=0, help_text=_("the most decimals a typed figure may carry")
    )
    minimum = models.DecimalField(
        _("smallest value"),
        max_digits=24,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("0 for figures that cannot be negative; empty when any value is possible"),
    )
    formula = models.CharField(
        _("formula"),
        max_length=500,
        blank=True,
        help_text=_("derived indicators are computed from this formula, never typed"),
    )
    weight = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("weight indicator"),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    catalogue_version = models.CharField(_("catalogue version"), max_length=20)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), default=OPEN_END)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["group__order", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lt=models.F("valid_to")), name="indicator_period"
            ),
            models.CheckConstraint(condition=Q(decimals__lte=6), name="indicator_decimals_max_6"),
        ]

    @property
    def is_derived(self) -> bool:
        return bool(self.formula)


class Period(models.Model):
    """A reporting period. Half-year and nine-month periods are cumulative from 1 January."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("Quarter")
        HALF = "half", _("6 months")
        NINE_MONTHS = "nine_months", _("9 months")
        YEAR = "year", _("Year")

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))

    class Meta:
        ordering = ["year", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind", "number"], name="one_period"),
            models.CheckConstraint(condition=Q(start__lte=models.F("end")), name="period_order"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        year = str(self.year)
        if self.kind == self.Kind.QUARTER:
            return str(_("Q%(n)s/%(year)s") % {"n": self.number, "year": year})
        if self.kind == self.Kind.HALF:
            return str(_("6 months %(year)s") % {"year": year})
        if self.kind == self.Kind.NINE_MONTHS:
            return str(_("9 months %(year)s") % {"year": year})
        return str(_("Year %(year)s") % {"year": year})


class DeadlineRule(models.Model):
    """When a report of one periodicity is due, by the rule set in force on the period's last
    day: a fixed day of the next year (28/02 under Decree 266/2026 Art. 36) or a number of
    days after the period ends (configurable)."""

    periodicity = models.CharField(_("periodicity"), max_length=20, choices=Period.Kind.choices)
    days_after_end = models.PositiveSmallIntegerField(
        _("days after the period ends"), null=True, blank=True
    )
    next_year_month = models.PositiveSmallIntegerField(
        _("month of the next year"), null=True, blank=True
    )
    next_year_day = models.PositiveSmallIntegerField(_("day of that month"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    confirmed = models.BooleanField(
        _("confirmed in the legal text"),
        default=False,
        help_text=_("unchecked: a value set by the sector where the legal text was not found"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), default=OPEN_END)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["periodicity", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lt=models.F("valid_to")), name="deadline_rule_period"
            ),
            models.CheckConstraint(
                condition=Q(days_after_end__isnull=False)
                | Q(next_year_month__isnull=False, next_year_day__isnull=False),
                name="deadline_rule_has_a_rule",
            ),
        ]

    def deadline_for(self, period: Period) -> dt.date:
        if self.days_after_end is not None:
            return period.end + dt.timedelta(days=self.days_after_end)
        assert self.next_year_month is not None and self.next_year_day is not None
        return dt.date(period.end.year + 1, self.next_year_month, self.next_year_day)


class ReportForm(Bilingual):
    """A report form laid out like the official table: sections of indicator rows, plus the
    narrative parts of the annual report (Decree 266/2026 Art. 37)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    periodicity = models.CharField(_("periodicity"), max_length=20, choices=Period.Kind.choices)
    movement = models.ForeignKey(
        "movements.Movement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_forms",
        verbose_name=_("movement"),
    )
    levels = models.ManyToManyField(OrgLevel, verbose_name=_("unit levels that fill it"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), default=OPEN_END)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["code"]


class FormSection(Bilingual):
    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["form_id", "order"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="one_section_code")]


class FormRow(models.Model):
    section = models.ForeignKey(FormSection, on_delete=models.CASCADE, related_name="rows")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)
    number = models.CharField(_("row number"), max_length=10, blank=True)
    prefill = models.JSONField(
        _("prefill"),
        default=dict,
        blank=True,
        help_text=_(
            "how the row is prefilled from the unit's approved periodic reports of the phase: "
            '{"from": indicator code, "phase": "total" or "end"}; empty: typed'
        ),
    )

    class Meta:
        ordering = ["section_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["section", "indicator"], name="one_row_per_indicator")
        ]


class NarrativePart(Bilingual):
    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="narrative_parts")
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(default=0)
    help = models.TextField(_("guidance"), blank=True)

    class Meta:
        ordering = ["form_id", "order"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="one_part_code")]


class ValidationRule(models.Model):
    """left operator right, with a severity and a message (see reporting/validation.py)."""

    class Severity(models.TextChoices):
        BLOCKING = "blocking", _("Blocking (on submit)")
        WARNING = "warning", _("Warning (on save)")

    code = models.CharField(_("code"), max_length=40, unique=True)
    form = models.ForeignKey(
        ReportForm,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        help_text=_("empty: every form"),
    )
    left = models.CharField(_("left expression"), max_length=500)
    operator = models.CharField(
        _("operator"),
        max_length=2,
        choices=[("<", "<"), ("<=", "≤"), (">", ">"), (">=", "≥"), ("==", "="), ("!=", "≠")],
    )
    right = models.CharField(_("right expression"), max_length=500)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    message_vi = models.CharField(_("message (Vietnamese)"), max_length=500)
    message_en = models.CharField(_("message (English)"), max_length=500)
    waivable_by_comment = models.BooleanField(
        _("passes when explained in a comment"), default=False
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), default=OPEN_END)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["code"]


class ReportQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def for_period(self, period: Period) -> ReportQuerySet:
        return self.filter(period=period)


class Report(models.Model):
    """One unit's report on one form for one period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
    LOCKED = frozenset({Status.APPROVED, Status.ACCEPTED})

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="reports")
    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period__end", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "form", "period"], name="one_report")
        ]
        indexes = [models.Index(fields=["form", "period", "status"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.form.display_name} · {self.period}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def is_late(self, today: dt.date) -> bool:
        if self.deadline is None:
            return False
        if self.submitted_at is not None:
            return self.submitted_at.date() > self.deadline
        return today > self.deadline


class DataValue(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT)
    value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="one_value_per_cell")
        ]


class NarrativeText(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="narratives")
    part = models.ForeignKey(NarrativePart, on_delete=models.PROTECT)
    text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "part"], name="one_text_per_part")]


class ReportTransition(models.Model):
    """One row per status change: who, when, why."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Report.Status.choices)
    to_status = models.CharField(max_length=20, choices=Report.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["report_id", "at", "id"]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"evidence/{instance.report_id}/{instance.sha256[:16]}-{filename[-80:]}"


class Attachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, null=True, blank=True)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Rollup(models.Model):
    """Totals over approved data for a unit's subtree as it was on the period's last day,
    maintained when a report is approved or reopened (reporting/rollups.py)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    total = models.DecimalField(max_digits=30, decimal_places=6, default=Decimal(0))
    weighted = models.DecimalField(max_digits=36, decimal_places=6, default=Decimal(0))
    weight = models.DecimalField(max_digits=30, decimal_places=6, default=Decimal(0))
    reports = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "period", "indicator"], name="one_rollup")
        ]


class RollupState(models.Model):
    """One row: the last reorganisation event the roll-ups were built with. An event recorded
    later (even one dated in the past) makes rollups.ensure_current() rebuild the periods from
    its date: the org app records events without knowing about roll-ups."""

    reorganisations_seen = models.BigIntegerField(default=0)
    rebuilt_at = models.DateTimeField(null=True, blank=True)


def import_upload_path(instance: ImportJob, filename: str) -> str:
    # Imported here: the lines above this class belong to the reporting core.
    import uuid

    from django.utils import timezone

    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}-{filename[-80:]}"


class ImportJob(models.Model):
    """One uploaded Excel file or zip of files, imported in the background
    (reporting/importing.py): progress by file, and each file's result."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    report = models.ForeignKey(
        Report,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("uploaded from this report's page: every file must be for it"),
    )
    file = models.FileField(upload_to=import_upload_path, max_length=255, blank=True)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    language = models.CharField(max_length=10, default="vi")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total_files = models.PositiveIntegerField(_("files"), default=0)
    done_files = models.PositiveIntegerField(_("files done"), default=0)
    results = models.JSONField(default=list, blank=True)
    """One dict per file: name, ok, report, changed, unchanged, errors (in `language`)."""
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_files__lte=models.F("total_files")), name="import_job_progress"
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return 100 * self.done_files // self.total_files if self.total_files else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def is_stalled(self, now: dt.datetime, minutes: int = 10) -> bool:
        """A job without progress for this long was interrupted (its worker was stopped):
        files not yet listed were not imported."""
        return not self.is_finished and now - self.updated_at > dt.timedelta(minutes=minutes)
