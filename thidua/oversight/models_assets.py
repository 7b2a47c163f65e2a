"""Conferences, vehicles, office space and the asset register of a unit and year (issue 13):
the records that the conference norms, the vehicle quotas and price caps (Decree 72/2023),
the office-space norms and the waste consequences of Decree 266/2026 Art. 5 are checked on."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.org.models import OrgUnit

NEGATIVE = _("An amount cannot be negative.")


class ConferenceLevel(models.TextChoices):
    CENTRAL = "central", _("Organised in a centrally-run city")
    PROVINCE = "province", _("Organised in a provincial town or district")
    COMMUNE = "commune", _("Organised by a commune")


class Conference(models.Model):
    """A conference or meeting (hội nghị): Circular 40/2017/TT-BTC Art. 11–12."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, verbose_name=_("unit"))
    year = models.PositiveIntegerField(_("year"), db_index=True)
    title = models.CharField(_("conference"), max_length=300)
    start = models.DateField(_("date"))
    days = models.PositiveIntegerField(_("days"), default=1)
    level = models.CharField(
        _("where organised"),
        max_length=10,
        choices=ConferenceLevel.choices,
        default=ConferenceLevel.PROVINCE,
    )
    on_payroll = models.PositiveIntegerField(_("participants on a state payroll"), default=0)
    off_payroll = models.PositiveIntegerField(_("participants not on a state payroll"), default=0)
    meals_paid = models.DecimalField(_("meals paid"), default=0, max_digits=16, decimal_places=0)
    refreshments_paid = models.DecimalField(
        _("refreshments paid"), default=0, max_digits=16, decimal_places=0
    )
    venue_paid = models.DecimalField(_("venue paid"), default=0, max_digits=16, decimal_places=0)
    other_paid = models.DecimalField(
        _("other costs paid"), default=0, max_digits=16, decimal_places=0
    )

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("conference")
        indexes = [models.Index(fields=["unit", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    meals_paid__gte=0,
                    refreshments_paid__gte=0,
                    venue_paid__gte=0,
                    other_paid__gte=0,
                ),
                name="oversight_conference_amounts",
            ),
            models.CheckConstraint(condition=Q(days__gte=1), name="oversight_conference_days"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def participants(self) -> int:
        return self.on_payroll + self.off_payroll

    @property
    def total(self) -> Decimal:
        return self.meals_paid + self.refreshments_paid + self.venue_paid + self.other_paid

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("meals_paid", "refreshments_paid", "venue_paid", "other_paid"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = str(NEGATIVE)
        if self.days is not None and self.days < 1:
            errors["days"] = str(_("A conference lasts at least one day."))
        if (self.on_payroll or 0) + (self.off_payroll or 0) < 1:
            errors["on_payroll"] = str(_("A conference has at least one participant."))
        if self.start and self.year and self.start.year != self.year:
            errors["start"] = str(_("The date is not in the year of the record."))
        if errors:
            raise ValidationError(errors)


class VehicleKind(models.TextChoices):
    TITLE = "title", _("Assigned to a title")
    GENERAL = "general", _("General service")
    SPECIAL = "special", _("Special-purpose")


MAX_SEATS = {VehicleKind.TITLE: 8, VehicleKind.GENERAL: 16, VehicleKind.SPECIAL: 60}
"""Seats a car of each kind may have (Decree 72/2023: title cars are passenger cars; general
service cars have 4 to 16 seats)."""


class Vehicle(models.Model):
    """A car of the unit's fleet in the year (Decree 72/2023/NĐ-CP)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, verbose_name=_("unit"))
    year = models.PositiveIntegerField(_("year"), db_index=True)
    plate = models.CharField(_("plate"), max_length=20)
    seats = models.PositiveIntegerField(_("seats"))
    kind = models.CharField(_("kind"), max_length=10, choices=VehicleKind.choices)
    purchase_date = models.DateField(_("purchase date"))
    price = models.DecimalField(_("purchase price"), max_digits=16, decimal_places=0)
    odometer = models.PositiveIntegerField(_("odometer (km)"), default=0)
    disposal_date = models.DateField(_("disposal date"), null=True, blank=True)

    class Meta:
        ordering = ["plate", "pk"]
        verbose_name = _("vehicle")
        indexes = [models.Index(fields=["unit", "year"])]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="oversight_vehicle_price"),
            models.UniqueConstraint(
                fields=["unit", "year", "plate"], name="oversight_vehicle_once"
            ),
        ]

    def __str__(self) -> str:
        return self.plate

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.price is not None and self.price < 0:
            errors["price"] = str(NEGATIVE)
        if self.seats is not None and self.kind in MAX_SEATS:
            top = MAX_SEATS[VehicleKind(self.kind)]
            if not 2 <= self.seats <= top:
                errors["seats"] = str(
                    _("A car of this kind has from 2 to %(top)s seats.") % {"top": top}
                )
        if self.purchase_date and self.year and self.purchase_date.year > self.year:
            errors["purchase_date"] = str(_("The purchase date is after the year of the record."))
        if self.disposal_date and self.purchase_date and self.disposal_date < self.purchase_date:
            errors["disposal_date"] = str(_("The disposal date is before the purchase date."))
        if self.disposal_date and self.year and self.disposal_date.year > self.year:
            errors["disposal_date"] = str(_("The disposal date is after the year of the record."))
        if errors:
            raise ValidationError(errors)


class OfficeSpace(models.Model):
    """The unit's working premises in the year (Decree 155/2025/NĐ-CP, formerly 152/2017)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, verbose_name=_("unit"))
    year = models.PositiveIntegerField(_("year"), db_index=True)
    building = models.CharField(_("building"), max_length=200)
    staff = models.PositiveIntegerField(_("staff working there"))
    title_area = models.DecimalField(
        _("working area of the titles (m²)"), max_digits=10, decimal_places=1
    )
    shared_area = models.DecimalField(
        _("shared area (m²)"), default=0, max_digits=10, decimal_places=1
    )
    special_area = models.DecimalField(
        _("special-purpose area (m²)"), default=0, max_digits=10, decimal_places=1
    )

    class Meta:
        ordering = ["building", "pk"]
        verbose_name = _("office space")
        indexes = [models.Index(fields=["unit", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(title_area__gte=0, shared_area__gte=0, special_area__gte=0),
                name="oversight_office_areas",
            ),
        ]

    def __str__(self) -> str:
        return self.building

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("title_area", "shared_area", "special_area"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = str(_("An area cannot be negative."))
        if errors:
            raise ValidationError(errors)


class AssetCategory(models.TextChoices):
    OFFICE = "office", _("Office or building")
    VEHICLE = "vehicle", _("Vehicle")
    EQUIPMENT = "equipment", _("Machinery and equipment")
    OTHER = "other", _("Other asset")


class Use(models.TextChoices):
    IN_USE = "u", _("In use")
    IDLE = "i", _("Idle")
    UNUSABLE = "x", _("Unusable")


class Asset(models.Model):
    """One line of the asset register for a year: the use of the asset month by month (one
    letter a month, `u` in use, `i` idle, `x` unusable, `-` not held) and the upkeep spent."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, verbose_name=_("unit"))
    year = models.PositiveIntegerField(_("year"), db_index=True)
    code = models.CharField(_("asset code"), max_length=40)
    name = models.CharField(_("asset"), max_length=200)
    category = models.CharField(_("category"), max_length=10, choices=AssetCategory.choices)
    cost = models.DecimalField(_("original cost"), default=0, max_digits=16, decimal_places=0)
    months = models.CharField(_("use by month"), max_length=12, default="u" * 12)
    upkeep = models.DecimalField(
        _("upkeep spent in the year"), default=0, max_digits=16, decimal_places=0
    )
    disposed = models.BooleanField(_("disposal decided"), default=False)

    class Meta:
        ordering = ["code", "pk"]
        verbose_name = _("asset")
        indexes = [models.Index(fields=["unit", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__gte=0, upkeep__gte=0), name="oversight_asset_amounts"
            ),
            models.UniqueConstraint(fields=["unit", "year", "code"], name="oversight_asset_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("cost", "upkeep"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = str(NEGATIVE)
        if len(self.months or "") != 12 or set(self.months) - {"u", "i", "x", "-"}:
            errors["months"] = str(_("Give the use of each of the twelve months."))
        if errors:
            raise ValidationError(errors)

    def month_use(self, month: int) -> str:
        """The use of month 1–12: "u", "i", "x" or "-"."""
        return self.months[month - 1]


ASSET_MODELS: dict[str, type[models.Model]] = {
    "conference": Conference,
    "vehicle": Vehicle,
    "office": OfficeSpace,
    "asset": Asset,
}
