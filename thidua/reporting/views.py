"""Report pages: the list, the entry grid with autosave, transitions, evidence, and the
completeness board."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from thidua.accounts.access import get_unit_for_user, scope_for
from thidua.accounts.requests import AuthedHttpRequest
from thidua.audit.chain import history, record
from thidua.lib.dates import today
from thidua.lib.filetypes import Kind, RefusedFile, detect, download_name
from thidua.lib.hooks import publicity_status
from thidua.lib.text import nfc
from thidua.lib.uploads import (
    file_download,
    guard_upload,
    stored_kind,
    too_large_message,
    upload_too_large,
)
from thidua.org import tree
from thidua.reporting.wording import transition_done

from . import actions, prefill
from . import completeness as board
from .access import (
    can_accept,
    can_enter,
    can_review,
    can_send_back,
    can_submit,
    get_report_for_user,
    reports_for_user,
    require,
)
from .checks import (
    form_indicators,
    previous_period,
    same_period_last_year,
    typed_values,
    values_for,
    with_derived,
)
from .forms import (
    MAX_ATTACHMENT_BYTES,
    AttachmentForm,
    CellForm,
    NarrativeForm,
    OpenReportForm,
    ReasonForm,
    periods_for,
)
from .models import (
    Attachment,
    FormRow,
    Indicator,
    NarrativeText,
    Period,
    Report,
    ReportForm,
)
from .validation import Finding


@login_required
def report_list(request: AuthedHttpRequest) -> HttpResponse:
    reports = reports_for_user(request.user).order_by("-period__end", "unit__code", "form__code")
    status = request.GET.get("status", "")
    if status in Report.Status.values:
        reports = reports.filter(status=status)
    period = request.GET.get("period", "")
    if period.isdigit():
        reports = reports.filter(period_id=int(period))
    forms_in_force = ReportForm.objects.at(today())
    movement = request.GET.get("movement", "")
    if movement.isdigit():  # one movement's reports and forms (from the movement page)
        reports = reports.filter(form__movement_id=int(movement))
        forms_in_force = forms_in_force.filter(movement_id=int(movement))
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    scope = scope_for(request.user)
    forms = list(forms_in_force)
    context = {
        "page": page,
        "statuses": Report.Status.choices,
        "status": status,
        "periods": Period.objects.filter(end__lte=today().replace(month=12, day=31)).order_by(
            "-end"
        )[:40],
        "period": period,
        "movement": movement,
        "home_units": scope.home_units,
        "forms": forms,
        "open_periods": _open_periods(forms[0]) if forms else [],
        "today": today(),
    }
    return render(request, "reporting/list.html", context)


def _open_periods(form: ReportForm) -> list[Period]:
    return list(periods_for(form, upto=today().replace(month=12, day=31))[:40])


@login_required
@require_GET
def open_periods(request: AuthedHttpRequest) -> HttpResponse:
    """The period choices of the "open a report" form for the chosen form (htmx). Asked on
    change and on load (a browser restores the chosen form on "back", and a quick hand can choose
    before the page's script runs); the period already chosen stays chosen if the form has it."""
    raw = request.GET.get("form", "")
    form = ReportForm.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    periods = _open_periods(form) if form is not None else []
    chosen = request.GET.get("period", "")
    context = {"open_periods": periods, "chosen_period": int(chosen) if chosen.isdigit() else None}
    return render(request, "reporting/list.html#open-periods", context)


@login_required
@require_POST
def open_report_view(request: AuthedHttpRequest) -> HttpResponse:
    form = OpenReportForm(request.POST)
    if not form.is_valid():
        wrong = form.has_error("period", code="wrong_period")
        messages.error(
            request,
            str(form.errors["period"][0]) if wrong else _("Choose a unit, a form and a period."),
        )
        return redirect("reporting:list")
    unit = get_unit_for_user(request.user, form.cleaned_data["unit"], write=True)
    try:
        report = actions.open_report(
            unit, form.cleaned_data["form"], form.cleaned_data["period"], by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reporting:list")
    return redirect("reporting:report", pk=report.pk)


def _rows(report: Report, findings: list[Finding]) -> list[dict[str, Any]]:
    """One row per form row: the cell, its history beside it, its findings."""
    indicators = form_indicators(report)
    typed, comments = typed_values(report)
    values = with_derived(typed, indicators)
    cells = {v.indicator_id: v for v in report.values.all()}
    prev = with_derived(
        values_for(report.unit_id, report.form_id, previous_period(report.period)), indicators
    )
    last = with_derived(
        values_for(report.unit_id, report.form_id, same_period_last_year(report.period)), indicators
    )
    prefills = prefill.compute(report)
    sections = []
    for section in report.form.sections.prefetch_related("rows__indicator"):
        rows = []
        for row in section.rows.all():
            ind = row.indicator
            cell = cells.get(ind.pk)
            rows.append(
                {
                    "row": row,
                    "indicator": ind,
                    "value": values.get(ind.code),
                    "version": cell.version if cell else 0,
                    "comment": comments.get(ind.code, ""),
                    "previous": prev.get(ind.code),
                    "last_year": last.get(ind.code),
                    "findings": [f for f in findings if ind.code in f.indicators],
                    "prefill": prefills.get(ind.code),
                    "differs": ind.code in prefills
                    and prefill.differs(prefills[ind.code], values.get(ind.code)),
                }
            )
        sections.append({"section": section, "rows": rows})
    return sections


def _page_context(request: AuthedHttpRequest, report: Report) -> dict[str, Any]:
    from .checks import findings_for

    findings = findings_for(report, language=get_language() or "vi")
    user = request.user
    texts = {t.part_id: t for t in NarrativeText.objects.filter(report=report)}
    sections = _rows(report, findings)
    return {
        "report": report,
        "sections": sections,
        # a phase review (one report per phase) has no previous period: no empty columns
        "history_columns": any(
            r["previous"] is not None or r["last_year"] is not None
            for s in sections
            for r in s["rows"]
        ),
        "findings": findings,
        "today": today(),
        "can_enter": can_enter(user, report) and report.is_editable,
        "can_submit": can_submit(user, report) and report.is_editable,
        "can_withdraw": can_submit(user, report) and report.status == Report.Status.SUBMITTED,
        "can_review": can_review(user, report),
        "can_send_back": can_send_back(user, report),
        "can_accept": can_accept(user, report),
        "narratives": [(p, texts.get(p.pk)) for p in report.form.narrative_parts.all()],
        "below": _narratives_below(report),
        "figures_below": prefill.figures_below(report),
        "transitions": report.transitions.select_related("by").order_by("-at"),
        "history": history("reporting.report", report.pk)[:100],
        "attachments": report.attachments.select_related("indicator", "uploaded_by"),
        "reason_form": ReasonForm(),
        "attachment_form": AttachmentForm(),
        "late": report.is_late(today()),
    }


@login_required
def report_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The entry grid; with ?confirm=submit, what submitting will send (the htmx fragment, or
    the page with it open when scripts are off)."""
    report = get_report_for_user(request.user, pk)
    context = _page_context(request, report)
    if request.GET.get("confirm") == "submit" and context["can_submit"]:
        context["confirm"] = _submit_summary(report, context)
        if request.htmx:
            return render(request, "reporting/report.html#submit-confirm", context)
    return render(request, "reporting/report.html", context)


def _submit_summary(report: Report, context: dict[str, Any]) -> dict[str, Any]:
    """What the head should know before submitting: the typed cells still empty, the open
    warnings and what blocks, and the unit the report goes to."""
    rows = [r for s in context["sections"] for r in s["rows"]]
    findings: list[Finding] = context["findings"]
    above = tree.ancestor_ids(report.unit_id, today())
    return {
        "empty": [r for r in rows if r["value"] is None and not r["indicator"].is_derived],
        "warnings": [f for f in findings if f.severity != "blocking"],
        "blocking": [f for f in findings if f.severity == "blocking"],
        "above": tree.names_at(above[-1:], today()).get(above[-1], "") if above else "",
    }


@login_required
@require_POST
def save_cell(request: AuthedHttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    """Autosave of one cell (htmx). Refusals come back in the row, with the typed text kept."""
    report = get_report_for_user(request.user, pk)
    require(can_enter(request.user, report))
    indicator = get_object_or_404(Indicator, pk=indicator_id)
    form = CellForm(request.POST)
    error, conflict = "", None
    result: actions.SaveResult | None = None
    text = request.POST.get("value", "")
    if not form.is_valid():
        error = _("The cell could not be read; reload the page.")
    else:
        try:
            result = actions.save_value(
                report,
                indicator,
                form.cleaned_data["value"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
            )
        except actions.ConflictError as exc:
            error, conflict = exc.messages[0], exc.current
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if result is not None and result.cells is not None:
        row = _saved_row(report, indicator, result)
    else:
        report.refresh_from_db()
        row = _one_row(report, indicator, [])
    if error:
        row.update({"error": error, "typed": text, "conflict": conflict})
        if conflict is not None:
            row["version"] = conflict.version
    context = {"r": row, "report": report, "can_enter": True, "saved": not error}
    if result is not None and result.cells is not None:
        context.update(_after_save(report, result))
    response = render(request, "reporting/report.html#cell-saved", context)
    response.status_code = 409 if conflict is not None else 200
    return response


def _after_save(report: Report, result: actions.SaveResult) -> dict[str, Any]:
    """What a save changes elsewhere on the page, swapped in without a reload: the derived
    figures, each row's findings and the checks at the top."""
    assert result.cells is not None
    findings = list(result.report_findings)
    rows = FormRow.objects.filter(section__form_id=report.form_id).select_related("indicator")
    indicators = [row.indicator for row in rows]
    return {
        "derived": [
            {"indicator": ind, "value": result.cells.values.get(ind.code)}
            for ind in indicators
            if ind.is_derived
        ],
        "notes": [
            {"indicator": ind, "findings": [f for f in findings if ind.code in f.indicators]}
            for ind in indicators
        ],
        "findings": findings,
        "checks_changed": True,
    }


def _saved_row(report: Report, indicator: Indicator, result: actions.SaveResult) -> dict[str, Any]:
    """The row of a cell just saved: the value and version it was saved with, the figures
    beside it from those its findings were computed on (a typed cell needs no formula)."""
    assert result.cells is not None
    cells, code = result.cells, indicator.code
    row = get_object_or_404(
        FormRow.objects.select_related("indicator"),
        section__form_id=report.form_id,
        indicator=indicator,
    )
    return {
        "row": row,
        "indicator": row.indicator,
        "value": result.value.value,
        "version": result.value.version,
        "comment": result.value.comment,
        "previous": cells.previous.get(code),
        "last_year": cells.last_year.get(code),
        "findings": result.findings,
    }


def _one_row(report: Report, indicator: Indicator, findings: list[Finding]) -> dict[str, Any]:
    for section in _rows(report, findings):
        for row in section["rows"]:
            if row["indicator"].pk == indicator.pk:
                return dict(row)
    raise Http404


@login_required
@require_POST
def save_narrative(request: AuthedHttpRequest, pk: int, part_id: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    require(can_enter(request.user, report))
    form = NarrativeForm(request.POST)
    message = ""
    item = None
    if form.is_valid():
        try:
            item = actions.save_narrative(
                report,
                part_id,
                form.cleaned_data["text"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            message = " ".join(exc.messages)
    else:
        message = _("The text could not be read; reload the page.")
    part = get_object_or_404(report.form.narrative_parts, pk=part_id)
    item = item or NarrativeText.objects.filter(report=report, part=part).first()
    return render(
        request,
        "reporting/report.html#narrative-saved",
        {
            "part": part,
            "text": item,
            "report": report,
            "can_enter": True,
            "error": message,
            "typed": request.POST.get("text", ""),
            "saved": not message,
        },
    )


Transition = tuple[Callable[[Any, Report], bool], Callable[[Report, Any, str], Report]]


def _narratives_below(report: Report) -> list[dict[str, Any]]:
    """The narrative parts of the units directly below, to consolidate up the tree."""
    if not report.form.narrative_parts.exists():
        return []
    children = tree.children_ids(report.unit_id, report.period.end)
    names = tree.names_at(children, report.period.end)
    texts = (
        NarrativeText.objects.filter(
            report__form=report.form, report__period=report.period, report__unit_id__in=children
        )
        .exclude(text="")
        .select_related("part", "report")
    )
    parts: dict[int, dict[str, Any]] = {}
    for item in texts.order_by("part__order", "report__unit__code"):
        entry = parts.setdefault(item.part_id, {"part": item.part, "texts": []})
        entry["texts"].append(
            {
                "unit": names.get(item.report.unit_id, ""),
                "text": item.text,
                "status": item.report.get_status_display(),
            }
        )
    return list(parts.values())


TRANSITIONS: dict[str, Transition] = {
    "submit": (can_submit, lambda r, u, reason: actions.submit_report(r, by=u)),
    "withdraw": (can_submit, lambda r, u, why: actions.withdraw_report(r, by=u, reason=why)),
    "approve": (can_review, lambda r, u, reason: actions.approve_report(r, by=u)),
    "return": (can_send_back, lambda r, u, why: actions.return_report(r, by=u, reason=why)),
    "reopen": (can_send_back, lambda r, u, why: actions.reopen_report(r, by=u, reason=why)),
    "accept": (can_accept, lambda r, u, reason: actions.accept_report(r, by=u)),
}


@login_required
@require_POST
def transition(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    if action not in TRANSITIONS:
        raise Http404
    allowed, run = TRANSITIONS[action]
    require(allowed(request.user, report))
    if action == "submit" and not request.POST.get("confirmed"):
        # Submitting is confirmed on the page that lists what is still empty or open.
        return redirect(reverse("reporting:report", args=[pk]) + "?confirm=submit#confirm")
    reason = request.POST.get("reason", "")
    try:
        run(report, request.user, reason)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, transition_done(report, action, day=today()))
    return redirect("reporting:report", pk=pk)


@login_required
@require_POST
@guard_upload(MAX_ATTACHMENT_BYTES)
def upload_attachment(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Evidence for a report, recognised by its bytes and stored under the extension of what
    it is; an oversized or refused file writes nothing."""
    report = get_report_for_user(request.user, pk)
    require(can_enter(request.user, report) and report.is_editable)
    if upload_too_large(request):
        messages.error(request, too_large_message(MAX_ATTACHMENT_BYTES))
        return redirect("reporting:report", pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("reporting:report", pk=pk)
    upload = form.cleaned_data["file"]
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    try:
        kind = detect(data)
    except RefusedFile as exc:
        messages.error(request, str(exc))
        return redirect("reporting:report", pk=pk)
    _store_attachment(request, report, form.cleaned_data["indicator"], upload.name, data, kind)
    messages.success(request, _("Evidence attached."))
    return redirect("reporting:report", pk=pk)


def _store_attachment(
    request: AuthedHttpRequest,
    report: Report,
    indicator_pk: int | None,
    name: str,
    data: bytes,
    kind: Kind,
) -> None:
    indicator = Indicator.objects.filter(pk=indicator_pk).first() if indicator_pk else None
    digest = hashlib.sha256(data).hexdigest()
    stored_name = download_name(nfc(name), kind)
    with transaction.atomic():
        item = Attachment(
            report=report,
            indicator=indicator,
            original_name=stored_name[-255:],
            content_type=kind.content_type,
            size=len(data),
            sha256=digest,
            uploaded_by=request.user,
        )
        item.file.save(stored_name, ContentFile(data), save=True)
        record(
            "reporting.attachment.add",
            by=request.user,
            object_type="reporting.report",
            object_id=report.pk,
            after={"file": item.original_name, "sha256": digest, "type": kind.content_type},
        )


@login_required
@require_GET
def download_attachment(request: AuthedHttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """The file as what it was detected to be (extension and type), always as an attachment."""
    report = get_report_for_user(request.user, pk)
    item = get_object_or_404(Attachment, pk=attachment_id, report=report)
    kind = stored_kind(item.file, item.content_type, limit=MAX_ATTACHMENT_BYTES)
    return file_download(item.file, item.original_name, kind)


@login_required
def completeness(request: AuthedHttpRequest) -> HttpResponse:
    """Per period and form: each unit's report in its current state, late ones flagged; at
    sector level a province × state matrix (issue 10, point 5). Opens on the period due now."""
    day = today()
    forms_ = list(ReportForm.objects.at(day))
    form = next((f for f in forms_ if str(f.pk) == request.GET.get("form")), None) or (
        forms_[0] if forms_ else None
    )
    periods = list(Period.objects.filter(kind=form.periodicity).order_by("-end")) if form else []
    period = next((p for p in periods if str(p.pk) == request.GET.get("period")), None)
    if period is None and form is not None:
        period = board.due_period(form, periods, day)
    scope = scope_for(request.user)
    unit_pk = request.GET.get("unit", "")
    unit = (
        get_unit_for_user(request.user, int(unit_pk))
        if unit_pk.isdigit()
        else (scope.home_units[0] if scope.home_units else None)
    )
    rows = board.board_rows(unit, form, period, scope, day) if unit and form and period else []
    branches = board.matrix(unit, rows, period.end) if unit and period and rows else None
    if unit is not None and branches is not None and request.GET.get("list") != "1":
        shown = [r for r in rows if r["unit"].pk == unit.pk]  # the unit's own report
    else:
        shown, branches = rows, None
    total = board.tally(rows)
    publicity = None
    if unit is not None and rows:
        publicity = publicity_status(
            request.user, sorted({r["unit"].pk for r in rows} | {unit.pk}), unit.pk, day
        )
    return render(
        request,
        "reporting/completeness.html",
        {
            "publicity": publicity,
            "forms": forms_,
            "form": form,
            "periods": periods[:40],
            "period": period,
            "unit": unit,
            "rows": shown,
            "deadline": rows[0]["deadline"] if rows else None,
            "tally": total,
            "state_counts": list(zip(board.STATES, total.counts(), strict=True)),
            "branches": branches,
            "states": board.STATES,
            "reminded": board.last_reminders(form, period) if form and period else {},
            "sanction_bases": sorted(
                {
                    (r["sanction"].legal_basis, r["sanction"].confidence)
                    for r in shown
                    if r["sanction"]
                }
            ),
            "can_remind": bool(scope.role_units({"reviewer", "council_secretary"}))
            or scope.is_admin,
            "today": day,
        },
    )
