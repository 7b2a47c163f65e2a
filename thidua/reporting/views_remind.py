""" "Nhắc nộp" on the completeness board (issue 10, point 5): the level above reminds the
late units' reporters and heads, and the board shows when each unit was last reminded."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.accounts.access import get_unit_for_user, scope_for
from thidua.accounts.models import Role
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import today

from . import notices
from .catalogue import deadline_for
from .completeness import board_rows
from .models import Period, ReportForm

REMINDERS = {Role.REVIEWER, Role.COUNCIL_SECRETARY, Role.ADMIN}


@require_POST
@login_required
def remind(request: AuthedHttpRequest) -> HttpResponse:
    """Tell every late unit of the board (missing, draft or returned after the deadline)."""
    raw = {k: request.POST.get(k, "") for k in ("unit", "form", "period")}
    if not all(v.isdigit() for v in raw.values()):
        raise Http404
    unit = get_unit_for_user(request.user, int(raw["unit"]))
    scope = scope_for(request.user)
    if not scope.role_units(set(REMINDERS)) and not scope.is_admin:
        raise PermissionDenied
    form = ReportForm.objects.filter(pk=int(raw["form"])).first()
    period = Period.objects.filter(pk=int(raw["period"])).first()
    if form is None or period is None:
        raise Http404
    day = today()
    rows = board_rows(unit, form, period, scope, day)
    # The level above reminds those below it: not the board's own unit.
    late = [r for r in rows if r["overdue"] and r["unit"].pk != unit.pk]
    back = f"{reverse('reporting:completeness')}?form={form.pk}&period={period.pk}&unit={unit.pk}"
    if not late:
        messages.info(request, _("No unit is late on this board."))
        return redirect(back)
    reminded, told = notices.remind_late_units(
        form,
        period,
        [(r["unit"].pk, r["name"]) for r in late],
        deadline=deadline_for(form, period)[0],
        by=request.user,
        day=day,
    )
    messages.success(
        request,
        _(
            "Reminded %(units)d late units (%(people)d people); "
            "units reminded today are not told twice."
        )
        % {"units": reminded, "people": told},
    )
    return redirect(back)
