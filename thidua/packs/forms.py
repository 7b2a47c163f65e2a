"""The set-up page's form: the body, its sector pack and its first administrator."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .setup import BodySpec, shipped_packs


class SetupForm(forms.Form):
    token = forms.CharField(
        label=_("Set-up token"),
        max_length=200,
        help_text=_("Printed on the server by: python manage.py setup_token"),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    name = forms.CharField(
        label=_("Name of the body"),
        max_length=255,
        help_text=_("e.g. Ủy ban nhân dân tỉnh Tuyên Quang"),
    )
    short_name = forms.RegexField(
        label=_("Abbreviation"),
        max_length=40,
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        error_messages={"invalid": _("Use letters without accents, digits, dots and dashes.")},
        help_text=_("Letters without accents, digits and dashes, e.g. UBND-TQ"),
    )
    seat = forms.CharField(label=_("Seat"), max_length=255, required=False)
    pack = forms.ChoiceField(label=_("Sector pack"), widget=forms.RadioSelect)
    admin_full_name = forms.CharField(
        label=_("Administrator's full name"), max_length=255, initial="Quản trị hệ thống"
    )
    admin_username = forms.RegexField(
        label=_("Administrator's user name"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and . @ + - _ only.")},
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pack = self.fields["pack"]
        assert isinstance(pack, forms.ChoiceField)
        pack.choices = [(p.name, p.title) for p in shipped_packs()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data

    def spec(self) -> BodySpec:
        data = self.cleaned_data
        return BodySpec(
            name=data["name"].strip(),
            short_name=data["short_name"].strip(),
            seat=data["seat"].strip(),
            pack=data["pack"],
            admin_username=data["admin_username"].strip(),
            admin_password=data["password"],
            admin_full_name=data["admin_full_name"].strip(),
        )
