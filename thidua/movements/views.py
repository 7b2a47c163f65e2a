from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import today

from . import actions
from .access import can_edit, get_movement_for_user, movements_for_user
from .forms import AreaForm, MilestoneForm, MovementForm, PhaseForm
from .models import Milestone


@login_required
def movement_list(request: AuthedHttpRequest) -> HttpResponse:
    movements = movements_for_user(request.user).select_related("organisation")
    if len(movements) == 1 and not request.GET.get("all"):
        return redirect("movements:detail", pk=movements[0].pk)
    return render(
        request,
        "movements/list.html",
        {"movements": movements, "can_create": can_edit(request.user)},
    )


def _forms(data: Any = None) -> dict[str, forms.ModelForm]:  # type: ignore[type-arg]
    return {
        "phase_form": PhaseForm(data, prefix="phase"),
        "area_form": AreaForm(data, prefix="area"),
        "milestone_form": MilestoneForm(data, prefix="milestone"),
    }


@login_required
def movement_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    movement = get_movement_for_user(request.user, pk)
    context: dict[str, Any] = {
        "movement": movement,
        "phases": movement.phases.all(),
        "areas": movement.areas.prefetch_related("indicators"),
        # What the apps above link to the movement (reverse relations: no upward import).
        "report_forms": movement.report_forms.all(),
        "rubrics": movement.rubrics.all(),
        "titles": movement.titles.all(),
        "milestones": movement.milestones.select_related("phase"),
        "today": today(),
        "can_edit": can_edit(request.user, movement),
        "statuses": Milestone.Status.choices,
        **_forms(),
    }
    return render(request, "movements/detail.html", context)


@login_required
def movement_create(request: AuthedHttpRequest) -> HttpResponse:
    if not can_edit(request.user):
        raise Http404
    form = MovementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        movement = form.save(commit=False)
        movement.organisation = form.cleaned_data["organisation_code"]
        try:
            actions.save_movement(movement)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Movement created. Add its phases, content areas and milestones.")
            )
            return redirect("movements:detail", pk=movement.pk)
    return render(request, "movements/create.html", {"form": form})


@login_required
@require_POST
def movement_add(request: AuthedHttpRequest, pk: int, part: str) -> HttpResponse:
    movement = get_movement_for_user(request.user, pk, write=True)
    all_forms = _forms(request.POST)
    form = all_forms.get(f"{part}_form")
    if form is None:
        raise Http404
    if form.is_valid():
        obj = form.save(commit=False)
        obj.movement = movement
        adder: Any = {
            "phase": actions.add_phase,
            "area": actions.add_area,
            "milestone": actions.add_milestone,
        }[part]
        try:
            adder(obj)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        errors = [
            f"{form.fields[f].label if f in form.fields else ''}: {' '.join(str(m) for m in e)}"
            for f, e in form.errors.items()
        ]
        messages.error(request, "; ".join(errors))
    return redirect("movements:detail", pk=pk)


@login_required
@require_POST
def milestone_status(request: AuthedHttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    movement = get_movement_for_user(request.user, pk, write=True)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, movement=movement)
    try:
        actions.set_milestone_status(milestone, request.POST.get("status", ""), day=today())
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    if request.htmx:
        return render(
            request,
            "movements/detail.html#milestone-row",
            {
                "m": milestone,
                "today": today(),
                "movement": movement,
                "can_edit": True,
                "statuses": Milestone.Status.choices,
            },
        )
    return redirect("movements:detail", pk=pk)
