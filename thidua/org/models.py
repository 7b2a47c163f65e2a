"""The effective-dated organisation tree and the people who work in it.

Every period is half-open: [valid_from, valid_to). Something still in force has
valid_to = OPEN_END (31/12/9999), which keeps "in force on D" a plain range test that both
SQLite and PostgreSQL answer from an index.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.lib.dates import OPEN_END


class EffectiveQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def at(self, day: dt.date) -> EffectiveQuerySet:
        """Rows in force on `day`."""
        return self.filter(valid_from__lte=day, valid_to__gt=day)

    def current(self) -> EffectiveQuerySet:
        return self.filter(valid_to=OPEN_END)


def _period_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(valid_from__lt=models.F("valid_to")), name=f"{name}_period_not_empty"
    )


class OrgLevel(models.Model):
    """A level of the hierarchy (supreme, provincial, regional…), defined per sector as data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("0 is the top level"))

    class Meta:
        ordering = ["rank", "code"]
        verbose_name = _("organisation level")

    def __str__(self) -> str:
        return self.name


class OrgUnit(models.Model):
    """A unit's identity across its whole life; names and parents live in OrgUnitVersion."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("Agency")
        INTERNAL = "internal", _("Internal unit")

    class BudgetRole(models.TextChoices):
        DIRECT_SPENDING = "direct_spending", _("Direct-spending unit")
        UPPER_LEVEL = "upper_level", _("Upper-level budget unit")
        BUDGET_LEVEL = "budget_level", _("Budget level")
        NONE = "none", _("No budget of its own")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255, help_text=_("the latest name"))
    level = models.ForeignKey(OrgLevel, on_delete=models.PROTECT, verbose_name=_("level"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.AGENCY)
    budget_role = models.CharField(
        _("budget role"), max_length=20, choices=BudgetRole.choices, default=BudgetRole.NONE
    )
    staff_count = models.PositiveIntegerField(_("staff count"), default=0)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), default=OPEN_END)
    search_key = models.CharField(max_length=1000, editable=False, db_index=True)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation unit")
        constraints = [_period_constraint("orgunit")]
        indexes = [models.Index(fields=["level", "valid_from", "valid_to"])]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day: dt.date) -> bool:
        return self.valid_from <= day < self.valid_to


class OrgUnitVersion(models.Model):
    """A unit's name and parent during one period. A rename or a move closes one version and
    opens the next; nothing is rewritten."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("name"), max_length=255)
    parent = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateField()
    valid_to = models.DateField(default=OPEN_END)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["unit_id", "valid_from"]
        constraints = [
            _period_constraint("orgunitversion"),
            models.UniqueConstraint(fields=["unit", "valid_from"], name="one_version_per_start"),
        ]
        indexes = [models.Index(fields=["parent", "valid_from", "valid_to"])]


class TreePath(models.Model):
    """Closure table with validity: `ancestor` is above `descendant` (depth steps up) during
    [valid_from, valid_to). Depth 0 is the unit itself."""

    ancestor = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    descendant = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    depth = models.PositiveSmallIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(default=OPEN_END)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        constraints = [_period_constraint("treepath")]
        indexes = [
            models.Index(
                fields=["ancestor", "valid_from", "valid_to", "descendant"], name="treepath_down"
            ),
            models.Index(fields=["descendant", "valid_from", "valid_to"], name="treepath_up"),
        ]


class Reorganisation(models.Model):
    """A dated event that changed the tree (DESIGN.md §3): never an edit of history."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Create")
        RENAME = "rename", _("Rename")
        MOVE = "move", _("Move")
        MERGE = "merge", _("Merge")
        SPLIT = "split", _("Split")
        CLOSE = "close", _("Close")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("effective date"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    subject = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    details = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("reorganisation")


class ReorgLink(models.Model):
    """predecessor → successor through a merge, split or close-with-successor."""

    event = models.ForeignKey(Reorganisation, on_delete=models.CASCADE, related_name="links")
    predecessor = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="successor_links"
    )
    successor = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="predecessor_links"
    )
    date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="link_not_to_self"
            ),
        ]


class Person(models.Model):
    """A staff record (hồ sơ cán bộ), independent of any login."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    code = models.CharField(_("staff code"), max_length=40, unique=True)
    full_name = models.CharField(_("full name"), max_length=120)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    search_key = models.CharField(max_length=255, editable=False, db_index=True)
    sort_key = models.CharField(max_length=255, editable=False, db_index=True, default="")
    """Given name first, Vietnamese order (``thidua.lib.text.vn_sort_key``): lists page on it."""

    class Meta:
        ordering = ["sort_key", "code"]
        verbose_name = _("person")

    def __str__(self) -> str:
        return self.full_name


class Position(models.Model):
    """Where a person worked and as what, during one period."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="positions")
    title = models.CharField(_("position"), max_length=120)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), default=OPEN_END)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["person_id", "valid_from"]
        constraints = [_period_constraint("position")]
        indexes = [models.Index(fields=["unit", "valid_from", "valid_to"])]


from .body import Body  # noqa: E402, F401  (the install's body and its wording: body.py)
