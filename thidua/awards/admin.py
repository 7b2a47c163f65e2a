"""Rule data edited by administrators at /quan-tri/: titles and their dated rules (vote
threshold, consultation, cash multiple, quota, legal basis, confidence), the base salary, and
the standing councils with their members."""

from __future__ import annotations

from django.contrib import admin

from .models import BaseSalary, Council, CouncilMember, Title, TitleRule


class TitleRuleInline(admin.StackedInline):  # type: ignore[type-arg]
    model = TitleRule
    extra = 0


@admin.register(Title)
class TitleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "subject", "kind", "yearly", "sort_order"]
    list_filter = ["subject", "kind"]
    search_fields = ["code", "name", "name_en"]
    inlines = [TitleRuleInline]


@admin.register(TitleRule)
class TitleRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "title",
        "valid_from",
        "valid_to",
        "vote_threshold",
        "cash_multiple",
        "confidence",
        "legal_basis",
    ]
    list_filter = ["title", "confidence"]


@admin.register(BaseSalary)
class BaseSalaryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["amount", "valid_from", "valid_to", "legal_basis", "confidence"]


class CouncilMemberInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CouncilMember
    extra = 0
    raw_id_fields = ["user", "person"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "unit"]
    raw_id_fields = ["unit"]
    inlines = [CouncilMemberInline]
