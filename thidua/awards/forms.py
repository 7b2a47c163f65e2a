from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.lib.dates import InvalidDate, parse_vn_date

from .models import Initiative, Title

YEARS = (2019, 2100)


class YearField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=YEARS[0], max_value=YEARS[1], **kwargs)


class VnDateField(forms.CharField):
    """A date typed dd/mm/yyyy."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_vn_date(text)
        except InvalidDate as exc:
            raise forms.ValidationError(
                _("“%(text)s” is not a date. Write dd/mm/yyyy."), params={"text": text}
            ) from exc


class ProposalForm(forms.Form):
    title = forms.ModelChoiceField(queryset=Title.objects.all(), to_field_name="code")
    year = YearField()
    nominee = forms.RegexField(
        regex=r"^[pu]:\d+$", error_messages={"invalid": _("Choose a nominee.")}
    )
    override_reason = forms.CharField(required=False, max_length=2000)


class ReportForm(forms.Form):
    """The sections of the achievement report the unit writes (`achievement.FIELDS`); each
    optional here, the required ones are checked when the proposal is submitted."""

    def __init__(self, *args: Any, fields: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in fields:
            self.fields[spec.key] = forms.CharField(
                label=spec.label,
                required=False,
                max_length=20000 if spec.multiline else 500,
                widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"})
                if spec.multiline
                else forms.TextInput(attrs={"class": "form-control"}),
            )


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000)


class EvidenceForm(forms.Form):
    file = forms.FileField()
    description = forms.CharField(required=False, max_length=255)


class InitiativeForm(forms.Form):
    title = forms.CharField(max_length=500)
    unit = forms.IntegerField()
    authors = forms.CharField(
        max_length=2000, help_text=_("staff codes separated by commas, e.g. CB000123, CB000456")
    )
    level = forms.ChoiceField(choices=Initiative.Level.choices)
    recognised_on = VnDateField()
    recognised_by = forms.CharField(max_length=255)
    decision_ref = forms.CharField(required=False, max_length=120)

    def clean_authors(self) -> list[str]:
        codes = [c.strip().upper() for c in self.cleaned_data["authors"].split(",") if c.strip()]
        if not codes:
            raise forms.ValidationError(_("Give at least one staff code."))
        return codes
