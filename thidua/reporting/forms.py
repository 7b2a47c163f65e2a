from __future__ import annotations

from django import forms
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


class OpenReportForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    form = forms.ModelChoiceField(label=_("Form"), queryset=ReportForm.objects.all())
    period = forms.ModelChoiceField(label=_("Period"), queryset=Period.objects.all())


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Evidence file (PDF, image, office document; up to 10 MB)"))
    indicator = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
