"""Input checks for the evaluation pages and the API (the rules stay in actions.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.lib.filetypes import RefusedFile, detect, download_name
from thidua.lib.numbers import InvalidNumber, parse_vn_number
from thidua.lib.text import nfc
from thidua.org.forms import VnDateField
from thidua.reporting.models import Indicator

from .models import Cluster, Rubric, Target

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


class VnDecimalField(forms.Field):
    """A number written the Vietnamese way (1.234,5) or plainly (1234.5)."""

    default_error_messages = {"invalid": _("Write a number such as 10 or −7,5.")}

    def __init__(self, *, max_length: int = 30, **kwargs: Any) -> None:
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > self.max_length:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            number = parse_vn_number(text.replace("−", "-"))
        except InvalidNumber as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if number is None or not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class SelfScoreForm(forms.Form):
    points = VnDecimalField(label=_("Points"), required=False, max_length=20)
    violations = forms.IntegerField(
        label=_("Violations"), required=False, min_value=0, max_value=1000
    )
    evidence_link = forms.URLField(
        label=_("Evidence link"), required=False, max_length=500, assume_scheme="https"
    )
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def clean_evidence_file(self) -> Any:
        """The file, renamed with the extension of what its bytes are (the stored name is
        how its kind is kept); refused when too large, of another kind or with macros."""
        upload = self.cleaned_data.get("evidence_file")
        if upload is None:
            return None
        if upload.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        data = upload.read(MAX_EVIDENCE_BYTES + 1)
        upload.seek(0)
        try:
            kind = detect(data)
        except RefusedFile as exc:
            raise forms.ValidationError(str(exc)) from exc
        upload.name = download_name(nfc(upload.name or ""), kind)
        return upload


class ReviewScoreForm(forms.Form):
    points = VnDecimalField(label=_("Points after review"), required=False, max_length=20)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class ProgrammeForm(forms.Form):
    key_tasks = forms.CharField(
        label=_("Key tasks"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    measures = forms.CharField(
        label=_("Measures"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    responsible_units = forms.CharField(
        label=_("Responsible units"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    issued_on = VnDateField(label=_("Issued on (dd/mm/yyyy)"), required=False)


class TargetForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.all(), to_field_name="code"
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Target.Kind.choices)
    comparator = forms.ChoiceField(label=_("Comparator"), choices=Target.Comparator.choices)
    value = VnDecimalField(label=_("Target value"), max_length=30)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class OfficersForm(forms.Form):
    chair = forms.IntegerField(label=_("Cluster chair"))
    deputy = forms.IntegerField(label=_("Cluster deputy"))


class ClusterForm(forms.Form):
    """A new cluster or block: the members are ticked among the units the organiser runs."""

    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=Cluster.Kind.choices)
    pact_signed_on = VnDateField(label=_("Pact signed on (dd/mm/yyyy)"), required=False)
    rubric = forms.ModelChoiceField(
        label=_("Scoring table of the pact"), queryset=Rubric.objects.none(), required=False
    )
    members = forms.TypedMultipleChoiceField(
        label=_("Members"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], year: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = units  # type: ignore[attr-defined]
        day = dt.date(year, 12, 31)
        self.fields["rubric"].queryset = Rubric.objects.filter(  # type: ignore[attr-defined]
            valid_from__lte=day, valid_to__gt=dt.date(year, 1, 1)
        )
