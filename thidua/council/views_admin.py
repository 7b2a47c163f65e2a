"""Reference data of the administrator (issue 15, point 5): the index of the sections, with
their counts, and the holidays that working-day counts skip (public consultations)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.accounts.access import require_body_admin
from thidua.accounts.requests import AuthedHttpRequest
from thidua.awards.models import Council, Title, TitleRule
from thidua.lib.dates import today
from thidua.org.forms import VnDateField
from thidua.org.models import OrgLevel
from thidua.reporting.models import DeadlineRule, ReportForm

from . import admin_actions
from .holidays import confidence_of
from .models import Holiday


@login_required
def reference(request: AuthedHttpRequest) -> HttpResponse:
    body = require_body_admin(request.user)
    councils = Council.objects.all()
    if body is not None:
        councils = councils.filter(unit_id__in=body)
    year = today().year
    sections: list[dict[str, Any]] = [
        {
            "name": _("Levels"),
            "about": _("The levels of the hierarchy, from the top."),
            "url": reverse("org:ref_levels"),
            "count": OrgLevel.objects.count(),
            "testid": "levels",
        },
        {
            "name": _("Holidays"),
            "about": _("Days off that working-day counts skip (%(year)d).") % {"year": year},
            "url": reverse("council:ref_holidays"),
            "count": Holiday.objects.filter(day__year=year).count(),
            "testid": "holidays",
        },
        {
            "name": _("Councils"),
            "about": _("The body's emulation and commendation councils and their members."),
            "url": reverse("awards:ref_councils"),
            "count": councils.count(),
            "testid": "councils",
        },
        {
            "name": _("Titles and rules"),
            "about": _("Titles and award forms, with the dated versions of their rules."),
            "url": reverse("awards:ref_titles"),
            "count": Title.objects.count(),
            "extra": _("%(n)d rule versions") % {"n": TitleRule.objects.count()},
            "testid": "titles",
        },
        {
            "name": _("Report deadlines"),
            "about": _("When each kind of report is due, by dated version."),
            "url": reverse("reporting:ref_deadlines"),
            "count": DeadlineRule.objects.at(today()).count(),
            "testid": "deadlines",
        },
        {
            "name": _("Report forms"),
            "about": _("The report forms, their levels and their validation rules."),
            "url": reverse("reporting:ref_forms"),
            "count": ReportForm.objects.at(today()).count(),
            "testid": "forms",
        },
    ]
    return render(request, "council/reference.html", {"sections": sections})


class HolidayForm(forms.Form):
    day = VnDateField(label=gettext_lazy("Day (dd/mm/yyyy)"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)


def _year(request: AuthedHttpRequest) -> int:
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() else today().year
    return year if 1900 <= year <= 2200 else today().year


@login_required
def holidays(request: AuthedHttpRequest) -> HttpResponse:
    require_body_admin(request.user)
    year = _year(request)
    form = HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            holiday = admin_actions.create_holiday(**form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Holiday %(day)s added.") % {"day": f"{holiday.day:%d/%m/%Y}"},
            )
            return redirect(f"{reverse('council:ref_holidays')}?year={holiday.day.year}")
    years = sorted(
        {d.year for d in Holiday.objects.dates("day", "year")} | {year - 1, year, year + 1}
    )
    context = {
        "year": year,
        "years": years,
        # Issue 10: the days projected from the lunar calendar (or not yet checked against the
        # official notice) are labelled so.
        "holidays": [(h, confidence_of(h)) for h in Holiday.objects.filter(day__year=year)],
        "form": form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "council/ref_holidays.html", context, status=status)


@login_required
def holiday_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_body_admin(request.user)
    holiday = get_object_or_404(Holiday, pk=pk)
    form = HolidayForm(request.POST or None, initial={"day": holiday.day, "name": holiday.name})
    back = f"{reverse('council:ref_holidays')}?year={holiday.day.year}"
    if request.method == "POST" and form.is_valid():
        try:
            admin_actions.update_holiday(holiday, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Holiday saved."))
            return redirect(f"{reverse('council:ref_holidays')}?year={holiday.day.year}")
    return render(
        request,
        "reference/form.html",
        {
            "form": form,
            "heading": _("Holiday %(day)s") % {"day": f"{holiday.day:%d/%m/%Y}"},
            "back_url": back,
            "back_label": _("Holidays"),
            "delete_url": reverse("council:ref_holiday_delete", args=[holiday.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def holiday_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_body_admin(request.user)
    holiday = get_object_or_404(Holiday, pk=pk)
    year = holiday.day.year
    if request.method != "POST":
        return redirect("council:ref_holiday_edit", pk=holiday.pk)
    admin_actions.delete_holiday(holiday, by=request.user)
    messages.success(request, _("Holiday deleted."))
    return redirect(f"{reverse('council:ref_holidays')}?year={year}")
