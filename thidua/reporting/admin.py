"""Rules as data, edited by administrators: the catalogue, forms, deadline rules and
validation rules (each with its legal basis and validity period)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .expressions import ExpressionError, compile_expression
from .models import (
    DeadlineRule,
    FormRow,
    FormSection,
    Indicator,
    IndicatorGroup,
    NarrativePart,
    ReportForm,
    ValidationRule,
)
from .validation import Rule, validate_rule_definition


class IndicatorForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Indicator
        fields = "__all__"  # noqa: DJ007 -- the admin edits every field of rule data

    def clean_formula(self) -> str:
        text: str = self.cleaned_data["formula"].strip()
        if text:
            try:
                compile_expression(text)
            except ExpressionError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return text


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = IndicatorForm
    list_display = ["code", "name", "group", "unit", "aggregation", "direction", "formula"]
    list_filter = ["group", "unit", "aggregation"]
    search_fields = ["code", "name", "name_en"]


@admin.register(IndicatorGroup)
class IndicatorGroupAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "area_number", "legal_basis"]


class SectionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = FormSection
    extra = 0


class NarrativeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = NarrativePart
    extra = 0


@admin.register(ReportForm)
class ReportFormAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "periodicity", "valid_from", "valid_to"]
    inlines = [SectionInline, NarrativeInline]
    filter_horizontal = ["levels"]


@admin.register(FormRow)
class FormRowAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["section", "number", "indicator", "order"]
    list_filter = ["section__form"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "periodicity",
        "days_after_end",
        "next_year_month",
        "next_year_day",
        "legal_basis",
        "confirmed",
        "valid_from",
        "valid_to",
    ]


class ValidationRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ValidationRule
        fields = "__all__"  # noqa: DJ007 -- the admin edits every field of rule data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rule = Rule(
            code=data.get("code", ""),
            left=data.get("left", ""),
            operator=data.get("operator", ""),
            right=data.get("right", ""),
            severity=data.get("severity", ""),
            message_vi=data.get("message_vi", ""),
            message_en=data.get("message_en", ""),
            waivable_by_comment=bool(data.get("waivable_by_comment")),
        )
        problems = validate_rule_definition(rule)
        if problems:
            raise forms.ValidationError([str(p) for p in problems])
        return data


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ValidationRuleForm
    list_display = [
        "code",
        "left",
        "operator",
        "right",
        "severity",
        "waivable_by_comment",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["severity", "form"]
    search_fields = ["code", "left", "right", "message_vi"]


admin.site.site_header = _("thidua — rules and catalogue")
admin.site.site_title = "thidua"
