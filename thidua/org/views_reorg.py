"""Administrator pages that record reorganisation events (create, rename, move, merge, split,
close). Each form calls one action; a refused event shows why and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.accounts.access import get_unit_for_user, require_admin
from thidua.accounts.models import User
from thidua.accounts.requests import AuthedHttpRequest

from . import actions
from .forms import CloseForm, CreateUnitForm, MergeForm, MoveForm, RenameForm, SplitForm
from .models import OrgUnit


def _common(data: dict[str, Any], user: User) -> dict[str, Any]:
    return {
        "day": data["day"],
        "by": user,
        "legal_basis": data.get("legal_basis", ""),
        "note": data.get("note", ""),
    }


def _create(unit: OrgUnit | None, data: dict[str, Any], user: User) -> OrgUnit:
    spec = actions.NewUnit(
        code=data["code"],
        name=data["name"],
        level=data["level"],
        parent=data["parent"],
        kind=data["kind"],
        budget_role=data["budget_role"],
        staff_count=data["staff_count"],
    )
    return actions.create_unit(spec, **_common(data, user))


def _rename(unit: OrgUnit | None, data: dict[str, Any], user: User) -> OrgUnit:
    assert unit is not None
    actions.rename_unit(unit, data["new_name"], **_common(data, user))
    return unit


def _move(unit: OrgUnit | None, data: dict[str, Any], user: User) -> OrgUnit:
    assert unit is not None
    actions.move_unit(unit, data["new_parent"], **_common(data, user))
    return unit


def _close(unit: OrgUnit | None, data: dict[str, Any], user: User) -> OrgUnit:
    assert unit is not None
    actions.close_unit(unit, successor=data["successor"], **_common(data, user))
    return data["successor"] or unit


def _merge(unit: OrgUnit | None, data: dict[str, Any], user: User) -> OrgUnit:
    new = None
    if data.get("new_code"):
        new = actions.NewUnit(
            code=data["new_code"],
            name=data["new_name"],
            level=data["new_level"],
            parent=data["new_parent"],
        )
    return actions.merge_units(data["sources"], into=data["into"], new=new, **_common(data, user))


def _split(unit: OrgUnit | None, data: dict[str, Any], user: User) -> OrgUnit:
    assert unit is not None
    codes = [code for code, _name in data["parts"]]
    parts = [
        actions.NewUnit(code=c, name=n, level=data["level"], parent=data["parent"])
        for c, n in data["parts"]
    ]
    children: dict[int, int] = {}
    for child_code, part_code in data["children"]:
        child = OrgUnit.objects.filter(code=child_code).first()
        if child is None or part_code not in codes:
            raise ValidationError(
                _("Unknown unit or part in the line “%(a)s; %(b)s”.")
                % {"a": child_code, "b": part_code}
            )
        children[child.pk] = codes.index(part_code)
    created = actions.split_unit(unit, parts, children=children, **_common(data, user))
    return created[0]


Handler = Callable[[OrgUnit | None, dict[str, Any], User], OrgUnit]
KINDS: dict[str, tuple[type[forms.Form], Handler, Any]] = {
    "create": (CreateUnitForm, _create, gettext_lazy("Create a unit")),
    "rename": (RenameForm, _rename, gettext_lazy("Rename")),
    "move": (MoveForm, _move, gettext_lazy("Move under another unit")),
    "close": (CloseForm, _close, gettext_lazy("Close")),
    "merge": (MergeForm, _merge, gettext_lazy("Merge units")),
    "split": (SplitForm, _split, gettext_lazy("Split")),
}


@login_required
def reorganise(request: AuthedHttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    require_admin(request.user)
    if kind not in KINDS:
        return redirect("org:tree")
    form_class, handler, title = KINDS[kind]
    unit = get_unit_for_user(request.user, pk, write=True) if pk else None
    initial: dict[str, Any] = {}
    if unit is not None and kind in {"create", "merge"}:
        initial = {"parent": unit.code, "sources": unit.code}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = handler(unit, form.cleaned_data, request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The reorganisation was recorded."))
            return redirect("org:unit", pk=result.pk)
    return render(
        request, "org/reorganise.html", {"form": form, "unit": unit, "kind": kind, "title": title}
    )
