"""The roll-up page: totals of a unit's subtree over a period range, on the structure as it
was or mapped onto the structure at a date, with a column per unit below; and its .xlsx."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from thidua.accounts.access import get_unit_for_user, scope_for
from thidua.accounts.models import User
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import format_vn_date, today
from thidua.lib.text import filename_slug, vn_sort_key
from thidua.org import tree
from thidua.org.models import OrgUnit

from .exports import XLSX, RollupTable, rollup_table, rollup_workbook
from .forms import AS_WAS, MAPPED, RollupForm
from .models import Period


def _quarters() -> list[Period]:
    return list(Period.objects.filter(kind=Period.Kind.QUARTER).order_by("start"))


def _with_defaults(params: QueryDict, quarters: list[Period]) -> QueryDict:
    """The request's choices; the current year on the structure as it was by default."""
    data = params.copy()
    if not any(data.get(k) for k in ("year", "first", "last")) and quarters:
        years = sorted({q.year for q in quarters})
        data["year"] = str(max([y for y in years if y <= today().year] or years))
    data.setdefault("structure", AS_WAS)
    data.setdefault("on", format_vn_date(today()))
    return data


def _unit(request: AuthedHttpRequest) -> OrgUnit:
    """The chosen unit within the user's scope (404 outside), else the user's home unit."""
    raw = request.GET.get("unit", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        return get_unit_for_user(request.user, int(raw))
    scope = scope_for(request.user)
    home = [u.pk for u in scope.home_units] or (tree.roots(today()) if scope.is_admin else [])
    if not home:
        raise Http404
    return get_unit_for_user(request.user, home[0])


def _children(user: User, unit: OrgUnit, day: dt.date) -> list[int]:
    scope = scope_for(user)
    names = tree.names_at(tree.children_ids(unit.pk, day), day)
    visible = [i for i in names if scope.sees(i)]
    return sorted(visible, key=lambda i: vn_sort_key(names[i]))


def _unit_choices(user: User, unit: OrgUnit, day: dt.date, child_ids: list[int]) -> list[Any]:
    """Units to switch to: the home units, the chosen unit's line upwards, and its children."""
    scope = scope_for(user)
    line = [i for i in tree.ancestor_ids(unit.pk, day) if scope.sees(i)]
    ids = list(dict.fromkeys([*(u.pk for u in scope.home_units), *line, unit.pk, *child_ids]))
    names = tree.names_at(ids, day)
    return [(i, names[i]) for i in ids]


def _table(request: AuthedHttpRequest, unit: OrgUnit, form: RollupForm) -> RollupTable:
    periods: list[Period] = form.cleaned_data["periods"]
    mapped_to = form.cleaned_data["on"] if form.cleaned_data["structure"] == MAPPED else None
    day = mapped_to or periods[-1].end
    return rollup_table(
        unit,
        periods,
        mapped_to=mapped_to,
        include_unapproved=form.cleaned_data["unapproved"],
        child_ids=_children(request.user, unit, day),
        on_forms=True,
    )


@login_required
@require_GET
def rollup(request: AuthedHttpRequest) -> HttpResponse:
    """Roll-ups for a unit's subtree: the form, the table, the link to the .xlsx."""
    unit = _unit(request)
    quarters = _quarters()
    form = RollupForm(_with_defaults(request.GET, quarters), quarters=quarters)
    table = _table(request, unit, form) if form.is_valid() else None
    day = (table.mapped_to or table.periods[-1].end) if table else today()
    query = _with_defaults(request.GET, quarters)
    query.pop("unit", None)
    context = {
        "form": form,
        "unit": unit,
        "table": table,
        "unit_choices": _unit_choices(
            request.user, unit, day, [c.unit_id for c in table.columns] if table else []
        ),
        "drill_query": query.urlencode(),
        "xlsx_url": f"{reverse('reporting:rollup_xlsx')}?{query.urlencode()}&unit={unit.pk}",
    }
    template = "reporting/rollup.html#page" if request.htmx else "reporting/rollup.html"
    return render(request, template, context)


@login_required
@require_GET
def rollup_xlsx(request: AuthedHttpRequest) -> HttpResponse:
    """The same view as an .xlsx workbook; a request the page would refuse shows the page."""
    unit = _unit(request)
    quarters = _quarters()
    form = RollupForm(_with_defaults(request.GET, quarters), quarters=quarters)
    if not form.is_valid():
        return rollup(request)
    table = _table(request, unit, form)
    response = HttpResponse(rollup_workbook(table, today=today()), content_type=XLSX)
    words = _("roll-up %(unit)s %(year)s") % {"unit": unit.name, "year": table.periods[0].year}
    name = filename_slug(str(words))
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
