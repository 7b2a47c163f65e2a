from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.org.forms import UnitCodeField, VnDateField

from .models import ContentArea, Milestone, Movement, Phase


class MovementForm(forms.ModelForm):  # type: ignore[type-arg]
    organisation_code = UnitCodeField(label=_("Organisation (unit code)"))
    decision_date = VnDateField(label=_("Launching decision date"), required=False)

    class Meta:
        model = Movement
        fields = [
            "code",
            "title",
            "title_en",
            "launching_body",
            "decision_number",
            "decision_date",
            "decision_note",
            "parent_reference",
            "start_year",
            "end_year",
            "objectives",
        ]
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "title": forms.TextInput(),
            "title_en": forms.TextInput(),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and start > end:
            raise forms.ValidationError(_("The first year must not be after the last year."))
        return data


class PhaseForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Phase
        fields = ["number", "start_year", "end_year", "review", "review_year", "description"]
        widgets = {"description": forms.TextInput()}


class AreaForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ContentArea
        fields = ["number", "title", "title_en"]
        widgets = {"title": forms.TextInput(), "title_en": forms.TextInput()}


class MilestoneForm(forms.ModelForm):  # type: ignore[type-arg]
    due_date = VnDateField(label=_("Due date"))

    class Meta:
        model = Milestone
        fields = ["title", "title_en", "due_date", "note"]
        widgets = {"title": forms.TextInput(), "title_en": forms.TextInput()}
