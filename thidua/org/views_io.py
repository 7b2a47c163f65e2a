"""Import and export pages: administrators upload the tree (as dated events) or staff records
as .xlsx/.csv; any logged-in user downloads what their scope lets them see."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from thidua.accounts.access import require_admin, scope_for
from thidua.accounts.models import User
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import InvalidDate, parse_vn_date, today
from thidua.lib.spreadsheets import (
    SpreadsheetError,
    Table,
    read_table,
    too_large_message,
    upload_limit,
)
from thidua.lib.uploads import SizeLimitHandler

from . import exports, imports
from .forms import WHAT, ImportUploadForm
from .models import Reorganisation


@require_http_methods(["GET", "POST"])
@login_required
@csrf_exempt
def io_page(request: AuthedHttpRequest) -> HttpResponse:
    """Administrators only (404 otherwise). The size guard is installed before the upload is
    parsed; CSRF is then checked as usual."""
    require_admin(request.user)
    guard = SizeLimitHandler(request, upload_limit())
    request.upload_handlers = [guard, *request.upload_handlers]
    return _checked_io_page(request, guard)


@csrf_protect
def _checked_io_page(request: AuthedHttpRequest, guard: SizeLimitHandler) -> HttpResponse:
    """GET shows the upload forms and export links; POST imports one file: on success a
    message and a redirect, otherwise the row-numbered problems and nothing written."""
    uploads = {what: ImportUploadForm(initial={"what": what}) for what in WHAT}
    what = request.POST.get("what", "")
    if request.method != "POST":
        return render(request, "org/io.html", _context(uploads, [], ""))
    if what == "people_confirm":
        return _confirm_people(request, uploads)
    if guard.exceeded:
        return render(request, "org/io.html", _context(uploads, [too_large_message()], what))
    form = ImportUploadForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        result, table = _import(what, form.cleaned_data["file"], request.user)
        if result.pending and table is not None:
            return _show_preview(request, uploads, result, table)
        if result.ok:
            messages.success(request, _summary(what, result.counts))
            return redirect("org:io")
        errors = result.errors
    elif what not in uploads:
        errors = [_("Choose what to import: the organisation tree or staff records.")]
    if what in uploads:
        uploads[what] = form
    return render(request, "org/io.html", _context(uploads, errors, what))


PENDING_KEY = "org_people_import"
"""Where the session keeps a staff file between its preview and its confirmation."""


def _show_preview(
    request: AuthedHttpRequest,
    uploads: dict[str, ImportUploadForm],
    result: imports.ImportResult,
    table: Table,
) -> HttpResponse:
    """The staff file updates existing records: nothing written; the page lists each change
    (old → new) and asks for confirmation. The checked rows wait in the session."""
    assert result.preview is not None
    request.session[PENDING_KEY] = {
        "table": imports.table_to_data(table),
        "digest": result.preview.digest(),
    }
    context = _context(uploads, [], "")
    context |= {"preview": result.preview, "stale": result.stale}
    return render(request, "org/io.html", context)


def _confirm_people(
    request: AuthedHttpRequest, uploads: dict[str, ImportUploadForm]
) -> HttpResponse:
    """Apply the previewed staff file, all or nothing, if its changes are still the ones
    shown; otherwise show the new preview again."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        messages.error(request, _("Nothing to confirm: upload the staff file again."))
        return redirect("org:io")
    table = imports.table_from_data(pending["table"])
    confirmed = request.POST.get("confirm") == "yes"
    if not confirmed:
        messages.error(request, _("Tick the box to confirm the updates, or cancel."))
    result = imports.import_people(
        table,
        confirm_updates=confirmed,
        expect=pending["digest"],
        scope_units=_scope_units(request),
    )
    if result.pending:
        return _show_preview(request, uploads, result, table)
    del request.session[PENDING_KEY]
    if not result.ok:
        return render(request, "org/io.html", _context(uploads, result.errors, "people"))
    messages.success(request, _summary("people", result.counts))
    return redirect("org:io")


