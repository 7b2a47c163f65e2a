"""Logins and what they may do: a role on an organisation unit for a period (DESIGN.md §2)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.lib.dates import OPEN_END
from thidua.org.models import EffectiveQuerySet, OrgUnit, Person


class User(AbstractUser):
    person = models.OneToOneField(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("staff record"),
    )

    def display_name(self) -> str:
        """The person's full name (Vietnamese order), else the account's name, else the login."""
        if self.person is not None:
            return self.person.full_name
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.username

    def display_label(self) -> str:
        """ "Full name (position, unit)" for history and lists: the current position of the
        staff record, else the account's current role; never the login name alone."""
        name = self.display_name()
        where = ""
        if self.person is not None:
            position = self.person.positions.current().select_related("unit").first()
            if position is not None:
                where = f"{position.title}, {position.unit.name}"
        if not where:
            role = self.roles.current().select_related("unit").first()
            if role is not None:
                where = f"{role.get_role_display()}, {role.unit.name}"
        return f"{name} ({where})" if where else name


class Role(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    UNIT_HEAD = "unit_head", _("Unit head")
    REVIEWER = "reviewer", _("Reviewer")
    COUNCIL_SECRETARY = "council_secretary", _("Council secretary")
    COUNCIL_MEMBER = "council_member", _("Council member")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")


READ_ONLY_ROLES = frozenset({Role.SUPERVISOR, Role.COUNCIL_MEMBER})
ORG_ADMIN_ROLES = frozenset({Role.ADMIN})


class RoleAssignment(models.Model):
    """user × role × unit × validity. The scope is the unit's subtree (DESIGN.md §7)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, verbose_name=_("unit"))
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), default=OPEN_END)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "valid_from"]
        verbose_name = _("role assignment")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lt=models.F("valid_to")), name="role_period_not_empty"
            )
        ]


class ApiToken(models.Model):
    """A personal API token: only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
