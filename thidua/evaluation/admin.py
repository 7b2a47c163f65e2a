"""Rubrics and programme deadlines are rule data, edited by administrators (the sector's
criteria, formulas, thresholds and deductions; the Circular's group maxima)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from .models import Cluster, ClusterMember, Criterion, ProgrammeDeadline, Rubric, RubricGroup
from .scoring import check_formula, thresholds_of


class CriterionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Criterion
        fields = "__all__"  # noqa: DJ007 -- the admin edits every field of rule data

    def clean_formula(self) -> str:
        text: str = self.cleaned_data["formula"].strip()
        if text and (problem := check_formula(text)):
            raise forms.ValidationError(problem)
        return text

    def clean_thresholds(self) -> object:
        raw = self.cleaned_data["thresholds"]
        try:
            thresholds_of(raw or [])
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise forms.ValidationError("[[threshold, points], …]") from exc
        return raw


class RubricGroupInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RubricGroup
    extra = 0


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "entity_type", "version", "legal_basis", "valid_from", "valid_to"]
    inlines = [RubricGroupInline]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = CriterionForm
    list_display = ["code", "name", "group", "kind", "max_points", "set_by_sector"]
    list_filter = ["group__rubric", "kind"]


@admin.register(ProgrammeDeadline)
class ProgrammeDeadlineAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["month", "day", "legal_basis", "confirmed", "valid_from", "valid_to"]


class ClusterMemberInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ClusterMember
    extra = 0
    raw_id_fields = ["unit"]
    exclude = ["year", "kind"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["year", "code", "name", "kind", "chair", "deputy", "pact_signed_on"]
    list_filter = ["year", "kind"]
    raw_id_fields = ["organiser"]
    readonly_fields = ["chair", "deputy"]
    """Set on the cluster's page, where the previous-year rule is checked."""
    inlines = [ClusterMemberInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for member in formset.save(commit=False):
            member.year, member.kind = form.instance.year, form.instance.kind
            member.save()
        for gone in formset.deleted_objects:
            gone.delete()
