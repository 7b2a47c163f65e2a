"""Entry form of public-investment projects."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.lib.numbers import InvalidNumber, parse_vn_number
from thidua.org.forms import VnDateField

from .forms import MoneyField
from .models_plan import Project


class PercentField(forms.Field):
    """A percentage from 0 to 100, one decimal at most (45,5 or 45.5)."""

    default_error_messages = {"invalid": _("Write a percentage from 0 to 100 such as 45,5.")}

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "").strip().rstrip("%").strip()
        if not text:
            return None
        if len(text) > 10:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            number = parse_vn_number(text.replace("−", "-"))
        except (InvalidNumber, InvalidOperation) as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if number is None or not number.is_finite() or not 0 <= number <= 100:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number.quantize(Decimal("0.1"))


class ProjectForm(forms.ModelForm):  # type: ignore[type-arg]
    approved_start = VnDateField(label=_("approved start"))
    approved_end = VnDateField(label=_("approved end"))
    total_investment = MoneyField(label=_("approved total investment"))
    disbursed = MoneyField(label=_("disbursed to date"), required=False)
    progress = PercentField(label=_("physical progress (%)"), required=False)
    as_of = VnDateField(label=_("figures as of"))
    expected_end = VnDateField(label=_("expected end (actual end when completed)"))

    class Meta:
        model = Project
        fields = [
            "name",
            "decision",
            "approved_start",
            "approved_end",
            "total_investment",
            "disbursed",
            "progress",
            "as_of",
            "status",
            "expected_end",
        ]

    def clean_disbursed(self) -> Decimal:
        return self.cleaned_data.get("disbursed") or Decimal(0)

    def clean_progress(self) -> Decimal:
        return self.cleaned_data.get("progress") or Decimal(0)
