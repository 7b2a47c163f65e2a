"""Input checks for the council's pages and API; domain rules stay in actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import Council
from thidua.org.forms import VnDateField

from .models import AgendaItem, BallotVote, Decision


class SessionForm(forms.Form):
    council = forms.ModelChoiceField(queryset=Council.objects.none(), label=_("Council"))
    day = VnDateField(label=_("Session date"))
    place = forms.CharField(label=_("Place"), max_length=255, initial="Hà Nội")
    quorum_numerator = forms.IntegerField(label=_("Quorum: at least"), min_value=1, initial=2)
    quorum_denominator = forms.IntegerField(
        label=_("of (fraction of members)"), min_value=1, initial=3
    )

    def __init__(self, *args: Any, councils: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if councils is not None:
            self.fields["council"].queryset = councils  # type: ignore[attr-defined]

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

    def __init__(self, *args: Any, items: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["items"].queryset = items  # type: ignore[attr-defined]
        self.fields["items"].label_from_instance = _item_label  # type: ignore[attr-defined]


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
