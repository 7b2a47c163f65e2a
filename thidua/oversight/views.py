"""Oversight pages: a unit's records and findings of a year, the supervisor's queue (with its
.xlsx export), and a finding with its triage."""

from __future__ import annotations

import io

import xlsxwriter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from thidua.accounts.access import get_unit_for_user, units_for_user
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import format_vn_date, today
from thidua.lib.numbers import format_vn_number
from thidua.lib.spreadsheets import XlsxFormats, write_text

from . import actions
from .access import (
    can_enter,
    can_explain,
    findings_for_user,
    get_finding_for_user,
    reports_for_user,
    supervises,
)
from .forms import AskForm, PackageForm, QueueFilter, ReasonForm, TravelClaimForm
from .models import OPEN_STATES, Finding, FindingState, ProcurementPackage, TravelClaim
from .rules import REGISTRY
from .views_records import asset_context, finding_rows
from .wording import describe


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    year = today().year
    units = units_for_user(request.user).select_related("level").order_by("code")[:300]
    return render(request, "oversight/index.html", {"units": units, "year": year})


@login_required
@require_http_methods(["GET", "POST"])
def unit_year(request: AuthedHttpRequest, unit_id: int, year: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, unit_id)
    if not 2000 <= year <= 2100:
        raise Http404
    writable = can_enter(request.user, unit.pk)
    travel_form = TravelClaimForm(prefix="t")
    package_form = PackageForm(prefix="p")
    if request.method == "POST":
        if not writable:
            raise Http404
        kind = request.POST.get("kind")
        form: TravelClaimForm | PackageForm
        if kind == "travel":
            form = travel_form = TravelClaimForm(request.POST, prefix="t")
        else:
            form = package_form = PackageForm(request.POST, prefix="p")
        form.instance.unit, form.instance.year = unit, year
        if form.is_valid():
            try:
                actions.save_record(form.instance, by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved; the unit's records were checked again."))
                return redirect("oversight:unit_year", unit.pk, year)
    findings = Finding.objects.filter(unit=unit, year=year).order_by("rule", "pk")
    context = {
        "unit": unit,
        "year": year,
        "years": range(today().year - 2, today().year + 1),
        "writable": writable,
        "travel": TravelClaim.objects.filter(unit=unit, year=year),
        "packages": ProcurementPackage.objects.filter(unit=unit, year=year),
        "rows": finding_rows(findings),
        "travel_form": travel_form,
        "package_form": package_form,
    }
    context.update(asset_context(unit, year))
    return render(request, "oversight/unit_year.html", context)


def _filtered(request: AuthedHttpRequest) -> tuple[QueueFilter, QuerySet[Finding]]:
    form = QueueFilter(request.GET or None)
    qs = findings_for_user(request.user)
    if form.is_valid():
        data = form.cleaned_data
        for name in ("rule", "severity", "status", "year"):
            if data.get(name):
                qs = qs.filter(**{name: data[name]})
        if data.get("unit"):
            qs = qs.filter(unit_id=data["unit"])
    return form, qs.order_by("-year", "unit__code", "rule", "pk")


@login_required
def queue(request: AuthedHttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    if request.GET.get("export") == "xlsx":
        return _xlsx(qs)
    rows = finding_rows(qs[:500])
    counts = dict.fromkeys(FindingState.values, 0)
    for s in qs.values_list("status", flat=True):
        counts[s] += 1
    context = {"form": form, "rows": rows, "total": qs.count(), "states": FindingState.choices}
    context["counts"] = counts
    # Issue 13 point 6: the anonymous waste reports in the supervisor's scope, open ones first.
    waste = reports_for_user(request.user).order_by("status", "-received_on", "-pk")
    context["waste_reports"] = sorted(waste[:200], key=lambda r: r.status not in OPEN_STATES)
    return render(request, "oversight/queue.html", context)


def _xlsx(qs: QuerySet[Finding]) -> HttpResponse:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet(_("Findings")[:31])
    fmt = XlsxFormats(book, font_name="Times New Roman", font_size=12)
    header = [_("Unit"), _("Year"), _("Rule"), _("Severity"), _("State"), _("Finding")]
    header += [_("Amount at stake (VND)"), _("Deadline")]
    for col, text in enumerate(header):
        write_text(ws, (0, col), text, fmt, bold=True)
    for i, f in enumerate(qs, start=1):
        cells = [
            f.unit.name,
            str(f.year),
            str(REGISTRY[f.rule].title) if f.rule in REGISTRY else f.rule,
            f.get_severity_display(),
            f.get_status_display(),
            describe(f.rule, f.numbers),
            format_vn_number(f.amount),
            format_vn_date(f.deadline) if f.deadline else "",
        ]
        for col, text in enumerate(cells):
            write_text(ws, (i, col), str(text), fmt)
    ws.set_column(0, 0, 32)
    ws.set_column(5, 5, 80)
    book.close()
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="phat-hien-giam-sat.xlsx"'
    return response


@login_required
def finding(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    f = get_finding_for_user(request.user, pk)
    context = {
        "row": finding_rows(Finding.objects.filter(pk=f.pk).select_related("unit"))[0],
        "f": f,
        "rule": REGISTRY.get(f.rule),
        "history": f.history.select_related("by"),
        "supervises": supervises(request.user, f.unit_id),
        "can_explain": can_explain(request.user, f),
        "ask_form": AskForm(),
        "reason_form": ReasonForm(),
        "travel": f.travel_claims.all(),
        "packages": f.packages.all(),
        "named": f.named_people.all(),
        "open": f.status in (FindingState.NEW, FindingState.REVIEW, FindingState.EXPLAINED),
    }
    return render(request, "oversight/finding.html", context)


@login_required
@require_POST
def move(request: AuthedHttpRequest, pk: int, to: str) -> HttpResponse:
    f = get_finding_for_user(request.user, pk)
    by = request.user
    try:
        if to == "explained":
            if not can_explain(by, f):
                raise Http404
            actions.explain_finding(f, by=by, explanation=request.POST.get("reason", ""))
        elif not supervises(by, f.unit_id):
            raise Http404
        elif to == "review":
            form = AskForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.get("deadline", [_("Check the form.")])[0])
            actions.ask_to_explain(
                f,
                by=by,
                deadline=form.cleaned_data["deadline"],
                reason=form.cleaned_data["reason"],
                people=actions.people_by_codes(request.POST.get("people", "")),
            )
        elif to == "confirmed":
            actions.confirm_finding(
                f,
                by=by,
                reason=request.POST.get("reason", ""),
                people=actions.people_by_codes(request.POST.get("people", "")),
            )
        elif to == "dismissed":
            actions.dismiss_finding(f, by=by, reason=request.POST.get("reason", ""))
        else:
            raise Http404
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(
            request, _("The finding is now: %(state)s.") % {"state": f.get_status_display()}
        )
    return redirect("oversight:finding", f.pk)
