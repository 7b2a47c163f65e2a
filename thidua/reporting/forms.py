from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from thidua.lib.dates import InvalidDate, parse_vn_date
from thidua.lib.spreadsheets import SpreadsheetError, too_large_message, upload_limit

from . import importing, uploads
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


ACCEPT = ".xlsx,.xls,.ods,.zip"
EXTENSIONS = (*importing.SPREADSHEETS, "zip")


class ExcelUploadForm(forms.Form):
    """One filled template or a .zip of them, for the background import."""

    file = forms.FileField(
        label=_("Filled template (.xlsx, .xls, .ods) or a .zip of them"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_file(self) -> UploadedFile:
        """Refuse an oversized file, another type, or an unsafe workbook (macros, zip bomb:
        importing.check_file) before the job is created."""
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > upload_limit():
            raise forms.ValidationError(too_large_message())
        name = upload.name or ""
        if name.rsplit(".", 1)[-1].lower() not in EXTENSIONS:
            raise forms.ValidationError(
                gettext("Upload an Excel file (.xlsx, .xls), a .ods file or a .zip of them.")
            )
        if not uploads.is_zip_upload(name):  # a hostile workbook is never stored or queued
            data = upload.read(upload_limit() + 1)
            upload.seek(0)
            try:
                importing.check_file(name, data)
            except SpreadsheetError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return upload


AS_WAS, MAPPED = "as_was", "mapped"
MAX_QUARTERS = 20


class RollupForm(forms.Form):
    """What to roll up: a year or a range of quarters, the structure, unapproved data."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    first = forms.TypedChoiceField(
        label=_("From quarter"), coerce=int, required=False, empty_value=None
    )
    last = forms.TypedChoiceField(
        label=_("To quarter"), coerce=int, required=False, empty_value=None
    )
    structure = forms.ChoiceField(
        label=_("Structure"),
        choices=[
            (AS_WAS, _("As it was when the figures were reported")),
            (MAPPED, _("Mapped onto the structure on the date")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    on = forms.CharField(label=_("Structure on (dd/mm/yyyy)"), required=False)
    unapproved = forms.BooleanField(
        label=_("Include data not yet approved"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, quarters: list[Period], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quarters = quarters
        years = sorted({q.year for q in quarters})
        year_choices = [("", gettext("Quarters below")), *[(y, str(y)) for y in years]]
        self.fields["year"].choices = year_choices  # type: ignore[attr-defined]
        choices = [("", "—"), *[(q.pk, q.label) for q in quarters]]
        self.fields["first"].choices = choices  # type: ignore[attr-defined]
        self.fields["last"].choices = choices  # type: ignore[attr-defined]

    def clean_on(self) -> dt.date | None:
        text = self.cleaned_data["on"].strip()
        if not text:
            return None
        try:
            return parse_vn_date(text)
        except InvalidDate as exc:
            raise forms.ValidationError(
                gettext("“%(text)s” is not a date. Write it as dd/mm/yyyy, for example 01/01/2026.")
                % {"text": text}
            ) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("structure") == MAPPED and "on" in data and data["on"] is None:
            self.add_error(
                "on", gettext("Give the date of the structure to map onto (dd/mm/yyyy).")
            )
        data["periods"] = self._periods(data)
        return data

    def _periods(self, data: dict[str, Any]) -> list[Period]:
        if data.get("year"):
            return [q for q in self.quarters if q.year == data["year"]]
        by_pk = {q.pk: q for q in self.quarters}
        first, last = by_pk.get(data.get("first") or 0), by_pk.get(data.get("last") or 0)
        if first is None or last is None:
            self.add_error("year", gettext("Choose a year, or the first and the last quarter."))
            return []
        chosen = [q for q in self.quarters if first.start <= q.start <= last.start]
        if not chosen:
            self.add_error("last", gettext("The last quarter comes before the first one."))
        elif len(chosen) > MAX_QUARTERS:
            self.add_error(
                "last", gettext("Choose at most %(n)s quarters at a time.") % {"n": MAX_QUARTERS}
            )
        return chosen
