"""Norms as data, edited by administrators: each value with its validity, legal basis, article,
confidence and whether the sector set it (data/norms.json holds the values loaded first)."""

from __future__ import annotations

from django.contrib import admin

from .models import Norm


@admin.register(Norm)
class NormAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "kind",
        "value",
        "valid_from",
        "valid_to",
        "legal_basis",
        "confidence",
        "set_by_sector",
    ]
    list_filter = ["kind", "confidence", "set_by_sector"]
    search_fields = ["kind", "legal_basis", "note"]
