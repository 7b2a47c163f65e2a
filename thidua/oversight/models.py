"""Records to check against the norms (travel claims, procurement packages), the norms as dated
data, and the findings (norm excesses and red flags) with their triage (issue 13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from thidua.lib.dates import OPEN_END, format_vn_date
from thidua.org.models import OrgUnit, Person
from thidua.reporting.models import Report


class Confidence(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class NormQuerySet(models.QuerySet["Norm"]):
    def in_force(self, kind: str, day: dt.date) -> Norm | None:
        """The norm of `kind` in force on `day` (the latest start when periods overlap)."""
        return (
            self.filter(kind=kind, valid_from__lte=day, valid_to__gt=day)
            .order_by("-valid_from")
            .first()
        )


class Norm(models.Model):
    """One dated value of a norm, with its legal basis (legal-facts.md §4)."""

    kind = models.CharField(_("norm"), max_length=60, db_index=True)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), default=OPEN_END)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    article = models.CharField(_("article"), max_length=200, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.LOW
    )
    set_by_sector = models.BooleanField(_("set by the sector"), default=False)
    note = models.TextField(_("note"), blank=True)

    objects = NormQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "valid_from"]
        verbose_name = _("norm")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("valid_to")), name="oversight_norm_period"
            ),
            models.UniqueConstraint(fields=["kind", "valid_from"], name="oversight_norm_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.value} ({self.valid_from})"


class Destination(models.TextChoices):
    CITY = "city", _("Urban district of a centrally-run or grade-I city")
    TOWN = "town", _("Other town")
    OTHER = "other", _("Other area")
    SEA = "sea", _("At sea or on an island")


class LodgingMode(models.TextChoices):
    LUMP_SUM = "lump_sum", _("Lump sum")
    INVOICE = "invoice", _("On invoices")


class TravelClaim(models.Model):
    """A travel claim (công tác phí): Circular 40/2017/TT-BTC as amended by 12/2025/TT-BTC."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, verbose_name=_("unit"))
    year = models.PositiveIntegerField(_("year"), db_index=True)
    person = models.CharField(_("person"), max_length=200)
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"))
    destination = models.CharField(_("destination"), max_length=10, choices=Destination.choices)
    allowance_paid = models.DecimalField(
        _("daily allowance paid (total)"), max_digits=16, decimal_places=0
    )
    lodging_mode = models.CharField(
        _("lodging"), max_length=10, choices=LodgingMode.choices, default=LodgingMode.LUMP_SUM
    )
    lodging_paid = models.DecimalField(
        _("lodging paid (total)"), default=0, max_digits=16, decimal_places=0
    )
    transport_paid = models.DecimalField(
        _("transport paid"), default=0, max_digits=16, decimal_places=0
    )

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("travel claim")
        indexes = [models.Index(fields=["unit", "year"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="oversight_travel_dates"),
            models.CheckConstraint(
                condition=Q(allowance_paid__gte=0, lodging_paid__gte=0, transport_paid__gte=0),
                name="oversight_travel_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}, {format_vn_date(self.start)} – {format_vn_date(self.end)}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def total(self) -> Decimal:
        return self.allowance_paid + self.lodging_paid + self.transport_paid

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = str(_("The end date is before the start date."))
        for name in ("allowance_paid", "lodging_paid", "transport_paid"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = str(_("An amount cannot be negative."))
        if self.start and self.year and self.start.year != self.year:
            errors["start"] = str(_("The start date is not in the year of the record."))
        if errors:
            raise ValidationError(errors)


class TravelTotal(models.Model):
    """A unit's travel cost and distinct travellers of a year, kept by the checks (actions.py)
    so that the peer comparison after one save reads one row per unit, not the year's claims."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    cost = models.DecimalField(max_digits=18, decimal_places=0)
    people = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="oversight_travel_total_once")
        ]


class Category(models.TextChoices):
    GOODS = "goods", _("Goods")
    SERVICES = "services", _("Non-consulting services")
    CONSULTING = "consulting", _("Consulting services")
    WORKS = "works", _("Works")


class Method(models.TextChoices):
    OPEN = "open", _("Open bidding")
    COMPETITIVE = "competitive", _("Competitive offer")
    DIRECT = "direct", _("Direct contracting")
    CENTRALISED = "centralised", _("Centralised procurement")
    SELF = "self", _("Self-performed")


COMPETITIVE_METHODS = frozenset({Method.OPEN, Method.COMPETITIVE})


class ProcurementPackage(models.Model):
    """A procurement package (gói thầu) of a unit."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, verbose_name=_("unit"))
    year = models.PositiveIntegerField(_("year"), db_index=True)
    item = models.CharField(_("item"), max_length=300)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    on_central_list = models.BooleanField(_("on a centralised-procurement list"), default=False)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    estimate = models.DecimalField(_("estimate"), max_digits=16, decimal_places=0)
    award_price = models.DecimalField(
        _("award price"), null=True, blank=True, max_digits=16, decimal_places=0
    )
    bidders = models.PositiveIntegerField(_("number of bidders"), default=0)
    supplier_tax_code = models.CharField(
        _("winning supplier's tax code"), max_length=20, blank=True
    )
    supplier_name = models.CharField(_("winning supplier"), max_length=200, blank=True)
    notice_date = models.DateField(_("notice date"), null=True, blank=True)
    bid_closing = models.DateField(_("bid closing"), null=True, blank=True)
    award_date = models.DateField(_("award date"))
    eligible_bidders = models.PositiveIntegerField(
        _("number of bidders found eligible"), null=True, blank=True
    )
    next_bid = models.DecimalField(
        _("next-best bid"), null=True, blank=True, max_digits=16, decimal_places=0
    )
    bid_prices = models.JSONField(_("bid prices"), default=list, blank=True)
    settlement = models.DecimalField(
        _("settled amount"), null=True, blank=True, max_digits=16, decimal_places=0
    )
    settlement_note = models.TextField(_("explanation of the settlement"), blank=True)

    class Meta:
        ordering = ["award_date", "pk"]
        verbose_name = _("procurement package")
        indexes = [models.Index(fields=["unit", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimate__gte=0)
                & (Q(award_price__isnull=True) | Q(award_price__gte=0)),
                name="oversight_package_amounts",
            ),
        ]

    def __str__(self) -> str:
        return self.item

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.estimate is not None and self.estimate < 0:
            errors["estimate"] = str(_("An amount cannot be negative."))
        if self.award_price is not None and self.award_price < 0:
            errors["award_price"] = str(_("An amount cannot be negative."))
        if self.award_price is not None and (self.bidders or 0) < 1:
            errors["bidders"] = str(_("A package with an award needs at least one bidder."))
        if self.notice_date and self.bid_closing and self.bid_closing < self.notice_date:
            errors["bid_closing"] = str(_("The bid closing is before the notice date."))
        if self.bid_closing and self.award_date and self.award_date < self.bid_closing:
            errors["award_date"] = str(_("The award date is before the bid closing."))
        if self.award_date and self.year and self.award_date.year != self.year:
            errors["award_date"] = str(_("The award date is not in the year of the record."))
        if errors:
            raise ValidationError(errors)


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class FindingState(models.TextChoices):
    NEW = "new", _("New")
    REVIEW = "review", _("Under review")
    EXPLAINED = "explained", _("Explained by the unit")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


OPEN_STATES = frozenset({FindingState.NEW, FindingState.REVIEW, FindingState.EXPLAINED})


class FindingQuerySet(models.QuerySet["Finding"]):
    def confirmed(self) -> FindingQuerySet:
        return self.filter(status=FindingState.CONFIRMED)


class Finding(models.Model):
    """A norm excess or a red flag on a unit's records of a year, with its triage state.

    `key` identifies what was found (rule and records), so that re-checking keeps the state of
    a finding that is still there. `numbers` holds the figures that triggered it."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, verbose_name=_("unit"))
    year = models.PositiveIntegerField(_("year"), db_index=True)
    rule = models.CharField(_("rule"), max_length=40, db_index=True)
    key = models.CharField(max_length=200)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    numbers = models.JSONField(default=dict)
    amount = models.DecimalField(_("amount at stake"), default=0, max_digits=16, decimal_places=0)
    travel_claims = models.ManyToManyField(TravelClaim, blank=True, related_name="findings")
    packages = models.ManyToManyField(ProcurementPackage, blank=True, related_name="findings")
    conferences: models.ManyToManyField[Conference, Any] = models.ManyToManyField(
        "Conference", blank=True, related_name="findings"
    )
    vehicles: models.ManyToManyField[Vehicle, Any] = models.ManyToManyField(
        "Vehicle", blank=True, related_name="findings"
    )
    offices: models.ManyToManyField[OfficeSpace, Any] = models.ManyToManyField(
        "OfficeSpace", blank=True, related_name="findings"
    )
    assets: models.ManyToManyField[Asset, Any] = models.ManyToManyField(
        "Asset", blank=True, related_name="findings"
    )
    projects: models.ManyToManyField[Project, Any] = models.ManyToManyField(
        "Project", blank=True, related_name="findings"
    )
    reports: models.ManyToManyField[Report, Any] = models.ManyToManyField(
        "reporting.Report", blank=True, related_name="oversight_findings"
    )
    """The approved THTK-CLP reports whose figures raised the flag (disbursement, savings)."""
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
    found_at = models.DateTimeField(auto_now_add=True)
    named_people = models.ManyToManyField(
        Person, blank=True, related_name="oversight_findings", verbose_name=_("people named")
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["unit_id", "year", "rule", "pk"]
        verbose_name = _("finding")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "key"], name="oversight_finding_once")
        ]


class FindingHistory(models.Model):
    """One step of a finding's triage."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="history")
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


class SampleDraw(models.Model):
    """A year's sampled second review (kiểm tra xác suất) of a supervisor's scope: the units
    drawn, weighted by risk, reproducible from the recorded seed (`sampling.py`)."""

    scope = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("scope")
    )
    year = models.PositiveIntegerField(_("year"))
    seed = models.CharField(_("seed"), max_length=64)
    size = models.PositiveIntegerField(_("sample size"))
    weights = models.JSONField(default=dict)
    """unit id (text) → weight used in the draw, so that anyone can recompute it."""
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-drawn_at"]
        verbose_name = _("sample draw")
        constraints = [
            models.UniqueConstraint(fields=["scope", "year"], name="oversight_sample_once")
        ]


class SampleResult(models.TextChoices):
    PENDING = "pending", _("To verify")
    CONFIRMED = "confirmed", _("Figures confirmed")
    CORRECTED = "corrected", _("Figure corrected")
    VIOLATION = "violation", _("Violation found")


class SampleItem(models.Model):
    """One unit drawn, its report of the year if any, and the result of the verification."""

    draw = models.ForeignKey(SampleDraw, on_delete=models.CASCADE, related_name="items")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField()
    weight = models.DecimalField(max_digits=8, decimal_places=2)
    report_id = models.PositiveIntegerField(null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=10, choices=SampleResult.choices, default=SampleResult.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["draw", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "unit"], name="oversight_sample_unit_once")
        ]


from .models_assets import Asset, Conference, OfficeSpace, Vehicle  # noqa: E402
from .models_plan import Project  # noqa: E402
from .models_reports import ReportFile, ReportHistory, ReportMessage, WasteReport  # noqa: E402

__all__ = [
    "Asset",
    "Conference",
    "OfficeSpace",
    "Project",
    "ReportFile",
    "ReportHistory",
    "ReportMessage",
    "Vehicle",
    "WasteReport",
]
