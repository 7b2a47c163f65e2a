"""The body an install serves: its root unit, the sector pack it runs on and the pack's
version last loaded (setup_body, load_pack)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from thidua.org.models import OrgUnit


class Body(models.Model):
    unit = models.OneToOneField(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("root unit")
    )
    seat = models.CharField(_("seat"), max_length=255, blank=True)
    pack = models.SlugField(_("sector pack"), max_length=40)
    pack_version = models.CharField(_("pack version"), max_length=40)
    created_at = models.DateTimeField(_("set up at"), auto_now_add=True)

    class Meta:
        verbose_name = _("body")

    def __str__(self) -> str:
        return self.unit.name
