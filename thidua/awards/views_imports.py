"""Awards pages, imports: staff ratings, discipline and initiatives from a spreadsheet, for the
administrator and unit heads within their units. Download a template, upload, check the
preview (created, updated old → new, problems by row), confirm; nothing is written before."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.spreadsheets import SpreadsheetError, read_table, upload_limit
from thidua.lib.uploads import guard_upload, too_large_message, upload_too_large
from thidua.org.imports import header_matches, table_from_data, table_to_data
from thidua.org.imports.common import ImportResult

from .access import staff_fact_units
from .imports import KINDS, ImportKind, ImportScope, run_import

PENDING_KEY = "awards_staff_import"
"""Where the session keeps a checked file between its preview and its confirmation."""


def _kind(key: str) -> ImportKind:
    kind = KINDS.get(key)
    if kind is None:
        raise Http404
    return kind


def _scope(request: AuthedHttpRequest) -> ImportScope:
    return ImportScope(staff_fact_units(request.user))


def _page(
    request: AuthedHttpRequest, errors: list[str] | None = None, failed: str = "", status: int = 200
) -> HttpResponse:
    kinds = [
        {
            "key": k.key,
            "title": k.title,
            "columns": [
                {"label": c.label, "note": k.notes.get(c.key, ""), "required": c.key in k.required}
                for c in k.columns
            ],
        }
        for k in KINDS.values()
    ]
    context = {
        "kinds": kinds,
        "errors": errors or [],
        "failed": KINDS[failed].title if failed in KINDS else "",
        "failed_key": failed,
        "limit_mb": upload_limit() // (1024 * 1024),
    }
    return render(request, "awards/imports.html", context, status=status)


@login_required
@require_GET
def imports_page(request: AuthedHttpRequest) -> HttpResponse:
    """The three imports: template, upload, format."""
    _scope(request)
    return _page(request)


@login_required
@require_GET
def template(request: AuthedHttpRequest, key: str) -> HttpResponse:
    """The empty .xlsx of one import: Vietnamese headers and a note row."""
    _scope(request)
    kind = _kind(key)
    response = HttpResponse(
        kind.template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind.key}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
@guard_upload(upload_limit)
def upload(request: AuthedHttpRequest, key: str) -> HttpResponse:
    """Check an uploaded file and show what it would do; nothing is written."""
    scope = _scope(request)
    kind = _kind(key)
    if upload_too_large(request):
        return _page(request, [too_large_message(upload_limit())], key, status=400)
    file = request.FILES.get("file")
    if file is None:
        return _page(request, [_("Choose a .xlsx or .csv file to import.")], key, status=400)
    try:
        table = read_table(
            file.name or "", file.read(), prefer=header_matches(kind.columns, kind.required)
        )
    except SpreadsheetError as exc:
        return _page(request, [str(exc)], key, status=400)
    result = run_import(kind, table, scope, by=request.user)
    if not result.pending:
        return _page(request, result.errors, key, status=400)
    request.session[PENDING_KEY] = {"kind": key, "table": table_to_data(table), "digest": ""}
    return _preview(request, kind, result)


def _preview(request: AuthedHttpRequest, kind: ImportKind, result: ImportResult) -> HttpResponse:
    """The preview page; the digest of what it shows is what the confirmation applies."""
    assert result.preview is not None
    pending = request.session[PENDING_KEY]
    pending["digest"] = result.preview.digest()
    request.session.modified = True
    context: dict[str, Any] = {
        "kind": kind,
        "preview": result.preview,
        "stale": result.stale,
    }
    return render(request, "awards/import_preview.html", context)


@login_required
@require_http_methods(["POST"])
def confirm(request: AuthedHttpRequest, key: str) -> HttpResponse:
    """Apply the previewed file, all or nothing, if it still does what the preview showed."""
    scope = _scope(request)
    kind = _kind(key)
    pending = request.session.get(PENDING_KEY)
    if not pending or pending.get("kind") != key:
        messages.error(request, _("Nothing to confirm: upload the file again."))
        return redirect("awards:imports")
    table = table_from_data(pending["table"])
    if request.POST.get("confirm") != "yes":
        result = run_import(kind, table, scope, by=request.user)
        if not result.pending:
            return _page(request, result.errors, key, status=400)
        messages.error(request, _("Tick the box to confirm the updates, or cancel."))
        return _preview(request, kind, result)
    result = run_import(kind, table, scope, by=request.user, confirm=True, expect=pending["digest"])
    if result.pending:
        return _preview(request, kind, result)
    del request.session[PENDING_KEY]
    if not result.ok:
        return _page(request, result.errors, key, status=400)
    messages.success(
        request,
        _("%(what)s imported: %(created)s created, %(updated)s updated, %(same)s unchanged.")
        % {
            "what": kind.title,
            "created": result.counts["created"],
            "updated": result.counts["updated"],
            "same": result.counts["unchanged"],
        },
    )
    return redirect("awards:imports")
