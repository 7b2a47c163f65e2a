from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from thidua.lib.dates import OPEN_END
from thidua.org.models import OrgUnit, Person

from .models import Role, RoleAssignment, User


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    # Django's own wording ("Vui lòng điền vào … chính xác. Chú ý rằng cả hai khung thông tin
    # đều phân biệt …") reads as a translation; say it as a person would.
    error_messages = {
        "invalid_login": _(
            "The user name or the password is wrong. Check them (capital letters count) and"
            " try again."
        ),
        "inactive": _("This account is switched off. Ask your administrator."),
    }


class UserCreateForm(forms.ModelForm):  # type: ignore[type-arg]
    password = forms.CharField(
        label=_("Initial password"), min_length=8, widget=forms.PasswordInput
    )
    person_code = forms.CharField(label=_("Staff code (optional)"), required=False)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def clean_person_code(self) -> Person | None:
        code = self.cleaned_data["person_code"].strip()
        if not code:
            return None
        person = Person.objects.filter(code=code).first()
        if person is None:
            raise forms.ValidationError(_("No staff record has this code."))
        return person


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit_code = forms.CharField(label=_("Unit code"))
    valid_from = forms.DateField(label=_("From"))
    valid_to = forms.DateField(label=_("To (optional)"), required=False)

    def clean_unit_code(self) -> OrgUnit:
        unit = OrgUnit.objects.filter(code=self.cleaned_data["unit_code"].strip()).first()
        if unit is None:
            raise forms.ValidationError(_("No unit has this code."))
        return unit  # type: ignore[no-any-return]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to") or OPEN_END
        if start and end <= start:
            raise forms.ValidationError(_("The end date must be after the start date."))
        data["valid_to"] = end
        return data

    def assignment(self, user: User) -> RoleAssignment:
        data = self.cleaned_data
        return RoleAssignment(
            user=user,
            role=data["role"],
            unit=data["unit_code"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
        )


class UnlockForm(forms.Form):
    """The user name and address of a lockout to lift."""

    username = forms.CharField(max_length=255)
    ip_address = forms.GenericIPAddressField(required=False)
