"""Awards pages, registration: the level above's consolidated list, a unit's title
registration (the titles ticked for the unit and its people), and its moves."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from thidua.accounts.access import get_unit_for_user, scope_for
from thidua.accounts.requests import AuthedHttpRequest
from thidua.evaluation.models import Programme
from thidua.evaluation.targets import programme_progress
from thidua.lib.dates import today
from thidua.movements.scope import movement_for
from thidua.org import tree
from thidua.org.models import OrgUnit, Person

from . import actions
from . import eligibility as engine
from .access import (
    can_approve_registration,
    can_edit_registration,
    get_registration_for_user,
    require,
)
from .forms import ReasonForm
from .models import Registration, Title, registration_due
from .views import fragment, scope_units, year_param


def movement_titles(unit_id: int, year: int, chosen: Any = None) -> QuerySet[Title]:
    """The titles the unit's movement in `year` uses (movements.scope.movement_for, `chosen`
    being the page's `movement` parameter), with the titles no movement claims, open to all."""
    movement = movement_for(unit_id, year, chosen)
    if movement is None:
        return Title.objects.all()
    return Title.objects.filter(Q(movements=movement) | Q(movements__isnull=True)).distinct()


@login_required
@require_GET
def registrations(request: AuthedHttpRequest) -> HttpResponse:
    """The level above's consolidated list: every unit below, its status and counts."""
    year = year_param(request, today().year)
    unit, unit_ids = scope_units(request, year)
    if unit is None:
        scope = scope_for(request.user)
        unit = scope.home_units[0] if scope.home_units else None
        if unit is None:
            raise Http404
        unit_ids = tree.subtree_ids(unit.pk, min(today(), engine.year_end(year))) or [unit.pk]
    assert unit_ids is not None
    data = actions.consolidated(unit_ids, year)
    units = (
        OrgUnit.objects.filter(id__in=unit_ids)
        .select_related("level")
        .order_by("level__rank", "code")
    )
    titles = list(movement_titles(unit.pk, year, request.GET.get("movement")).filter(kind="title"))
    codes = [t.code for t in titles]
    rows = [
        {
            "unit": u,
            "reg": data.get(u.pk),
            "counts": [data.get(u.pk, {}).get("counts", {}).get(c, 0) for c in codes],
        }
        for u in units
    ]
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(codes))]
    context = {
        "year": year,
        "years": [*range(today().year + 1, 2021, -1)],
        "unit": unit,
        "rows": rows,
        "titles": titles,
        "totals": totals,
    }
    return render(request, fragment(request, "awards/registrations.html", "table"), context)


def _registration_context(request: AuthedHttpRequest, reg: Registration) -> dict[str, Any]:
    staff = actions.unit_staff(reg.unit, reg.year)
    items = list(reg.items.select_related("title"))
    chosen = {(i.person_id, i.title.code) for i in items}
    offered = movement_titles(reg.unit_id, reg.year, request.GET.get("movement"))
    individual = list(offered.filter(subject="individual", kind="title"))
    collective = list(offered.filter(subject="collective", kind="title"))
    people = [
        {"person": p, "titles": [(t, (p.pk, t.code) in chosen) for t in individual]} for p in staff
    ]
    mine = request.user.person_id
    deadline = registration_due(reg.year)
    due = deadline.due_on(reg.year) if deadline else None
    programme = Programme.objects.filter(unit=reg.unit, year=reg.year).first()
    return {
        "reg": reg,
        "deadline": deadline,
        "due": due,
        "late": bool(due and reg.submitted_on and reg.submitted_on > due),
        "overdue": bool(due and not reg.submitted_on and today() > due),
        "programme": programme,
        "progress": programme_progress(programme) if programme else [],
        "people": people,
        "individual": individual,
        "collective": [(t, (None, t.code) in chosen) for t in collective],
        "can_edit": can_edit_registration(request.user, reg) and reg.is_editable,
        "can_approve": can_approve_registration(request.user, reg),
        "self_person": mine if mine in {p.pk for p in staff} and reg.is_editable else None,
        "count": len(items),
        "movement": request.GET.get("movement", ""),
    }


@login_required
def registration_page(request: AuthedHttpRequest, unit_id: int, year: int) -> HttpResponse:
    """GET shows the unit's registration; POST saves the titles ticked."""
    if request.method not in {"GET", "POST"}:
        return HttpResponse(status=405)
    if not 2019 <= year <= 2100:
        raise Http404
    unit = get_unit_for_user(request.user, unit_id)
    reg = Registration.objects.filter(unit=unit, year=year).first()
    if request.method == "GET":
        if reg is None:
            return render(request, "awards/registration_new.html", {"unit": unit, "year": year})
        return render(request, "awards/registration.html", _registration_context(request, reg))
    if reg is None:
        require(scope_for(request.user).writes(unit.pk))
        try:
            reg = actions.open_registration(unit, year, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("awards:registrations")
        return redirect("awards:registration", unit_id=unit.pk, year=year)
    return _save_registration(request, reg)


def _save_registration(request: AuthedHttpRequest, reg: Registration) -> HttpResponse:
    chosen_movement = request.POST.get("movement")
    titles = {t.code: t for t in movement_titles(reg.unit_id, reg.year, chosen_movement)}
    picked = [v.split(":") for v in request.POST.getlist("item")]
    # Items of titles this page does not offer (another movement's) are kept as they are.
    for item in reg.items.select_related("title").exclude(title__code__in=list(titles)):
        picked.append(["u" if item.person_id is None else str(item.person_id), item.title.code])
        titles.setdefault(item.title.code, item.title)
    try:
        if request.POST.get("self") and request.user.person_id:
            person = get_object_or_404(Person, pk=request.user.person_id)
            chosen = [titles[c] for p, c in picked if p == str(person.pk) and c in titles]
            actions.register_self(reg, person, chosen, by=request.user)
        else:
            require(can_edit_registration(request.user, reg))
            unit_titles = [titles[c] for p, c in picked if p == "u" and c in titles]
            people: dict[int, list[Title]] = {}
            for p, c in picked:
                if p.isdigit() and c in titles:
                    people.setdefault(int(p), []).append(titles[c])
            actions.save_registration(
                reg, unit_titles=unit_titles, person_titles=people, by=request.user
            )
        messages.success(request, _("The registration is saved."))
    except (ValidationError, ValueError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else _("Invalid choice.")
        messages.error(request, text)
    return redirect("awards:registration", unit_id=reg.unit_id, year=reg.year)


@login_required
@require_POST
def registration_move(request: AuthedHttpRequest, pk: int, to: str) -> HttpResponse:
    reg = get_registration_for_user(request.user, pk)
    if to == Registration.Status.SUBMITTED:
        require(can_edit_registration(request.user, reg))
    elif to in {Registration.Status.APPROVED, Registration.Status.RETURNED}:
        require(can_approve_registration(request.user, reg))
    else:
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.move_registration(reg, to, by=request.user, reason=reason)
        done = {
            Registration.Status.SUBMITTED: _(
                "The emulation registration of %(unit)s for %(year)s was sent to the level above."
            ),
            Registration.Status.APPROVED: _(
                "The emulation registration of %(unit)s for %(year)s was approved."
            ),
            Registration.Status.RETURNED: _(
                "The emulation registration of %(unit)s for %(year)s was returned to be mended."
            ),
        }[Registration.Status(to)]
        messages.success(request, done % {"unit": reg.unit.name, "year": reg.year})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("awards:registration", unit_id=reg.unit_id, year=reg.year)
