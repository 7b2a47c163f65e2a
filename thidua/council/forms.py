"""Input checks for the council's pages and API; domain rules stay in actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import Council, Title
from thidua.lib.dates import OPEN_END
from thidua.org.body import NEUTRAL, WORDING_LABELS
from thidua.org.forms import VnDateField
from thidua.org.models import OrgUnit

from .actions import document_defaults
from .models import AgendaItem, BallotVote, Decision, DocumentSettings, Signer


class SessionForm(forms.Form):
    council = forms.ModelChoiceField(queryset=Council.objects.none(), label=_("Council"))
    day = VnDateField(label=_("Session date"))
    place = forms.CharField(label=_("Place"), max_length=255)
    quorum_numerator = forms.IntegerField(label=_("Quorum: at least"), min_value=1, initial=2)
    quorum_denominator = forms.IntegerField(
        label=_("of (fraction of members)"), min_value=1, initial=3
    )

    def __init__(self, *args: Any, councils: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if councils is not None:
            self.fields["council"].queryset = councils  # type: ignore[attr-defined]
            first = councils.first()
            if first is not None and "place" not in self.initial:
                self.fields["place"].initial = document_defaults(first.unit_id)[1]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        num, den = data.get("quorum_numerator"), data.get("quorum_denominator")
        if num and den and num > den:
            raise forms.ValidationError(_("The quorum is a fraction of the members: at most 1."))
        return data


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"), choices=BallotVote.Choice.choices, widget=forms.RadioSelect
    )


class WrittenVoteForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    choice = forms.ChoiceField(label=_("Written vote"), choices=BallotVote.Choice.choices)


class DecisionForm(forms.ModelForm):  # type: ignore[type-arg]
    date = VnDateField(label=_("Decision date"))
    items = forms.ModelMultipleChoiceField(
        queryset=AgendaItem.objects.none(),
        label=_("Awardees (passed proposals)"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Decision
        fields = [
            "date",
            "issuer_name",
            "governing_body",
            "symbol",
            "place",
            "subject",
            "legal_bases",
            "authority",
            "authority_of",
            "signer_position",
            "signer_name",
            "recipients",
        ]
        widgets = {
            "legal_bases": forms.Textarea(attrs={"rows": 3}),
            "recipients": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "legal_bases": _("One per line."),
            "recipients": _("One per line; the last is “Lưu: VT, …”."),
        }

    signer = forms.ModelChoiceField(
        queryset=Signer.objects.none(),
        label=_("Signer (from the register)"),
        required=False,
        help_text=_("Fills the signer's name and position; or type them below."),
    )

    def __init__(self, *args: Any, items: Any = None, signers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["items"].queryset = items  # type: ignore[attr-defined]
        self.fields["items"].label_from_instance = _item_label  # type: ignore[attr-defined]
        if signers is not None:
            self.fields["signer"].queryset = signers  # type: ignore[attr-defined]
        for name in ("signer_position", "signer_name"):
            self.fields[name].required = False
        order = list(self.fields)
        order.remove("signer")
        order.insert(order.index("signer_position"), "signer")
        self.order_fields(order)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        signer = data.pop("signer", None)
        if signer is not None:
            data["signer_position"], data["signer_name"] = signer.title, signer.full_name
        for name in ("signer_position", "signer_name"):
            if not data.get(name):
                self.add_error(name, _("Choose a signer from the register or type this."))
        return data


def _item_label(item: AgendaItem) -> str:
    proposal = item.proposal
    nominee = proposal.person.full_name if proposal.person else str(proposal.unit)
    return f"{nominee} — {proposal.title.name} {proposal.year}"


class IssueForm(forms.Form):
    number = forms.IntegerField(
        label=_("Number"),
        min_value=1,
        required=False,
        help_text=_("Leave empty to take the next number of the register."),
    )


class RevokeForm(forms.Form):
    day = VnDateField(label=_("Revoked on"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DocumentSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DocumentSettings
        fields = ["symbol", "place"]


class SignerForm(forms.ModelForm):  # type: ignore[type-arg]
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Issuing unit"))
    valid_from = VnDateField(label=_("From"))
    valid_to = VnDateField(label=_("To"), required=False, help_text=_("Empty: still signing."))

    class Meta:
        model = Signer
        fields = ["unit", "full_name", "title", "valid_from", "valid_to"]
        help_texts = {"title": _("As printed under the signature.")}

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].label_from_instance = lambda u: u.name  # type: ignore[attr-defined]
        if self.instance.pk and self.instance.valid_to == OPEN_END:
            self.initial["valid_to"] = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end <= start:
            self.add_error("valid_to", _("The end date must come after the start date."))
        if "valid_to" in data and end is None:
            data["valid_to"] = OPEN_END
        return data


class BodyWordingForm(forms.Form):
    """One text field per entry of the body's wording (thidua/org/body.py); empty ones take
    neutral wording."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in WORDING_LABELS.items():
            neutral = getattr(NEUTRAL, key)
            hint = _("Empty: “%(neutral)s”.") % {"neutral": neutral} if neutral else ""
            self.fields[key] = forms.CharField(
                label=label, max_length=255, required=False, help_text=hint
            )
        # The thematic award is one of the collective titles: chosen by name, stored by code.
        choices = [("", "—")]
        choices += [(t.code, t.display_name) for t in Title.objects.filter(subject="collective")]
        current = str(self.initial.get("thematic_award_form") or "")
        if current and current not in dict(choices):  # kept until its title is loaded
            choices.append((current, current))
        self.fields["thematic_award_form"] = forms.ChoiceField(
            label=WORDING_LABELS["thematic_award_form"], required=False, choices=choices
        )
