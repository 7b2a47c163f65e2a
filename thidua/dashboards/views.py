"""The dashboard (/dashboards/): charts of a unit in scope over a year or a phase, each with
its table and an .xlsx; and the phase review reports generated from the same figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from thidua.accounts.access import get_unit_for_user, scope_for
from thidua.accounts.models import User
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import InvalidDate, format_vn_date, parse_vn_date, today
from thidua.lib.text import filename_slug, vn_sort_key
from thidua.movements.models import Movement, Phase
from thidua.movements.scope import movement_for
from thidua.org import tree
from thidua.org.models import OrgUnit

from . import charts, exports, series
from .series import Choice

AS_WAS = "as_was"
MAPPED = "mapped"


@dataclass
class Picked:
    """The request's choice, resolved: the unit, its movement, the years and their label."""

    unit: OrgUnit
    movement: Movement | None
    phase: Phase | None
    years: list[int]
    label: str
    key: str
    mapped_to: dt.date | None


def home_unit(user: User) -> OrgUnit:
    scope = scope_for(user)
    home = [u.pk for u in scope.home_units] or (tree.roots(today()) if scope.is_admin else [])
    if not home:
        raise Http404
    return get_unit_for_user(user, home[0])


def pick(request: AuthedHttpRequest) -> Picked:
    """The unit (404 outside the user's scope), the phase or year (default: the phase of the
    current year) and the structure (default: today's) the request asks for."""
    raw = request.GET.get("unit", "")
    if raw and not raw.isdigit():
        raise Http404
    unit = get_unit_for_user(request.user, int(raw)) if raw else home_unit(request.user)
    now = today()
    movement = movement_for(unit.pk, now.year, request.GET.get("movement"))
    phases = list(movement.phases.order_by("number")) if movement else []
    chosen = request.GET.get("period", "")
    mapped_to: dt.date | None = now
    if request.GET.get("structure") == AS_WAS:
        mapped_to = None
    elif request.GET.get("on"):
        try:
            mapped_to = parse_vn_date(request.GET["on"])
        except InvalidDate:
            mapped_to = now
    if chosen.isdigit() and 2000 <= int(chosen) <= 2100:
        year = int(chosen)
        return Picked(
            unit, movement, None, [year], _("Year %(year)s") % {"year": year}, chosen, mapped_to
        )
    phase = next((p for p in phases if f"phase-{p.number}" == chosen), None)
    phase = phase or next((p for p in phases if p.start_year <= now.year <= p.end_year), None)
    phase = phase or (phases[-1] if phases else None)
    if phase is None:
        return Picked(unit, movement, None, [now.year], str(now.year), str(now.year), mapped_to)
    return Picked(
        unit,
        movement,
        phase,
        list(range(phase.start_year, phase.end_year + 1)),
        phase_label(phase),
        f"phase-{phase.number}",
        mapped_to,
    )


def phase_label(phase: Phase) -> str:
    return _("Phase %(number)s (%(first)s–%(last)s)") % {
        "number": phase.number,
        "first": phase.start_year,
        "last": phase.end_year,
    }


def choice_for(user: User, picked: Picked) -> Choice:
    """The unit's children in the user's scope, in natural order, on the structure shown."""
    day = picked.mapped_to or dt.date(picked.years[-1], 12, 31)
    scope = scope_for(user)
    ids = [i for i in tree.children_ids(picked.unit.pk, day) if scope.sees(i)]
    names = tree.names_at([picked.unit.pk, *ids], day)
    ids.sort(key=lambda i: vn_sort_key(names.get(i, "")))
    return Choice(picked.unit, picked.years, ids, names, picked.mapped_to)


def _period_choices(picked: Picked) -> list[tuple[str, str]]:
    if picked.movement is None:
        return [(picked.key, picked.label)]
    out = [(f"phase-{p.number}", phase_label(p)) for p in picked.movement.phases.order_by("number")]
    out += [
        (str(y), _("Year %(year)s") % {"year": y})
        for y in range(picked.movement.start_year, picked.movement.end_year + 1)
    ]
    return out


def _unit_choices(user: User, unit: OrgUnit, child_ids: list[int]) -> list[tuple[int, str]]:
    scope = scope_for(user)
    day = today()
    line = [i for i in tree.ancestor_ids(unit.pk, day) if scope.sees(i)]
    ids = list(dict.fromkeys([*(u.pk for u in scope.home_units), *line, unit.pk, *child_ids]))
    names = tree.names_at(ids, day)
    return [(i, names.get(i, "")) for i in ids if i in names]


@login_required
@require_GET
def dashboard(request: AuthedHttpRequest) -> HttpResponse:
    """The charts of a unit and its children over a phase or a year."""
    picked = pick(request)
    choice = choice_for(request.user, picked)
    built = charts.build(choice)
    query = request.GET.copy()
    query["unit"] = str(picked.unit.pk)
    query["period"] = picked.key
    context = {
        "picked": picked,
        "choice": choice,
        "unit_name": choice.names.get(picked.unit.pk, picked.unit.name),
        "charts": built,
        "heat": heat_rows(choice),
        "periods": [p for p in series.quarters(choice.years) if p.start <= today()],
        "period_choices": _period_choices(picked),
        "unit_choices": _unit_choices(request.user, picked.unit, choice.child_ids),
        "structure_label": (
            _("mapped onto the organisation structure on %(date)s")
            % {"date": format_vn_date(picked.mapped_to)}
            if picked.mapped_to
            else _("on the structure as it was when the figures were reported")
        ),
        "mapped": picked.mapped_to is not None,
        "xlsx_url": f"{reverse('dashboards:xlsx')}?{query.urlencode()}",
    }
    template = "dashboards/dashboard.html#page" if request.htmx else "dashboards/dashboard.html"
    return render(request, template, context)


def heat_rows(choice: Choice) -> list[tuple[int, str, list[series.HeatCell | None]]]:
    cells = series.heat_map(choice, today=today())
    periods = [p for p in series.quarters(choice.years) if p.start <= today()]
    return [
        (c, choice.names.get(c, ""), [cells[c].get(p.pk) for p in periods])
        for c in choice.child_ids
    ]


@login_required
@require_GET
def dashboard_xlsx(request: AuthedHttpRequest) -> HttpResponse:
    """The dashboard's charts as an .xlsx: one sheet per chart, its table and a native chart."""
    picked = pick(request)
    choice = choice_for(request.user, picked)
    built = [c for c in charts.build(choice) if not c.empty]
    title = f"{choice.names.get(picked.unit.pk, picked.unit.name)} — {picked.label}"
    data = exports.dashboard_workbook(built, title=title, today=today())
    response = HttpResponse(data, content_type=exports.XLSX)
    name = filename_slug(
        _("dashboard %(unit)s %(period)s") % {"unit": picked.unit.name, "period": picked.key}
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
