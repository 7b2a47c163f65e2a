"""Rule data edited by administrators at /quan-tri/: titles and their dated rules (vote
threshold, consultation, cash multiple, quota, legal basis, confidence), the base salary, and
the standing councils with their members; person facts and imported award history."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    Absence,
    AwardRecord,
    BaseSalary,
    Council,
    CouncilMember,
    Discipline,
    OpenCase,
    PerformanceRating,
    RegistrationDeadline,
    Title,
    TitleRule,
)


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


@admin.register(RegistrationDeadline)
class RegistrationDeadlineAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["day", "month", "valid_from", "valid_to", "legal_basis", "confidence"]


class CouncilMemberInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CouncilMember
    extra = 0
    raw_id_fields = ["user", "person"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "unit"]
    raw_id_fields = ["unit"]
    inlines = [CouncilMemberInline]


@admin.register(PerformanceRating)
class PerformanceRatingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["person", "year", "level"]
    list_filter = ["year", "level"]
    raw_id_fields = ["person"]
    search_fields = ["person__code", "person__full_name"]


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["person", "level", "decided_on", "served_until", "used_to_refuse_year"]
    list_filter = ["level"]
    raw_id_fields = ["person"]
    search_fields = ["person__code", "person__full_name", "breach_ref"]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["person", "year", "months", "reason"]
    list_filter = ["year", "reason"]
    raw_id_fields = ["person"]


@admin.register(OpenCase)
class OpenCaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["person", "unit", "kind", "opened_on", "closed_on"]
    list_filter = ["kind"]
    raw_id_fields = ["person", "unit"]


@admin.register(AwardRecord)
class AwardRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Imported history (source "imported"); decisions made in thidua come from `council`."""

    list_display = ["title", "year", "person", "unit", "decision_number", "decided_on", "source"]
    list_filter = ["title", "year", "source"]
    raw_id_fields = ["person", "unit", "proposal"]
