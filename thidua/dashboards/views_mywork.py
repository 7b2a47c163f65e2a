from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from thidua.accounts.access import scope_for
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import today
from thidua.reporting.models import Report

from .mywork import build_mywork


@login_required
@require_GET
def mywork(request: AuthedHttpRequest) -> HttpResponse:
    """The page every signed-in user lands on: the next step of each of their roles."""
    day = today()
    scope = scope_for(request.user, day)
    work = build_mywork(request.user, scope.units_by_role, day)
    return render(
        request,
        "dashboards/mywork.html",
        {"work": work, "today": day, "statuses": dict(Report.Status.choices)},
    )
