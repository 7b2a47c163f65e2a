"""Excel round trip pages: download a report's template; upload filled templates (one file or a
zip) that are imported in the background while the page shows the progress."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import today
from thidua.lib.spreadsheets import too_large_message, upload_limit
from thidua.lib.uploads import SizeLimitHandler

from . import tasks, uploads
from .access import get_report_for_user, reports_for_user
from .excel import XLSX, build_template, template_filename
from .forms import ExcelUploadForm
from .models import ImportJob, Report


@require_GET
@login_required
def template_download(request: AuthedHttpRequest, report_pk: int) -> HttpResponse:
    """The report's template, filled with its current figures."""
    report = get_report_for_user(request.user, report_pk)
    response = HttpResponse(build_template(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{template_filename(report)}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
@csrf_exempt
def upload_page(request: AuthedHttpRequest) -> HttpResponse:
    """The size guard is installed before the upload is parsed; CSRF is then checked."""
    guard = SizeLimitHandler(request, upload_limit())
    request.upload_handlers = [guard, *request.upload_handlers]
    return _checked_upload(request, guard)


@csrf_protect
def _checked_upload(request: AuthedHttpRequest, guard: SizeLimitHandler) -> HttpResponse:
    """GET: the form (for one report with ?report=). POST: store the file, queue the import
    and go to the job's progress page."""
    report = _report_from(request)
    uploads.fail_stalled_jobs(timezone.now(), by=request.user)
    if request.method != "POST":
        return render(
            request, "reporting/excel_upload.html", _context(request, ExcelUploadForm(), report)
        )
    form = ExcelUploadForm(request.POST, request.FILES)
    if guard.exceeded:
        form.add_error(None, too_large_message())
    elif form.is_valid():
        job = uploads.create_job(
            form.cleaned_data["file"], by=request.user, report=report, language=get_language()
        )
        tasks.run_import_job(job.pk)
        return redirect("reporting:excel_job", pk=job.pk)
    return render(request, "reporting/excel_upload.html", _context(request, form, report))


def _report_from(request: AuthedHttpRequest) -> Report | None:
    raw = request.GET.get("report") or ""
    return get_report_for_user(request.user, int(raw)) if raw.isdigit() else None


@require_GET
@login_required
def job_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """An upload's progress and results; htmx polls the progress fragment every second. A job
    whose worker was stopped is closed here too (the worker may be down for good)."""
    uploads.fail_stalled_jobs(timezone.now(), by=request.user)
    job = get_object_or_404(
        ImportJob.objects.select_related("report"), pk=pk, created_by_id=request.user.pk
    )
    context = _context(request, ExcelUploadForm(), job.report) | _job_context(job)
    if request.htmx:
        return render(request, "reporting/excel_upload.html#progress", context)
    return render(request, "reporting/excel_upload.html", context)


def _job_context(job: ImportJob) -> dict[str, Any]:
    counts = uploads.summary(job.results)
    return {
        "job": job,
        "stalled": job.status == ImportJob.Status.FAILED and counts["pending"] > 0,
        "counts": counts,
    }


def _context(
    request: AuthedHttpRequest, form: ExcelUploadForm, report: Report | None
) -> dict[str, Any]:
    return {
        "form": form,
        "report": report,
        "reports": _my_open_reports(request.user),
        "jobs": ImportJob.objects.filter(created_by_id=request.user.pk)[:10],
        "limit_mb": upload_limit() // (1024 * 1024),
    }


def _my_open_reports(user: User) -> list[Report]:
    """Reports the user enters figures for and that are open for entry (for their templates)."""
    units = RoleAssignment.objects.at(today()).filter(
        user=user, role__in=[Role.REPORTER, Role.UNIT_HEAD]
    )
    return list(
        reports_for_user(user)
        .filter(unit_id__in=units.values("unit_id"), status__in=Report.EDITABLE)
        .order_by("-period__end", "unit__code", "form__code")[:50]
    )
