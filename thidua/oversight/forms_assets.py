"""Entry forms of conferences, vehicles, office space and asset-register lines."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.lib.numbers import InvalidNumber, format_vn_number, parse_vn_number
from thidua.org.forms import VnDateField

from .forms import MoneyField
from .forms_plan import ProjectForm
from .models_assets import Asset, Conference, OfficeSpace, Use, Vehicle


class AreaField(forms.Field):
    """An area in m², one decimal at most (1.250,5 or 1250.5)."""

    default_error_messages = {"invalid": _("Write an area in m² such as 1.250,5.")}

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 20:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            number = parse_vn_number(text.replace("−", "-"))
        except (InvalidNumber, InvalidOperation) as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if number is None or not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number.quantize(Decimal("0.1"))

    def prepare_value(self, value: Any) -> Any:
        """A stored area shown as it is written (1.250,5) on an edit page."""
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_vn_number(value, 1)
        return value


def _zero(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


class ConferenceForm(forms.ModelForm):  # type: ignore[type-arg]
    start = VnDateField(label=_("date"))
    meals_paid = MoneyField(label=_("meals paid"), required=False)
    refreshments_paid = MoneyField(label=_("refreshments paid"), required=False)
    venue_paid = MoneyField(label=_("venue paid"), required=False)
    other_paid = MoneyField(label=_("other costs paid"), required=False)

    class Meta:
        model = Conference
        fields = [
            "title",
            "start",
            "days",
            "level",
            "on_payroll",
            "off_payroll",
            "meals_paid",
            "refreshments_paid",
            "venue_paid",
            "other_paid",
        ]

    def clean_meals_paid(self) -> Decimal:
        return _zero(self.cleaned_data.get("meals_paid"))

    def clean_refreshments_paid(self) -> Decimal:
        return _zero(self.cleaned_data.get("refreshments_paid"))

    def clean_venue_paid(self) -> Decimal:
        return _zero(self.cleaned_data.get("venue_paid"))

    def clean_other_paid(self) -> Decimal:
        return _zero(self.cleaned_data.get("other_paid"))


class VehicleForm(forms.ModelForm):  # type: ignore[type-arg]
    purchase_date = VnDateField(label=_("purchase date"))
    price = MoneyField(label=_("purchase price"))
    disposal_date = VnDateField(label=_("disposal date"), required=False)

    class Meta:
        model = Vehicle
        fields = [
            "plate",
            "seats",
            "kind",
            "purchase_date",
            "price",
            "odometer",
            "disposal_date",
        ]


class OfficeForm(forms.ModelForm):  # type: ignore[type-arg]
    title_area = AreaField(label=_("working area of the titles (m²)"))
    shared_area = AreaField(label=_("shared area (m²)"), required=False)
    special_area = AreaField(label=_("special-purpose area (m²)"), required=False)

    class Meta:
        model = OfficeSpace
        fields = ["building", "staff", "title_area", "shared_area", "special_area"]

    def clean_shared_area(self) -> Decimal:
        return _zero(self.cleaned_data.get("shared_area"))

    def clean_special_area(self) -> Decimal:
        return _zero(self.cleaned_data.get("special_area"))


MONTH_CHOICES = [*Use.choices, ("-", _("Not held"))]


class AssetForm(forms.ModelForm):  # type: ignore[type-arg]
    cost = MoneyField(label=_("original cost"), required=False)
    upkeep = MoneyField(label=_("upkeep spent in the year"), required=False)

    class Meta:
        model = Asset
        fields = ["code", "name", "category", "cost", "upkeep", "disposed"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        months = self.instance.months if self.instance.pk else "u" * 12
        for m in range(1, 13):
            self.fields[f"m{m}"] = forms.ChoiceField(
                label=_("month %(m)s") % {"m": m},
                choices=MONTH_CHOICES,
                initial=months[m - 1],
            )

    def clean_cost(self) -> Decimal:
        return _zero(self.cleaned_data.get("cost"))

    def clean_upkeep(self) -> Decimal:
        return _zero(self.cleaned_data.get("upkeep"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.instance.months = "".join(data.get(f"m{m}") or "u" for m in range(1, 13))
        return data


FORMS: dict[str, type[forms.ModelForm]] = {  # type: ignore[type-arg]
    "conference": ConferenceForm,
    "vehicle": VehicleForm,
    "office": OfficeForm,
    "asset": AssetForm,
    "project": ProjectForm,
}
