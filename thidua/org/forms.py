"""Input checks shared by the pages and the API for the tree and staff records."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from thidua.lib.dates import InvalidDate, parse_vn_date
from thidua.lib.spreadsheets import too_large_message, upload_limit
from thidua.lib.text import nfc

from .body import JOINED_ON_LABEL
from .models import OrgLevel, OrgUnit, Person


class VnDateField(forms.DateField):
    """dd/mm/yyyy, strictly: 31/02/2025 is refused with a clear message."""

    default_error_messages = {"invalid": _("Enter a real date as dd/mm/yyyy, e.g. 05/03/2025.")}

    def to_python(self, value: Any) -> dt.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return parse_vn_date(str(value))
        except InvalidDate as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class UnitCodeField(forms.CharField):
    def to_python(self, value: Any) -> OrgUnit | None:  # type: ignore[override]
        code = nfc(str(value or ""))
        if not code:
            return None
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No unit has the code %(code)s."), params={"code": code})
        return unit  # type: ignore[no-any-return]


class EventForm(forms.Form):
    day = VnDateField(label=_("Effective date"))
    legal_basis = forms.CharField(
        label=_("Legal basis (decision number)"), required=False, max_length=255
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NewUnitFields(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=255)
    level = forms.ModelChoiceField(label=_("Level"), queryset=OrgLevel.objects.all())
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgUnit.Kind.choices)
    budget_role = forms.ChoiceField(label=_("Budget role"), choices=OrgUnit.BudgetRole.choices)
    staff_count = forms.IntegerField(label=_("Staff count"), min_value=0, initial=0)


class CreateUnitForm(NewUnitFields, EventForm):
    parent = UnitCodeField(label=_("Parent unit code (empty for a new root)"), required=False)


class RenameForm(EventForm):
    new_name = forms.CharField(label=_("New name"), max_length=255)


class MoveForm(EventForm):
    new_parent = UnitCodeField(label=_("New parent unit code"), required=False)


class CloseForm(EventForm):
    successor = UnitCodeField(label=_("Successor unit code (optional)"), required=False)


class MergeForm(EventForm):
    sources = forms.CharField(
        label=_("Codes of the units merged (one per line or separated by commas)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    into = UnitCodeField(label=_("Merge into existing unit (code)"), required=False)
    new_code = forms.CharField(label=_("…or a new unit: code"), required=False, max_length=40)
    new_name = forms.CharField(label=_("New unit: name"), required=False, max_length=255)
    new_level = forms.ModelChoiceField(
        label=_("New unit: level"), required=False, queryset=OrgLevel.objects.all()
    )
    new_parent = UnitCodeField(label=_("New unit: parent code"), required=False)

    def clean_sources(self) -> list[OrgUnit]:
        codes = [c.strip() for c in self.cleaned_data["sources"].replace(",", "\n").splitlines()]
        codes = [c for c in codes if c]
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in units]
        if missing:
            raise forms.ValidationError(
                _("Unknown unit codes: %(codes)s"), params={"codes": ", ".join(missing)}
            )
        return [units[c] for c in codes]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_new = bool(data.get("new_code"))
        if bool(data.get("into")) == has_new:
            raise forms.ValidationError(_("Give either an existing unit or a new unit, not both."))
        if has_new and not (data.get("new_name") and data.get("new_level")):
            raise forms.ValidationError(_("A new unit needs a code, a name and a level."))
        return data


class SplitForm(EventForm):
    parts = forms.CharField(
        label=_("Resulting units, one per line: code; name"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    level = forms.ModelChoiceField(
        label=_("Level of the resulting units"), queryset=OrgLevel.objects.all()
    )
    parent = UnitCodeField(label=_("Parent of the resulting units (code)"), required=False)
    children = forms.CharField(
        label=_("Units below, one per line: unit code; code of the part that takes it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_parts(self) -> list[tuple[str, str]]:
        parts = []
        for number, line in enumerate(self.cleaned_data["parts"].splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, name = line.partition(";")
            if not sep or not code.strip() or not name.strip():
                raise forms.ValidationError(
                    _("Line %(n)s: write 'code; name'."), params={"n": number}
                )
            parts.append((code.strip(), name.strip()))
        return parts

    def clean_children(self) -> list[tuple[str, str]]:
        pairs = []
        for number, line in enumerate(self.cleaned_data["children"].splitlines(), start=1):
            if not line.strip():
                continue
            child, sep, part = line.partition(";")
            if not sep:
                raise forms.ValidationError(
                    _("Line %(n)s: write 'unit code; part code'."), params={"n": number}
                )
            pairs.append((child.strip(), part.strip()))
        return pairs


class PersonForm(forms.ModelForm):  # type: ignore[type-arg]
    birth_date = VnDateField(label=_("Date of birth"), required=False)
    joined_on = VnDateField(label=cast(str, JOINED_ON_LABEL), required=False)  # lazy

    class Meta:
        model = Person
        fields = ["code", "full_name", "gender", "birth_date", "joined_on"]


class PositionForm(forms.Form):
    unit = UnitCodeField(label=_("Unit code"))
    title = forms.CharField(label=_("Position"), max_length=120)
    day = VnDateField(label=_("From"))


WHAT = {"units": _("Organisation tree"), "people": _("Staff records")}


class ImportUploadForm(forms.Form):
    """One upload: which format (`what`) and the file."""

    what = forms.ChoiceField(choices=list(WHAT.items()), widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> UploadedFile:
        """Refuse an oversized file before a byte is read (the type is judged on reading)."""
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > upload_limit():
            raise forms.ValidationError(too_large_message())
        return upload
