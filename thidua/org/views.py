from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from thidua.accounts.access import (
    get_person_for_user,
    get_unit_for_user,
    persons_for_user,
    require_admin,
    scope_for,
    year_period,
)
from thidua.accounts.models import User
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import InvalidDate, parse_vn_date, today
from thidua.lib.hooks import publicity_status
from thidua.lib.text import fold, vn_sort_key

from . import actions, tree
from .body import JOINED_ON_LABEL
from .forms import PersonForm, PositionForm
from .models import OrgLevel, OrgUnit, OrgUnitVersion, Position, ReorgLink, TreePath

REORGANISATION_DAY = dt.date(2025, 7, 1)


def _day(request: AuthedHttpRequest) -> tuple[dt.date, str | None]:
    raw = request.GET.get("date", "").strip()
    if not raw:
        return today(), None
    try:
        return parse_vn_date(raw), None
    except InvalidDate:
        return today(), _("“%(text)s” is not a date; showing today. Use dd/mm/yyyy.") % {
            "text": raw
        }


def _rows(unit_ids: list[int], day: dt.date) -> list[dict[str, Any]]:
    """Display rows for units on `day`: name then, level, number of children."""
    names = tree.names_at(unit_ids, day)
    counts = dict(
        TreePath.objects.at(day)
        .filter(ancestor_id__in=unit_ids, depth=1)
        .values("ancestor_id")
        .annotate(n=Count("id"))
        .values_list("ancestor_id", "n")
    )
    units = OrgUnit.objects.select_related("level").in_bulk(unit_ids)
    rows = [{"unit": units[i], "name": names[i], "children": counts.get(i, 0)} for i in unit_ids]
    rows.sort(key=lambda r: (r["unit"].level.rank, vn_sort_key(r["name"]), r["unit"].code))
    return rows


def _visible_roots(user: User, day: dt.date) -> list[int]:
    scope = scope_for(user, today())
    if scope.unit_ids is None:
        return tree.roots(day)
    versions = OrgUnitVersion.objects.at(day).filter(unit_id__in=scope.unit_ids)
    pairs = list(versions.values_list("unit_id", "parent_id"))
    inside = {u for u, _p in pairs}
    return [u for u, p in pairs if p not in inside]


@login_required
def tree_page(request: AuthedHttpRequest) -> HttpResponse:
    day, warning = _day(request)
    if warning:
        messages.warning(request, warning)
    context = {
        "day": day,
        "rows": _rows(_visible_roots(request.user, day), day),
        "before": REORGANISATION_DAY - dt.timedelta(days=1),
        "after": REORGANISATION_DAY,
        "today": today(),
    }
    return render(request, "org/tree.html", context)


@login_required
def children_fragment(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    get_unit_for_user(request.user, pk)
    day, _warning = _day(request)
    scope = scope_for(request.user)
    ids = [i for i in tree.children_ids(pk, day) if scope.sees(i)]
    return render(request, "org/tree.html#children", {"rows": _rows(ids, day), "day": day})


@login_required
def search(request: AuthedHttpRequest) -> HttpResponse:
    """Units by name (diacritics optional) and/or by level, optionally on a date."""
    query = request.GET.get("q", "").strip()
    level = OrgLevel.objects.filter(code=request.GET.get("level", "")).first()
    day = _day(request)[0] if request.GET.get("date") else None
    scope = scope_for(request.user)
    found: list[OrgUnit] = []
    if query:
        found = tree.search_units(query, day)
        if level is not None:
            found = [u for u in found if u.level_id == level.pk]
    elif level is not None:
        ids = tree.level_ids(level.pk, day or today())
        found = list(OrgUnit.objects.filter(id__in=ids).select_related("level"))
        found.sort(key=lambda u: vn_sort_key(u.name))
    found = [u for u in found if scope.sees(u.pk)]
    template = "org/search.html#results" if request.htmx else "org/search.html"
    context = {
        "q": query,
        "found": found,
        "today": today(),
        "levels": OrgLevel.objects.all(),
        "level": level,
        "day": day,
        "searched": bool(query or level),
    }
    return render(request, template, context)


@login_required
def unit_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    day, warning = _day(request)
    if warning:
        messages.warning(request, warning)
    scope = scope_for(request.user)
    version = tree.version_at(pk, day)
    staff = Position.objects.at(day).filter(unit=unit).select_related("person")
    context = {
        "unit": unit,
        "day": day,
        "version": version,
        "ancestors": [a for a in tree.ancestors(pk, day) if scope.sees(a.pk)],
        "children": _rows([i for i in tree.children_ids(pk, day) if scope.sees(i)], day),
        "versions": unit.versions.select_related("parent").order_by("valid_from"),
        "predecessors": ReorgLink.objects.filter(successor=unit).select_related("predecessor"),
        "successors": ReorgLink.objects.filter(predecessor=unit).select_related("successor"),
        "now_in": OrgUnit.objects.filter(id__in=tree.successor_ids(pk, today()))
        if not unit.is_open_on(today())
        else [],
        "events": unit.events.order_by("-date"),
        "staff_count_at_day": staff.count(),
        "staff": staff.order_by("person__sort_key", "person__code")[:50],
        "can_admin": scope.is_admin or request.user.is_superuser,
        # The unit's own programmes and annual reports published late or not yet (issue 12).
        "publicity": publicity_status(request.user, [unit.pk], unit.pk, today()),
    }
    return render(request, "org/unit.html", context)


@login_required
def people(request: AuthedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    year = request.GET.get("year", "").strip()
    # Today's staff by default; a year shows who was in the user's units that year.
    period = year_period(int(year)) if year.isdigit() and 1900 <= int(year) <= 2100 else None
    persons = persons_for_user(request.user, period=period)
    for word in fold(query).split():
        persons = persons.filter(search_key__contains=word)
    page = Paginator(persons.order_by("sort_key", "code"), 50).get_page(request.GET.get("page"))
    current = dict(
        Position.objects.current()
        .filter(person__in=list(page.object_list))
        .values_list("person_id", "unit__name")
    )
    template = "org/people.html#list" if request.htmx else "org/people.html"
    context = {"page": page, "q": query, "year": year if period else "", "current": current}
    return render(request, template, context)


@login_required
def person_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    scope = scope_for(request.user)
    form = PositionForm(request.POST or None)
    if request.method == "POST":
        require_admin(request.user)
        if form.is_valid():
            try:
                actions.assign_position(
                    person,
                    form.cleaned_data["unit"],
                    form.cleaned_data["title"],
                    day=form.cleaned_data["day"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Position recorded."))
                return redirect("org:person", pk=pk)
    positions = person.positions.select_related("unit").order_by("-valid_from")
    return render(
        request,
        "org/person.html",
        {
            "person": person,
            "positions": positions,
            "form": form,
            "can_admin": scope.is_admin or request.user.is_superuser,
            "joined_on_label": JOINED_ON_LABEL,
        },
    )


@login_required
def person_create(request: AuthedHttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = actions.save_person(form.save(commit=False))
        messages.success(request, _("Staff record created."))
        return redirect("org:person", pk=person.pk)
    return render(request, "org/person_create.html", {"form": form})
