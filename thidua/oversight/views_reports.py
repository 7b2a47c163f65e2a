"""The handler's side of the anonymous waste reports: a report with its files, messages and
triage; the supervisor moves it with a reason and answers the sender."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from thidua.accounts.requests import AuthedHttpRequest

from . import reports
from .access import get_report_for_user
from .forms_reports import ReplyForm, ReportMoveForm
from .models import Finding, FindingState
from .reports import report_finding_key


@login_required
@require_safe
def report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    r = get_report_for_user(request.user, pk)
    context = {
        "r": r,
        "files": r.files.defer("content"),
        "thread": r.messages.select_related("by"),
        "history": r.history.select_related("by"),
        "open": r.status in (FindingState.NEW, FindingState.REVIEW, FindingState.EXPLAINED),
        "reply_form": ReplyForm(),
        "move_form": ReportMoveForm(),
        "finding": Finding.objects.filter(key=report_finding_key(r), unit_id=r.unit_id).first(),
    }
    return render(request, "oversight/report.html", context)


@login_required
@require_safe
def report_file(request: AuthedHttpRequest, pk: int, file_id: int) -> HttpResponse:
    r = get_report_for_user(request.user, pk)
    f = r.files.filter(pk=file_id).first()
    if f is None:
        raise Http404
    response = HttpResponse(bytes(f.content), content_type=f.content_type)
    response["Content-Disposition"] = f'attachment; filename="phan-anh-{r.pk}-{f.pk}.{f.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def report_reply(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    r = get_report_for_user(request.user, pk)
    try:
        reports.handler_replies(r, request.POST.get("text", ""), by=request.user)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Your answer is saved; the sender reads it with the code."))
    return redirect("oversight:report", r.pk)


@login_required
@require_POST
def report_move(request: AuthedHttpRequest, pk: int, to: str) -> HttpResponse:
    r = get_report_for_user(request.user, pk)
    if to not in (FindingState.REVIEW, FindingState.CONFIRMED, FindingState.DISMISSED):
        raise Http404
    form = ReportMoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("deadline", [_("Check the form.")])[0])
        reports.move_report(
            r,
            to,
            by=request.user,
            reason=form.cleaned_data["reason"],
            deadline=form.cleaned_data["deadline"],
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(
            request, _("The report is now: %(state)s.") % {"state": r.get_status_display()}
        )
    return redirect("oversight:report", r.pk)
