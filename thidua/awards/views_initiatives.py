"""Awards pages, initiatives: the register in scope and recording one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from thidua.accounts.access import get_unit_for_user, scope_for
from thidua.accounts.requests import AuthedHttpRequest
from thidua.org.models import Person

from . import actions
from .forms import InitiativeForm
from .models import Initiative
from .views import fragment


@login_required
def initiatives(request: AuthedHttpRequest) -> HttpResponse:
    """The register of initiatives in scope; POST records one."""
    if request.method not in {"GET", "POST"}:
        return HttpResponse(status=405)
    scope = scope_for(request.user)
    qs = Initiative.objects.select_related("unit", "used_for__title").prefetch_related("authors")
    if scope.unit_ids is not None:
        qs = qs.filter(unit_id__in=scope.unit_ids)
    form = InitiativeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _record_initiative(request, form):
            return redirect("awards:initiatives")
        status = 400
    page = Paginator(qs.order_by("-recognised_on", "id"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "levels": Initiative.level_choices(scope.home_units[0] if scope.home_units else None),
        "units": [u for u in scope.home_units if scope.writes(u.pk)],
    }
    return render(
        request, fragment(request, "awards/initiatives.html", "table"), context, status=status
    )


def _record_initiative(request: AuthedHttpRequest, form: InitiativeForm) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    unit = get_unit_for_user(request.user, data["unit"], write=True)
    authors = list(Person.objects.filter(code__in=data["authors"]))
    missing = set(data["authors"]) - {a.code for a in authors}
    if missing:
        form.add_error(
            "authors", _("Unknown staff codes: %(codes)s") % {"codes": ", ".join(sorted(missing))}
        )
        return False
    try:
        actions.record_initiative(
            title=data["title"],
            authors=authors,
            unit=unit,
            level=data["level"],
            recognised_on=data["recognised_on"],
            recognised_by=data["recognised_by"],
            decision_ref=data["decision_ref"],
            by=request.user,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    messages.success(request, _("The initiative is recorded."))
    return True
