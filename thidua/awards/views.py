"""Awards pages, eligibility: the overview, the catalogue, candidate lists with reasons, a
person's eligibility, the sector recompute and thematic commendation. Registration, proposals
and initiatives have their own views_*.py; the helpers shared by them are here."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from thidua.accounts.access import get_person_for_user, get_unit_for_user, require_admin, scope_for
from thidua.accounts.requests import AuthedHttpRequest
from thidua.evaluation import board
from thidua.lib.dates import InvalidDate, parse_vn_date, today
from thidua.movements.access import movements_for_user
from thidua.org import tree
from thidua.org.body import JOINED_ON_LABEL, profile_for
from thidua.org.models import OrgUnit

from . import actions
from . import eligibility as engine
from .access import can_propose
from .catalogue import first_title_of, rule_for
from .models import (
    AwardRecord,
    BaseSalary,
    EligibilityResult,
    Initiative,
    LawTitle,
    Title,
    TitleRule,
)
from .reasons import show
from .verdicts import check_person

THEMATIC_ROWS = 20


def year_param(request: AuthedHttpRequest, default: int | None = None) -> int:
    text = request.GET.get("year", "")
    if text.isdigit() and 2019 <= int(text) <= 2100:
        return int(text)
    return default or today().year - 1


def years_offered() -> list[int]:
    return list(range(today().year, 2021, -1))


def fragment(request: AuthedHttpRequest, template: str, name: str) -> str:
    return f"{template}#{name}" if getattr(request, "htmx", False) else template


@login_required
@require_GET
def index(request: AuthedHttpRequest) -> HttpResponse:
    year = year_param(request)
    scope = scope_for(request.user)
    rows = EligibilityResult.objects.filter(year=year, outcome="eligible")
    if scope.unit_ids is not None:
        rows = rows.filter(home_unit_id__in=scope.unit_ids)
    counts = Counter(dict(rows.values_list("title__code").annotate(n=_count()).order_by()))
    titles = [(t, counts.get(t.code, 0)) for t in Title.objects.filter(kind="title")]
    context = {
        "year": year,
        "years": years_offered(),
        "titles": titles,
        "home_units": scope.home_units,
    }
    return render(request, "awards/index.html", context)


def _count() -> Any:
    from django.db.models import Count

    return Count("id")


@login_required
@require_GET
def catalogue(request: AuthedHttpRequest) -> HttpResponse:
    """Titles and forms with the rule in force on a date, the base salary and the amount."""
    try:
        day = parse_vn_date(request.GET["on"]) if request.GET.get("on") else today()
    except InvalidDate:
        messages.error(
            request, _("“%(text)s” is not a date. Write dd/mm/yyyy.") % {"text": request.GET["on"]}
        )
        day = today()
    salary = BaseSalary.objects.at(day).first()
    rules = {r.title_id: r for r in TitleRule.objects.at(day)}
    rows = []
    for title in Title.objects.all():
        rule = rules.get(title.pk)
        amount = engine.cash_amount(rule.cash_multiple, salary.amount) if rule and salary else None
        threshold = rule.vote_threshold * 100 if rule and rule.vote_threshold else None
        rows.append({"title": title, "rule": rule, "amount": amount, "threshold": threshold})
    context = {"rows": rows, "day": day, "salary": salary, "salaries": BaseSalary.objects.all()}
    return render(request, "awards/catalogue.html", context)


def scope_units(request: AuthedHttpRequest, year: int) -> tuple[OrgUnit | None, list[int] | None]:
    """The unit chosen (?unit=) and its subtree at the end of the year, or the whole scope."""
    text = request.GET.get("unit", "")
    if text.isdigit():
        unit = get_unit_for_user(request.user, int(text))
        return unit, tree.subtree_ids(unit.pk, engine.year_end(year)) or [unit.pk]
    scope = scope_for(request.user)
    return None, None if scope.unit_ids is None else list(scope.unit_ids)


@login_required
@require_GET
def candidates(request: AuthedHttpRequest) -> HttpResponse:
    """The candidates the data proposes for a title, a year and a unit's subtree, with the
    reasons; refusals and holds too when asked (?outcome=)."""
    year = year_param(request)
    code = request.GET.get("title") or first_title_of(LawTitle.BASE_FIGHTER)
    title = Title.objects.filter(code=code).first()
    if title is None:
        raise Http404
    unit, unit_ids = scope_units(request, year)
    outcome = request.GET.get("outcome", "eligible")
    rows = EligibilityResult.objects.filter(year=year, title=title).select_related(
        "person", "unit", "home_unit"
    )
    if outcome in {o.value for o in engine.Outcome}:
        rows = rows.filter(outcome=outcome)
    if unit_ids is not None:
        rows = rows.filter(home_unit_id__in=unit_ids)
    page = Paginator(rows.order_by("home_unit__code", "person__sort_key", "unit__code"), 50)
    page_obj = page.get_page(request.GET.get("page"))
    for row in page_obj:
        row.shown = show(row.reasons)  # type: ignore[attr-defined]
    rule = rule_for(title, year)
    context = {
        "page": page_obj,
        "title": title,
        "titles": Title.objects.filter(kind="title"),
        "year": year,
        "years": years_offered(),
        "unit": unit,
        "outcome": outcome,
        "rule": rule,
        "outcomes": [(o.value, o) for o in engine.Outcome],
        "can_propose": unit is not None and can_propose(request.user, unit.pk),
    }
    return render(request, fragment(request, "awards/candidates.html", "results"), context)


@login_required
@require_GET
def person_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A person's answer for every individual title of a year, computed now, with reasons."""
    person = get_person_for_user(request.user, pk)
    year = year_param(request)
    verdicts = []
    for title in Title.objects.filter(subject="individual"):
        v = check_person(person, title, year)
        verdicts.append(
            {"title": title, "verdict": v, "shown": show([r.as_json() for r in v.reasons])}
        )
    context = {
        "person": person,
        "year": year,
        "years": years_offered(),
        "verdicts": verdicts,
        "awards": AwardRecord.objects.filter(person=person)
        .select_related("title")
        .order_by("-year"),
        "initiatives": Initiative.objects.filter(authors=person),
        "ratings": person.ratings.order_by("-year"),
        "joined_on_label": JOINED_ON_LABEL,
    }
    return render(request, fragment(request, "awards/person.html", "verdicts"), context)


