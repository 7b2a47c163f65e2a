"""Pages of conferences, vehicles, office space and the asset register of a unit's year: entry
forms, the .xlsx export of every list, and the .xlsx import (template, upload, row-numbered
preview with the errors by row and column, then all-or-nothing saving)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from thidua.accounts.access import get_unit_for_user
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.spreadsheets import Row, SpreadsheetError, Table, read_table, write_xlsx
from thidua.org.models import OrgUnit

from .access import can_enter
from .actions import confirmed_behind, remove_record, write_record
from .actions_assets import save_asset_record
from .imports import KINDS, Kind, columns, parse, preview_cells, sheet, write
from .models import Finding
from .models_assets import Asset, Conference, OfficeSpace, Vehicle
from .models_plan import Project
from .rules import REGISTRY
from .wording import describe

PEERS = frozenset({"travel", "conference"})
"""Kinds whose change moves the peer comparisons over the year (travel and conference costs)."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SALT = "oversight.import"
ENTRY = ("conference", "vehicle", "office", "asset", "project")


def finding_rows(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """Findings with their rule's title and wording, as the finding tables show them."""
    return [
        {
            "f": f,
            "title": REGISTRY[f.rule].title if f.rule in REGISTRY else f.rule,
            "text": describe(f.rule, f.numbers),
            "norm": REGISTRY[f.rule].norm if f.rule in REGISTRY else False,
        }
        for f in findings
    ]


def asset_context(unit: OrgUnit, year: int) -> dict[str, Any]:
    """The unit-year page's part on conferences, vehicles, office space, assets and projects."""
    return {
        "conferences": Conference.objects.filter(unit=unit, year=year),
        "vehicles": Vehicle.objects.filter(unit=unit, year=year),
        "offices": OfficeSpace.objects.filter(unit=unit, year=year),
        "assets": Asset.objects.filter(unit=unit, year=year),
        "projects": Project.objects.filter(unit=unit, year=year),
        "kinds": [(k.code, k.label) for k in KINDS.values()],
    }


def _kind(code: str) -> Kind:
    if code not in KINDS:
        raise Http404
    return KINDS[code]


def _unit_year(request: AuthedHttpRequest, unit_id: int, year: int) -> OrgUnit:
    unit = get_unit_for_user(request.user, unit_id)
    if not 2000 <= year <= 2100:
        raise Http404
    return unit


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def record_add(request: AuthedHttpRequest, unit_id: int, year: int, kind: str) -> HttpResponse:
    unit = _unit_year(request, unit_id, year)
    if kind not in ENTRY or not can_enter(request.user, unit.pk):
        raise Http404
    k = _kind(kind)
    form = k.form(request.POST or None)
    if request.method == "POST":
        form.instance.unit, form.instance.year = unit, year
        if form.is_valid():
            try:
                save_asset_record(form.instance, by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved; the unit's records were checked again."))
                return redirect("oversight:unit_year", unit.pk, year)
    context = {"unit": unit, "year": year, "kind": k, "form": form}
    return render(request, "oversight/record_form.html", context)


@login_required
def export(request: AuthedHttpRequest, unit_id: int, year: int, kind: str) -> HttpResponse:
    unit = _unit_year(request, unit_id, year)
    k = _kind(kind)
    return _xlsx(write_xlsx([sheet(k, unit, year)]), f"{kind}-{unit.code}-{year}.xlsx")


@login_required
def template(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    k = _kind(kind)
    return _xlsx(write_xlsx([sheet(k, None, None)]), f"mau-{kind}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_records(request: AuthedHttpRequest, unit_id: int, year: int, kind: str) -> HttpResponse:
    unit = _unit_year(request, unit_id, year)
    if not can_enter(request.user, unit.pk):
        raise Http404
    k = _kind(kind)
    context: dict[str, Any] = {"unit": unit, "year": year, "kind": k}
    context["header"] = [h for _n, h in columns(k)]
    if request.method == "POST":
        if "payload" in request.POST:
            return _confirm(request, unit, year, k)
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Choose the .xlsx file to upload.")
        else:
            try:
                table = read_table(upload.name or "", upload.read())
            except SpreadsheetError as exc:
                context["error"] = str(exc)
            else:
                parsed = parse(k, table, unit, year)
                context["problems"] = parsed.problems
                context["preview"] = preview_cells(k, parsed)
                if not parsed.problems:
                    context["payload"] = signing.dumps(
                        {
                            "kind": k.code,
                            "unit": unit.pk,
                            "year": year,
                            "header": table.header,
                            "rows": [(r["number"], r["raw"]) for r in parsed.rows],
                        },
                        salt=SALT,
                        compress=True,
                    )
    return render(request, "oversight/record_import.html", context)


def _confirm(request: AuthedHttpRequest, unit: OrgUnit, year: int, k: Kind) -> HttpResponse:
    try:
        data = signing.loads(request.POST["payload"], salt=SALT, max_age=3600)
    except signing.BadSignature:
        messages.error(request, _("The preview has expired; upload the file again."))
        return redirect("oversight:import", unit.pk, year, k.code)
    if (data["kind"], data["unit"], data["year"]) != (k.code, unit.pk, year):
        raise Http404
    table = Table(data["header"], [Row(n, values) for n, values in data["rows"]])
    parsed = parse(k, table, unit, year)
    try:
        count = write(k, parsed, unit, year, by=request.user)
    except ValidationError:
        messages.error(request, _("The records changed since the preview; upload the file again."))
        return redirect("oversight:import", unit.pk, year, k.code)
    messages.success(
        request, _("%(n)s rows saved; the unit's records were checked again.") % {"n": count}
    )
    return redirect("oversight:unit_year", unit.pk, year)


def _own_record(
    request: AuthedHttpRequest, unit_id: int, year: int, kind: str, pk: int
) -> tuple[OrgUnit, Kind, Any]:
    """The record of the unit's year, for a user who may enter the unit's records (the add
    page's check); 404 otherwise, as for a unit outside the scope."""
    unit = _unit_year(request, unit_id, year)
    k = _kind(kind)
    if not can_enter(request.user, unit.pk):
        raise Http404
    obj = k.model.objects.filter(unit=unit, year=year, pk=pk).first()  # type: ignore[attr-defined]
    if obj is None:
        raise Http404
    return unit, k, obj


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(
    request: AuthedHttpRequest, unit_id: int, year: int, kind: str, pk: int
) -> HttpResponse:
    """The add form, prefilled; saving goes through write_record (audited, re-checked)."""
    unit, k, obj = _own_record(request, unit_id, year, kind, pk)
    form = k.form(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            write_record(form.instance, k.code, by=request.user, peers=k.code in PEERS)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved; the unit's records were checked again."))
            return redirect("oversight:unit_year", unit.pk, year)
    context = {"unit": unit, "year": year, "kind": k, "form": form, "obj": obj, "editing": True}
    context["confirmed"] = confirmed_behind(obj)
    return render(request, "oversight/record_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_delete(
    request: AuthedHttpRequest, unit_id: int, year: int, kind: str, pk: int
) -> HttpResponse:
    """A confirmation page naming the record and the findings it carries; deleting goes
    through remove_record (audited, re-checked; refused behind a confirmed violation)."""
    unit, k, obj = _own_record(request, unit_id, year, kind, pk)
    confirmed = confirmed_behind(obj)
    if request.method == "POST" and not confirmed:
        try:
            remove_record(obj, k.code, by=request.user, peers=k.code in PEERS)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Deleted; the unit's records were checked again."))
            return redirect("oversight:unit_year", unit.pk, year)
    context = {
        "unit": unit,
        "year": year,
        "kind": k,
        "obj": obj,
        "confirmed": confirmed,
        "rows": finding_rows(obj.findings.order_by("rule", "pk")),
    }
    return render(request, "oversight/record_delete.html", context)
