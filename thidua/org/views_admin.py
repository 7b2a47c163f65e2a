"""Reference data pages of the administrator: the levels of the hierarchy (issue 15, point 5).
Levels are install-wide rows; only an administrator (or the superuser) reaches these pages."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.accounts.access import require_body_admin
from thidua.accounts.requests import AuthedHttpRequest

from . import admin_actions
from .models import OrgLevel


class LevelForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    name_en = forms.CharField(label=gettext_lazy("English name"), max_length=120, required=False)
    rank = forms.IntegerField(
        label=gettext_lazy("Order"),
        min_value=0,
        max_value=admin_actions.MAX_RANK,
        help_text=gettext_lazy("0 is the top level; units of a level sit under a lower number."),
    )


def _form_page(request: AuthedHttpRequest, form: LevelForm, **context: object) -> HttpResponse:
    return render(
        request,
        "reference/form.html",
        {
            "form": form,
            "back_url": reverse("org:ref_levels"),
            "back_label": _("Levels"),
            **context,
        },
    )


@login_required
def levels(request: AuthedHttpRequest) -> HttpResponse:
    require_body_admin(request.user)
    rows = OrgLevel.objects.annotate(units=Count("orgunit")).order_by("rank", "name")
    return render(request, "org/ref_levels.html", {"levels": rows})


@login_required
def level_create(request: AuthedHttpRequest) -> HttpResponse:
    require_body_admin(request.user)
    form = LevelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            level = admin_actions.create_level(**form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Level “%(name)s” added.") % {"name": level.name})
            return redirect("org:ref_levels")
    return _form_page(request, form, heading=_("New level"), submit=_("Add"))


@login_required
def level_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_body_admin(request.user)
    level = get_object_or_404(OrgLevel, pk=pk)
    initial = {"name": level.name, "name_en": level.name_en, "rank": level.rank}
    form = LevelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            admin_actions.update_level(level, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Level saved."))
            return redirect("org:ref_levels")
    return _form_page(
        request,
        form,
        heading=_("Level “%(name)s”") % {"name": level.name},
        delete_url=reverse("org:ref_level_delete", args=[level.pk]),
    )


@login_required
def level_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_body_admin(request.user)
    level = get_object_or_404(OrgLevel, pk=pk)
    if request.method != "POST":
        return redirect("org:ref_level_edit", pk=level.pk)
    try:
        admin_actions.delete_level(level, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("org:ref_level_edit", pk=level.pk)
    messages.success(request, _("Level deleted."))
    return redirect("org:ref_levels")
