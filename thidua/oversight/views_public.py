"""The public pages of the anonymous waste reports (/public/phan-anh/), open to anyone without
signing in: the form, the receipt (code and secret shown once), the status page with the
exchange of messages, and the monthly counts per province.

Nothing about the sender is kept: no session is used (no flash messages), the code and the
secret travel only in POST bodies (never in a URL, so never in an access log or the
browser's history), the connection's address only feeds the in-memory throttle
(anonymity.py). An unknown code and a wrong secret get the same page after the same work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from thidua.lib.dates import today
from thidua.lib.filetypes import RefusedFile
from thidua.lib.numbers import format_vn_number
from thidua.lib.uploads import guard_upload, too_large_message, upload_too_large
from thidua.org import tree
from thidua.org.models import OrgUnit

from . import anonymity, reports
from .forms_reports import AccessForm, ReportForm, SenderMessageForm
from .queries import waste_report_counts

TOTAL_LIMIT = reports.MAX_FILES * reports.MAX_FILE_BYTES


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _units(query: str) -> list[Any]:
    if len(query.strip()) < 2:
        return []
    return tree.search_units(query[:100], today())[:30]


def _question(form: ReportForm | None) -> anonymity.Question:
    if form is not None and form.is_bound:
        shown = anonymity.question_for(str(form.data.get("token", "")))
        if shown is not None:
            return shown
    return anonymity.new_question()


def _form_page(
    request: HttpRequest,
    form: ReportForm,
    errors: list[str],
    query: str,
    status: int = 200,
) -> HttpResponse:
    chosen = form.data.get("unit") if form.is_bound else None
    found = _units(query)
    if chosen and str(chosen).isdigit() and all(str(u.pk) != chosen for u in found):
        found = [*OrgUnit.objects.at(today()).filter(pk=int(str(chosen))), *found]
    context = {
        "form": form,
        "errors": errors,
        "q": query,
        "found": found,
        "searched": len(query.strip()) >= 2,
        "chosen": str(chosen or ""),
        "question": _question(form),
        "max_files": reports.MAX_FILES,
        "max_mb": format_vn_number(reports.MAX_FILE_BYTES / (1024 * 1024), 0),
    }
    return _private(render(request, "oversight/public/report_form.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
@guard_upload(TOTAL_LIMIT)
def report_form(request: HttpRequest) -> HttpResponse:
    """Step 1 (GET ?q=): find the unit; step 2 (POST): send the report."""
    if request.method != "POST":
        return _form_page(request, ReportForm(), [], request.GET.get("q", ""))
    query = request.POST.get("q", "")
    if upload_too_large(request):
        form = ReportForm(request.POST)
        return _form_page(request, form, [too_large_message(reports.MAX_FILE_BYTES)], query, 400)
    form = ReportForm(request.POST)
    errors: list[str] = []
    if not anonymity.SUBMISSIONS.allow(anonymity.source_of(request.META)):
        errors.append(_("Too many reports were sent from here just now; try again later."))
        return _form_page(request, form, errors, query, 429)
    valid = form.is_valid()
    if str(request.POST.get("website", "")):
        errors.append(_("The form could not be accepted; leave the last field empty."))
    if valid and not anonymity.check_answer(
        form.cleaned_data["token"], form.cleaned_data["answer"]
    ):
        form.add_error("answer", _("The answer to the check question is not right."))
    uploads = request.FILES.getlist("files")
    if len(uploads) > reports.MAX_FILES:
        errors.append(_("Attach at most %(n)s files.") % {"n": reports.MAX_FILES})
    cleaned: list[reports.CleanFile] = []
    for upload in uploads[: reports.MAX_FILES]:
        if upload.size is not None and upload.size > reports.MAX_FILE_BYTES:
            errors.append(too_large_message(reports.MAX_FILE_BYTES))
            continue
        try:
            cleaned.append(reports.clean_file(upload.read()))
        except RefusedFile:
            errors.append(
                _("A file was refused: attach only photos (JPEG, PNG, WebP) or PDF documents.")
            )
    if errors or not form.is_valid():
        return _form_page(request, form, errors, query, 400)
    receipt = reports.submit_report(form.cleaned_data["unit"], form.cleaned_data["text"], cleaned)
    context = {"report": receipt.report, "secret": receipt.secret}
    return _private(render(request, "oversight/public/receipt.html", context))


def _status_page(
    request: HttpRequest, form: AccessForm, report: Any, errors: list[str], status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "report": report, "errors": errors}
    if report is not None:
        context["messages_"] = report.messages.all()
        context["history"] = report.history.all()
        context["files"] = report.files.count()
        context["reply"] = SenderMessageForm(initial=form.cleaned_data)
    return _private(render(request, "oversight/public/status.html", context, status=status))


NOT_FOUND = "not_found"


@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """Code + secret → state, messages and a reply form; the same answer for an unknown code
    and a wrong secret."""
    if request.method != "POST":
        return _status_page(request, AccessForm(), None, [])
    if not anonymity.LOOKUPS.allow(anonymity.source_of(request.META)):
        msg = _("Too many attempts from here just now; try again later.")
        return _status_page(request, AccessForm(), None, [msg], 429)
    writing = "message" in request.POST
    form: AccessForm = SenderMessageForm(request.POST) if writing else AccessForm(request.POST)
    access = AccessForm(request.POST)
    if not access.is_valid():
        return _status_page(request, AccessForm(request.POST), None, [], 400)
    report = reports.open_report(access.cleaned_data["code"], access.cleaned_data["secret"])
    if report is None:
        msg = _("No report matches this code and secret. Check both and try again.")
        return _status_page(request, AccessForm(), None, [msg], 404)
    errors: list[str] = []
    if writing:
        if form.is_valid():
            reports.sender_writes(report, form.cleaned_data["message"])
        else:
            errors = [str(e) for e in form.errors.get("message", [])]
    return _status_page(request, access, report, errors, 400 if errors else 200)


@require_safe
def counts(request: HttpRequest) -> HttpResponse:
    """Reports received, under review, confirmed and dismissed per province and month."""
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    year = year or today().year
    rows = waste_report_counts(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    context = {
        "rows": rows,
        "year": year,
        "years": range(today().year - 2, today().year + 1),
    }
    return render(request, "oversight/public/counts.html", context)