def _scope_units(request: AuthedHttpRequest) -> frozenset[int] | None:
    """The units whose staff the user may update (None: every unit)."""
    return scope_for(request.user).writable_ids


def _import(
    what: str, upload: UploadedFile, user: User
) -> tuple[imports.ImportResult, Table | None]:
    """Read the uploaded file and run the import for `what` (with the file read)."""
    if what == "units":
        columns, required = imports.UNIT_COLUMNS, imports.UNIT_REQUIRED
    else:
        columns, required = imports.PERSON_COLUMNS, imports.PERSON_REQUIRED
    try:
        table = read_table(
            upload.name or "", upload.read(), prefer=imports.header_matches(columns, required)
        )
    except SpreadsheetError as exc:
        return imports.ImportResult(errors=[str(exc)]), None
    if what == "units":
        return imports.import_units(table, by=user), table
    return imports.import_people(table, scope_units=scope_for(user).writable_ids), table


def _summary(what: str, counts: Counter[str]) -> str:
    """The success message: what was written, by kind."""
    if what == "people":
        return _(
            "Staff records imported: %(created)s created, %(updated)s updated, %(positions)s "
            "positions recorded."
        ) % {
            "created": counts["created"],
            "updated": counts["updated"],
            "positions": counts["position"],
        }
    detail = ", ".join(
        f"{label}: {counts[kind]}" for kind, label in Reorganisation.Kind.choices if counts[kind]
    )
    return _("Tree imported: %(n)s events recorded (%(detail)s).") % {
        "n": counts.total(),
        "detail": detail or "0",
    }


def _context(uploads: dict[str, ImportUploadForm], errors: list[str], what: str) -> dict[str, Any]:
    """Everything io.html shows, including the documented columns and their aliases."""

    def described(columns: tuple[imports.Column, ...]) -> list[dict[str, Any]]:
        return [{"key": c.key, "label": c.label, "aliases": ", ".join(c.aliases)} for c in columns]

    return {
        "uploads": uploads,
        "errors": errors,
        "failed": WHAT.get(what, ""),
        "unit_columns": described(imports.UNIT_COLUMNS),
        "person_columns": described(imports.PERSON_COLUMNS),
        "events": [
            (k, label, ", ".join(imports.EVENT_ALIASES[k]))
            for k, label in Reorganisation.Kind.choices
        ],
        "limit_mb": upload_limit() // (1024 * 1024),
        "today": today(),
    }


# --- downloads -------------------------------------------------------------------------------


def _download(export: exports.Export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _back(request: AuthedHttpRequest) -> HttpResponse:
    """Where to return after a refused download: the import page for administrators."""
    return redirect(
        "org:io" if scope_for(request.user).is_admin or request.user.is_superuser else "org:tree"
    )


def _export_day(request: AuthedHttpRequest) -> dt.date | None:
    """?date=dd/mm/yyyy, today when absent; None (with a message) when not a real date."""
    raw = request.GET.get("date", "").strip()
    if not raw:
        return today()
    try:
        return parse_vn_date(raw)
    except InvalidDate:
        messages.error(
            request,
            _("“%(text)s” is not a real date; use dd/mm/yyyy, e.g. 05/03/2025.") % {"text": raw},
        )
        return None


@require_GET
@login_required
def export_units(request: AuthedHttpRequest, fmt: str) -> HttpResponse:
    """The tree on ?date= (and its events) as .xlsx, or as .csv (?what=events for events)."""
    if fmt not in exports.FORMATS:
        raise Http404
    day = _export_day(request)
    if day is None:
        return _back(request)
    what = "events" if request.GET.get("what") == "events" else "units"
    return _download(exports.export_units(request.user, day, fmt, what))


@require_GET
@login_required
def export_people(request: AuthedHttpRequest, fmt: str) -> HttpResponse:
    """The staff records the user may see, in the staff import format."""
    if fmt not in exports.FORMATS:
        raise Http404
    return _download(exports.export_people(request.user, fmt))
