"""Forms of the anonymous waste reports (public side) and of their handling."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.lib.dates import today
from thidua.org.forms import VnDateField
from thidua.org.models import OrgUnit

from .reports import MAX_MESSAGE, MAX_TEXT

MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]|javascript\s*:", re.IGNORECASE)


def plain_text(value: str) -> str:
    if MARKUP.search(value):
        raise forms.ValidationError(
            _("Write plain text: tags such as <script> and links to scripts are not accepted.")
        )
    return value


class ReportForm(forms.Form):
    unit = forms.IntegerField(
        label=_("Unit"), error_messages={"required": _("Choose the unit concerned.")}
    )
    text = forms.CharField(
        label=_("What happened"),
        max_length=MAX_TEXT,
        min_length=20,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Describe what happened."),
            "min_length": _("Describe what happened in at least %(limit_value)d characters."),
            "max_length": _("Keep the description under %(limit_value)d characters."),
        },
    )
    answer = forms.CharField(
        label=_("Check question"),
        max_length=5,
        error_messages={"required": _("Answer the check question.")},
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    website = forms.CharField(required=False, label=_("Leave this field empty"), max_length=200)

    def clean_text(self) -> str:
        return plain_text(self.cleaned_data["text"])

    def clean_unit(self) -> OrgUnit:
        unit: OrgUnit | None = (
            OrgUnit.objects.at(today()).filter(pk=self.cleaned_data["unit"]).first()
        )
        if unit is None:
            raise forms.ValidationError(_("Choose the unit concerned."))
        return unit


class AccessForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=40)
    secret = forms.CharField(
        label=_("Secret"), max_length=60, widget=forms.PasswordInput(render_value=True)
    )


class SenderMessageForm(AccessForm):
    message = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your message.")},
    )

    def clean_message(self) -> str:
        return plain_text(self.cleaned_data["message"])


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Answer to the sender"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportMoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=4000)
    deadline = VnDateField(label=_("Deadline"), required=False)
