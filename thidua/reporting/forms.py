from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Period, ReportForm

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class CellForm(forms.Form):
    value = forms.CharField(required=False, max_length=60)
    version = forms.IntegerField(min_value=0)
    comment = forms.CharField(required=False, max_length=2000)


class NarrativeForm(forms.Form):
    text = forms.CharField(required=False, max_length=50_000)
    version = forms.IntegerField(min_value=0)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def periods_for(form: ReportForm, *, upto: dt.date) -> QuerySet[Period]:
    """The periods a form is filled for, latest first: of its periodicity, within its validity,
    ending by `upto`."""
    return Period.objects.filter(
        kind=form.periodicity, end__gte=form.valid_from, start__lt=form.valid_to, end__lte=upto
    ).order_by("-end")


class OpenReportForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    form = forms.ModelChoiceField(label=_("Form"), queryset=ReportForm.objects.all())
    period = forms.ModelChoiceField(label=_("Period"), queryset=Period.objects.all())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        form, period = data.get("form"), data.get("period")
        if form is not None and period is not None and not _offered(form, period):
            message = _("%(form)s is not filled for %(period)s.") % {
                "form": form.display_name,
                "period": period.label,
            }
            self.add_error("period", forms.ValidationError(message, code="wrong_period"))
        return data


def _offered(form: ReportForm, period: Period) -> bool:
    return periods_for(form, upto=period.end).filter(pk=period.pk).exists()


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Evidence file (PDF, image, office document; up to 10 MB)"))
    indicator = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
