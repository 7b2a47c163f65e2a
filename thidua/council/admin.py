from django.contrib import admin

from .models import DecisionRegister, Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Public holidays and days off: skipped when counting consultation working days."""

    list_display = ["day", "name"]
    ordering = ["-day"]


@admin.register(DecisionRegister)
class DecisionRegisterAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The yearly number book of each issuer; the next number can be moved on, never back
    onto a number in use (actions.issue_decision checks)."""

    list_display = ["issuer", "year", "next_number"]
    list_filter = ["year"]
