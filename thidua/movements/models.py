"""An emulation movement as data: its launching decision, phases, content areas and
milestones (DESIGN.md §1, §3). Nothing here is specific to one sector."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from thidua.org.models import OrgUnit


class Movement(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=500)
    title_en = models.CharField(_("English title"), max_length=500, blank=True)
    launching_body = models.CharField(_("launching body"), max_length=255)
    organisation = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        verbose_name=_("organisation"),
        help_text=_("the unit whose whole subtree takes part"),
    )
    decision_number = models.CharField(_("launching decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("launching decision date"), null=True, blank=True)
    decision_note = models.CharField(
        _("note on the decision"),
        max_length=500,
        blank=True,
        help_text=_("e.g. where the number has not been confirmed from the official text"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("parent movement"),
    )
    parent_reference = models.CharField(
        _("national movement it implements"), max_length=500, blank=True
    )
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    objectives = models.TextField(_("objectives"), blank=True)
    dashboard = models.JSONField(
        _("dashboard's key indicators"),
        default=dict,
        blank=True,
        help_text=_(
            "indicator codes the dashboard charts (savings, saving_rate, disbursement, shares)"
        ),
    )

    class Meta:
        ordering = ["-start_year", "code"]
        verbose_name = _("movement")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__lte=models.F("end_year")), name="movement_years_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title


class Phase(models.Model):
    class Review(models.TextChoices):
        PRELIMINARY = "preliminary", _("Preliminary review (sơ kết)")
        FINAL = "final", _("Final review (tổng kết)")

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("number"))
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    review = models.CharField(_("review"), max_length=20, choices=Review.choices)
    review_year = models.PositiveSmallIntegerField(_("review year"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["movement_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "number"], name="one_phase_number"),
            models.CheckConstraint(
                condition=Q(start_year__lte=models.F("end_year")), name="phase_years_in_order"
            ),
        ]


class ContentArea(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="areas")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=500)
    title_en = models.CharField(_("English title"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["movement_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "number"], name="one_area_number")
        ]

    @property
    def display_title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title


class Milestone(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="milestones")
    phase = models.ForeignKey(Phase, on_delete=models.SET_NULL, null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    title_en = models.CharField(_("English title"), max_length=500, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["movement_id", "due_date"]

    @property
    def display_title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title

    def is_overdue(self, today: dt.date) -> bool:
        return self.status != self.Status.DONE and self.due_date < today
