"""The dashboard (/dashboards/): charts of a unit in scope over a year or a phase, each with
its table and an .xlsx; and the phase review reports generated from the same figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from thidua.accounts.access import get_unit_for_user, scope_for
from thidua.accounts.models import User
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import InvalidDate, format_vn_date, parse_vn_date, today
from thidua.lib.text import filename_slug, vn_sort_key
from thidua.movements.models import Movement, Phase
from thidua.movements.scope import movement_for
from thidua.org import tree
from thidua.org.models import OrgUnit

from . import charts, exports, milestones, review_jobs, series
from .review_tasks import run_review_job
from .series import Choice, KeyIndicators

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

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
    notice: str = ""
    """Said above the page when the address asked for a phase, year or date that is not one."""


def home_unit(user: User) -> OrgUnit:
    scope = scope_for(user)
    home = [u.pk for u in scope.home_units] or (tree.roots(today()) if scope.is_admin else [])
    if not home:
        raise Http404
    return get_unit_for_user(user, home[0])


def pick(request: AuthedHttpRequest, params: QueryDict | None = None) -> Picked:
    """The unit (404 outside the user's scope), the phase or year (default: the phase of the
    current year) and the structure (default: today's) the request asks for."""
    data = request.GET if params is None else params
    raw = data.get("unit", "")
    if raw and not raw.isdigit():
        raise Http404
    unit = get_unit_for_user(request.user, int(raw)) if raw else home_unit(request.user)
    now = today()
    movement = movement_for(unit.pk, now.year, data.get("movement"))
    phases = list(movement.phases.order_by("number")) if movement else []
    chosen = data.get("period", "")
    mapped_to: dt.date | None = now
    notices = []
    if data.get("structure") == AS_WAS:
        mapped_to = None
    elif data.get("on"):
        try:
            mapped_to = parse_vn_date(str(data.get("on", "")))
        except InvalidDate:
            notices.append(
                _("“%(asked)s” is not a date (dd/mm/yyyy): the figures are on today's structure.")
                % {"asked": _shortened(str(data.get("on", "")))}
            )
    first, last = (movement.start_year, movement.end_year) if movement else (2000, 2100)
    if chosen.isdigit() and first <= int(chosen) <= last:
        year = int(chosen)
        label = _("Year %(year)s") % {"year": year}
        return Picked(unit, movement, None, [year], label, chosen, mapped_to, " ".join(notices))
    phase = next((p for p in phases if f"phase-{p.number}" == chosen), None)
    asked_wrong = bool(chosen) and phase is None
    phase = phase or next((p for p in phases if p.start_year <= now.year <= p.end_year), None)
    phase = phase or (phases[-1] if phases else None)
    if phase is None:
        picked = Picked(unit, movement, None, [now.year], str(now.year), str(now.year), mapped_to)
    else:
        picked = Picked(
            unit,
            movement,
            phase,
            list(range(phase.start_year, phase.end_year + 1)),
            phase_label(phase),
            f"phase-{phase.number}",
            mapped_to,
        )
    if asked_wrong:
        notices.insert(
            0,
            _("There is no phase or year “%(asked)s” in the movement: showing %(shown)s.")
            % {"asked": _shortened(chosen), "shown": picked.label},
        )
    picked.notice = " ".join(notices)
    return picked


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    keys = KeyIndicators.of(picked.movement)
    return Choice(picked.unit, picked.years, ids, names, picked.mapped_to, keys)


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
    with series.one_reading():
        built = charts.build(choice)
        heat = heat_rows(choice)
    query = request.GET.copy()
    query["unit"] = str(picked.unit.pk)
    query["period"] = picked.key
    context = {
        "picked": picked,
        "choice": choice,
        "unit_name": choice.names.get(picked.unit.pk, picked.unit.name),
        "charts": built,
        "heat": heat,
        "milestones": (
            milestones.states(picked.movement, today=today()) if picked.movement else []
        ),
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
        "review_url": (
            f"{reverse('dashboards:review_new')}?{query.urlencode()}" if picked.phase else ""
        ),
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


# --- phase review reports ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request: AuthedHttpRequest) -> HttpResponse:
    """Confirm (GET) and start (POST) the review report of a phase for a unit in scope."""
    picked = pick(request, request.POST if request.method == "POST" else request.GET)
    if picked.phase is None:
        messages.error(request, _("This unit takes part in no movement with phases."))
        return redirect("dashboards:dashboard")
    choice = choice_for(request.user, picked)
    if request.method == "POST":
        job = review_jobs.new_job(request.user.pk, choice, picked.phase)
        run_review_job(job.token)
        return redirect("dashboards:review_job", token=job.token)
    context = {
        "picked": picked,
        "unit_name": choice.names.get(picked.unit.pk, picked.unit.name),
        "children": [choice.names.get(c, "") for c in choice.child_ids],
        "phase_label": phase_label(picked.phase),
        "review_kind": picked.phase.get_review_display(),
    }
    return render(request, "dashboards/review_new.html", context)


def _job_for(request: AuthedHttpRequest, token: str) -> review_jobs.Job:
    job = review_jobs.load(token)
    if job is None or job.user_id != request.user.pk:
        raise Http404
    get_unit_for_user(request.user, job.unit_id)
    return job


@login_required
@require_GET
def review_job(request: AuthedHttpRequest, token: str) -> HttpResponse:
    """The job's progress (polled by htmx every second until finished), then the downloads."""
    job = _job_for(request, token)
    phase = Phase.objects.select_related("movement").filter(pk=job.phase_id).first()
    context = {
        "job": job,
        "unit_name": OrgUnit.objects.get(pk=job.unit_id).name,
        "phase_label": phase_label(phase) if phase else "",
    }
    template = (
        "dashboards/review_job.html#progress" if request.htmx else "dashboards/review_job.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def review_file(request: AuthedHttpRequest, token: str, kind: str) -> HttpResponse:
    job = _job_for(request, token)
    content = review_jobs.read_file(job, kind) if kind in ("docx", "pdf") else None
    if content is None:
        raise Http404
    types = {"docx": DOCX, "pdf": "application/pdf"}
    response = HttpResponse(content, content_type=types[kind])
    response["Content-Disposition"] = f'attachment; filename="{job.files[kind]}"'
    return response
