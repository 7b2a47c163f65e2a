"""Public-investment projects of a unit and year (issue 13): the record that the schedule flag
checks, a project being behind its approved schedule being one of the waste consequences of
Decree 266/2026/NĐ-CP Art. 5."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.org.models import OrgUnit

from .models_assets import NEGATIVE


class ProjectStatus(models.TextChoices):
    PREPARING = "preparing", _("Being prepared")
    BUILDING = "building", _("Under way")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")


class Project(models.Model):
    """A public-investment project as it stands in the year: the schedule and total approved
    by the investment decision, the capital disbursed and the physical progress on a date, and
    the expected end (the actual end once completed)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, verbose_name=_("unit"))
    year = models.PositiveIntegerField(_("year"), db_index=True)
    name = models.CharField(_("project"), max_length=300)
    decision = models.CharField(_("decision approving it"), max_length=200)
    approved_start = models.DateField(_("approved start"))
    approved_end = models.DateField(_("approved end"))
    total_investment = models.DecimalField(
        _("approved total investment"), max_digits=18, decimal_places=0
    )
    disbursed = models.DecimalField(
        _("disbursed to date"), default=0, max_digits=18, decimal_places=0
    )
    progress = models.DecimalField(
        _("physical progress (%)"), default=0, max_digits=4, decimal_places=1
    )
    as_of = models.DateField(_("figures as of"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.BUILDING
    )
    expected_end = models.DateField(_("expected end (actual end when completed)"))

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("public-investment project")
        indexes = [models.Index(fields=["unit", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gte=0, disbursed__gte=0),
                name="oversight_project_amounts",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="oversight_project_progress"
            ),
            models.CheckConstraint(
                condition=Q(approved_end__gte=models.F("approved_start")),
                name="oversight_project_schedule",
            ),
            models.UniqueConstraint(fields=["unit", "year", "name"], name="oversight_project_once"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("total_investment", "disbursed"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = str(NEGATIVE)
        if self.progress is not None and not 0 <= self.progress <= 100:
            errors["progress"] = str(_("The progress is a percentage from 0 to 100."))
        start, end = self.approved_start, self.approved_end
        if start and end and end < start:
            errors["approved_end"] = str(_("The approved end is before the approved start."))
        if start and self.expected_end and self.expected_end < start:
            errors["expected_end"] = str(_("The expected end is before the approved start."))
        if self.as_of and self.year and self.as_of.year != self.year:
            errors["as_of"] = str(_("The date is not in the year of the record."))
        if errors:
            raise ValidationError(errors)
