from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import DEFAULT_CHANNEL, Channel, Kind, Language, Preference


class PreferencesForm(forms.Form):
    """A channel per kind of event, and the language of the messages."""

    language = forms.ChoiceField(label=_("Language of messages"), choices=settings.LANGUAGES)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
        for kind in Kind:
            self.fields[f"kind_{kind.value}"] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=chosen.get(kind.value, DEFAULT_CHANNEL),
                widget=forms.RadioSelect,
            )
        language = Language.objects.filter(user=user).first()
        self.fields["language"].initial = language.code if language else settings.LANGUAGE_CODE

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("kind_")]

    def channel_choices(self) -> dict[str, str]:
        return {
            name.removeprefix("kind_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("kind_")
        }