@login_required
@require_POST
def recompute(request: AuthedHttpRequest) -> HttpResponse:
    """Administrators recompute a year's eligibility for the sector."""
    require_admin(request.user)
    year = request.POST.get("year", "")
    if not (year.isdigit() and 2019 <= int(year) <= today().year):
        messages.error(request, _("Choose a year."))
        return redirect("awards:index")
    count = actions.recompute_eligibility(int(year), by=request.user)
    messages.success(
        request, _("%(count)s answers recomputed for %(year)s.") % {"count": count, "year": year}
    )
    return redirect(f"{_url('awards:index')}?year={year}")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@login_required
@require_GET
def thematic(request: AuthedHttpRequest) -> HttpResponse:
    """Thematic commendation for the phase reviews (sơ kết 2025, tổng kết 2030): the units in
    scope with the best THTK-CLP results over the whole phase (evaluation.board), still in
    operation at the review, each with a link proposing it for a collective Bằng khen by the
    unit above it."""
    movement = board.phase_movement(request.GET.get("movement"), movements_for_user(request.user))
    phases = board.phases(movement)
    phase = request.GET.get("phase", "")
    if phase not in phases:
        phase = next(iter(phases), "")
    first, last = phases.get(phase, (today().year, today().year))
    day = min(today(), engine.year_end(last))
    found = board.phase_candidates(
        first, last, scope_for(request.user).unit_ids, limit=200, movement=movement
    )
    open_ids = set(
        OrgUnit.objects.at(day)
        .filter(id__in=[c.unit_id for c in found])
        .values_list("id", flat=True)
    )
    kept = [c for c in found if c.unit_id in open_ids][:THEMATIC_ROWS]
    names = tree.names_at([c.unit_id for c in kept], day)
    rows = []
    for c in kept:
        line = tree.ancestor_ids(c.unit_id, day)
        parent = line[-1] if line else None
        rows.append(
            {
                "candidate": c,
                "name": names.get(c.unit_id, c.code),
                "parent": parent,
                "can_propose": parent is not None and can_propose(request.user, parent),
            }
        )
    home = scope_for(request.user).home_units
    profile = profile_for(home[0] if home else None)  # the title code of the body's own award
    context = {
        "phase": phase,
        "phases": list(phases),
        "review_year": last,
        "rows": rows,
        "form_code": profile.thematic_award_form,
    }
    return render(request, "awards/thematic.html", context)
