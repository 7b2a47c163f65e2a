"""Report deadlines of the administrator (issue 15, point 5): the dated deadline rule of each
kind of period, the forms that follow it, edit a version, add a version from a date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.accounts.access import require_body_admin
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import OPEN_END, today
from thidua.org.forms import VnDateField

from . import admin_actions
from .models import DeadlineRule, Period, ReportForm


class DeadlineForm(forms.Form):
    days_after_end = forms.IntegerField(
        label=gettext_lazy("Days after the period ends"),
        required=False,
        min_value=0,
        max_value=365,
        help_text=gettext_lazy("Either this, or a day and month of the next year."),
    )
    next_year_day = forms.IntegerField(
        label=gettext_lazy("Day of the next year"), required=False, min_value=1, max_value=31
    )
    next_year_month = forms.IntegerField(
        label=gettext_lazy("Month of the next year"), required=False, min_value=1, max_value=12
    )
    legal_basis = forms.CharField(label=gettext_lazy("Legal basis"), max_length=255)
    confirmed = forms.BooleanField(
        label=gettext_lazy("Confirmed in the legal text"), required=False
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)

    def values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("valid_from", None)
        return values


class NewDeadlineForm(DeadlineForm):
    valid_from = VnDateField(label=gettext_lazy("In force from (dd/mm/yyyy)"))

    field_order = ["valid_from"]


def _initial(rule: DeadlineRule | None) -> dict[str, Any]:
    if rule is None:
        return {}
    return {name: getattr(rule, name) for name in admin_actions.FIELDS}


@login_required
def deadlines(request: AuthedHttpRequest) -> HttpResponse:
    require_body_admin(request.user)
    day = today()
    forms_by_kind: dict[str, list[str]] = {}
    for form in ReportForm.objects.filter(valid_to__gt=day).order_by("name"):
        forms_by_kind.setdefault(form.periodicity, []).append(form.display_name)
    groups = []
    for kind, label in Period.Kind.choices:
        versions = [
            {"rule": r, "current": r.valid_from <= day < r.valid_to}
            for r in DeadlineRule.objects.filter(periodicity=kind).order_by("-valid_from")
        ]
        groups.append(
            {
                "kind": kind,
                "label": label,
                "versions": versions,
                "forms": forms_by_kind.get(kind, []),
            }
        )
    return render(request, "reporting/ref_deadlines.html", {"groups": groups, "open_end": OPEN_END})


def _page(
    request: AuthedHttpRequest, form: DeadlineForm, heading: str, **context: Any
) -> HttpResponse:
    return render(
        request,
        "reference/form.html",
        {
            "form": form,
            "heading": heading,
            "back_url": reverse("reporting:ref_deadlines"),
            "back_label": _("Report deadlines"),
            **context,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def deadline_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_body_admin(request.user)
    rule = get_object_or_404(DeadlineRule, pk=pk)
    form = DeadlineForm(request.POST or None, initial=_initial(rule))
    if request.method == "POST" and form.is_valid():
        try:
            admin_actions.update_deadline(rule, form.values(), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Deadline saved."))
            return redirect("reporting:ref_deadlines")
    values = {
        "kind": rule.get_periodicity_display().lower(),
        "a": f"{rule.valid_from:%d/%m/%Y}",
        "b": f"{rule.valid_to:%d/%m/%Y}",
    }
    if rule.valid_to >= OPEN_END:
        heading = _("Deadline of %(kind)s reports, in force from %(a)s") % values
    else:
        heading = _("Deadline of %(kind)s reports, in force %(a)s – %(b)s") % values
    return _page(request, form, heading)


@login_required
def deadline_new(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    require_body_admin(request.user)
    if kind not in Period.Kind.values:
        raise Http404
    latest = DeadlineRule.objects.filter(periodicity=kind).order_by("-valid_from").first()
    form = NewDeadlineForm(request.POST or None, initial=_initial(latest))
    if request.method == "POST" and form.is_valid():
        try:
            admin_actions.add_deadline_version(
                kind,
                valid_from=form.cleaned_data["valid_from"],
                values=form.values(),
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("New deadline version added."))
            return redirect("reporting:ref_deadlines")
    heading = _("New deadline version: %(kind)s reports") % {
        "kind": Period.Kind(kind).label.lower()
    }
    return _page(
        request,
        form,
        heading,
        submit=_("Add"),
        hint=_(
            "The version in force on the chosen day ends that day; periods ending before it "
            "keep their deadline."
        ),
    )
