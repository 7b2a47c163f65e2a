"""Entry forms of the records, and the triage forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.lib.numbers import InvalidNumber, format_vn_number, parse_vn_number
from thidua.org.forms import VnDateField

from .models import FindingState, ProcurementPackage, Severity, TravelClaim
from .rules import REGISTRY


class MoneyField(forms.Field):
    """An amount in đồng written the Vietnamese way (1.350.000) or plainly (1350000)."""

    default_error_messages = {"invalid": _("Write an amount in đồng such as 1.350.000.")}

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 25:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            number = parse_vn_number(text.replace("−", "-"))
        except InvalidNumber as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number

    def prepare_value(self, value: Any) -> Any:
        """A stored amount shown as it is written (1.350.000) on an edit page."""
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_vn_number(value)
        return value


class TravelClaimForm(forms.ModelForm):  # type: ignore[type-arg]
    start = VnDateField(label=_("start date"))
    end = VnDateField(label=_("end date"))
    allowance_paid = MoneyField(label=_("daily allowance paid (total)"))
    lodging_paid = MoneyField(label=_("lodging paid (total)"), required=False)
    transport_paid = MoneyField(label=_("transport paid"), required=False)

    class Meta:
        model = TravelClaim
        fields = [
            "person",
            "start",
            "end",
            "destination",
            "allowance_paid",
            "lodging_mode",
            "lodging_paid",
            "transport_paid",
        ]

    def clean_lodging_paid(self) -> Decimal:
        return self.cleaned_data.get("lodging_paid") or Decimal(0)

    def clean_transport_paid(self) -> Decimal:
        return self.cleaned_data.get("transport_paid") or Decimal(0)


class PackageForm(forms.ModelForm):  # type: ignore[type-arg]
    estimate = MoneyField(label=_("estimate"))
    award_price = MoneyField(label=_("award price"), required=False)
    notice_date = VnDateField(label=_("notice date"), required=False)
    bid_closing = VnDateField(label=_("bid closing"), required=False)
    award_date = VnDateField(label=_("award date"))
    next_bid = MoneyField(label=_("next-best bid"), required=False)
    settlement = MoneyField(label=_("settled amount"), required=False)

    class Meta:
        model = ProcurementPackage
        fields = [
            "item",
            "category",
            "on_central_list",
            "method",
            "estimate",
            "award_price",
            "bidders",
            "supplier_name",
            "supplier_tax_code",
            "notice_date",
            "bid_closing",
            "award_date",
            "eligible_bidders",
            "next_bid",
            "settlement",
            "settlement_note",
        ]


class QueueFilter(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"), required=False)
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", "—"), *Severity.choices]
    )
    status = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", "—"), *FindingState.choices]
    )
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = [("", "—")] + [(code, r.title) for code, r in REGISTRY.items()]
        self.fields["rule"].choices = rules  # type: ignore[attr-defined]


class AskForm(forms.Form):
    deadline = VnDateField(label=_("Deadline"), required=False)
    reason = forms.CharField(label=_("Request"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=4000)
