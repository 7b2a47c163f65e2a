"""Awards pages, proposals: the list in scope, a new proposal, its page with the achievement
report and evidence, and its moves."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from thidua.accounts.access import get_unit_for_user, scope_for
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import today
from thidua.lib.documents import render_docx, render_pdf
from thidua.lib.uploads import (
    file_download,
    guard_upload,
    stored_kind,
    too_large_message,
    upload_too_large,
)
from thidua.org import tree
from thidua.org.models import OrgUnit, Person, Position

from . import achievement, actions
from . import eligibility as engine
from .access import (
    can_propose,
    can_return_proposal,
    get_proposal_for_user,
    proposals_for_user,
    require,
)
from .catalogue import rule_for
from .forms import EvidenceForm, ProposalForm, ReasonForm, ReportForm
from .models import Proposal, Title
from .reasons import show
from .views import fragment

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_GET
def proposals(request: AuthedHttpRequest) -> HttpResponse:
    qs = proposals_for_user(request.user).order_by("-year", "status", "-id")
    status = request.GET.get("status", "")
    if status in Proposal.Status.values:
        qs = qs.filter(status=status)
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(year=int(year))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {"page": page, "statuses": Proposal.Status.choices, "status": status, "year": year}
    return render(request, fragment(request, "awards/proposals.html", "table"), context)


def _nominees(unit: OrgUnit, year: int) -> list[tuple[str, str]]:
    units = OrgUnit.objects.filter(
        id__in=[unit.pk, *tree.children_ids(unit.pk, min(today(), engine.year_end(year)))]
    )
    people = actions.unit_staff(unit, year)
    where = {
        pos.person_id: f"{pos.title}, {pos.unit.name}"
        for pos in Position.objects.filter(person__in=people)
        .at(min(today(), engine.year_end(year)))
        .select_related("unit")
    }
    return [(f"u:{u.pk}", f"{u.name} ({_('collective')})") for u in units] + [
        (f"p:{p.pk}", f"{p.full_name} — {where[p.pk]}" if p.pk in where else p.full_name)
        for p in people
    ]


@login_required
def proposal_new(request: AuthedHttpRequest) -> HttpResponse:
    """The proposal form for a unit (?unit=), prefilled from a candidate list link."""
    if request.method not in {"GET", "POST"}:
        return HttpResponse(status=405)
    source = request.POST if request.method == "POST" else request.GET
    text = source.get("unit", "")
    units = [u for u in scope_for(request.user).home_units if can_propose(request.user, u.pk)]
    if not text.isdigit():
        if not units:
            raise Http404
        text = str(units[0].pk)
    unit = get_unit_for_user(request.user, int(text), write=True)
    require(can_propose(request.user, unit.pk))
    text_year = source.get("year", "")
    year = int(text_year) if text_year.isdigit() and 2019 <= int(text_year) <= 2100 else 0
    year = year or today().year - 1
    context = {
        "unit": unit,
        "units": units,
        "year": year,
        "titles": Title.objects.all(),
        "nominees": _nominees(unit, year),
        "initial": source,
    }
    if request.method == "GET":
        return render(request, "awards/proposal_new.html", context)
    return _create_proposal(request, unit, context)


def _create_proposal(
    request: AuthedHttpRequest, unit: OrgUnit, context: dict[str, Any]
) -> HttpResponse:
    form = ProposalForm(request.POST)
    if not form.is_valid():
        context["errors"] = [e for errs in form.errors.values() for e in errs]
        return render(request, "awards/proposal_new.html", context, status=400)
    kind, _sep, ident = form.cleaned_data["nominee"].partition(":")
    if form.cleaned_data["nominee"] not in {v for v, _l in context["nominees"]}:
        context["errors"] = [_("The nominee is not in this unit.")]
        return render(request, "awards/proposal_new.html", context, status=400)
    nominee: dict[str, Any] = (
        {"person": Person.objects.get(pk=int(ident))}
        if kind == "p"
        else {"unit": OrgUnit.objects.get(pk=int(ident))}
    )
    try:
        proposal = actions.create_proposal(
            title=form.cleaned_data["title"],
            year=form.cleaned_data["year"],
            proposing_unit=unit,
            by=request.user,
            override_reason=form.cleaned_data["override_reason"],
            **nominee,
        )
    except ValidationError as exc:
        context["errors"] = exc.messages
        return render(request, "awards/proposal_new.html", context, status=400)
    messages.success(request, _("The proposal is created as a draft."))
    return redirect("awards:proposal", pk=proposal.pk)


@login_required
@require_GET
def proposal_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user(request.user, pk)
    context = {
        "p": proposal,
        "shown": show(proposal.eligibility.get("reasons", [])),
        "evidence": proposal.evidence.all(),
        "history": proposal.history.select_related("by"),
        "can_edit": proposal.is_editable and can_propose(request.user, proposal.proposing_unit_id),
        "can_return": proposal.status == Proposal.Status.SUBMITTED
        and can_return_proposal(request.user, proposal),
        "rule": rule_for(proposal.title, proposal.year),
        "report": proposal.report or {},
        "report_form": ReportForm(
            initial=(proposal.report or {}).get("narrative") or {},
            fields=achievement.fields_of(proposal.report or {}),
        ),
        "report_missing": achievement.missing(proposal.report or {}),
        "report_date": achievement.report_date(proposal),
    }
    return render(request, "awards/proposal.html", context)


def _editable(request: AuthedHttpRequest, pk: int) -> Proposal:
    proposal = get_proposal_for_user(request.user, pk)
    require(can_propose(request.user, proposal.proposing_unit_id))
    return proposal


@login_required
@require_POST
def proposal_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    proposal = _editable(request, pk)
    form = ReportForm(request.POST, fields=achievement.fields_of(proposal.report or {}))
    try:
        if not form.is_valid():
            raise ValidationError(
                [
                    f"{form.fields[k].label}: {' '.join(str(m) for m in e)}"
                    for k, e in form.errors.items()
                ]
            )
        refresh = "refresh" in request.POST
        actions.update_report(proposal, form.cleaned_data, by=request.user, refresh=refresh)
        messages.success(
            request,
            _("The tables are refreshed from the data and the report is saved.")
            if refresh
            else _("The achievement report is saved."),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('awards:proposal', args=[pk])}#report")


@login_required
@require_GET
def proposal_report_file(request: AuthedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The achievement report as .docx or .pdf, in the form of the regulation in force."""
    proposal = get_proposal_for_user(request.user, pk)
    document = achievement.document(proposal)
    if fmt == "docx":
        data, content_type = render_docx(document), DOCX
    elif fmt == "pdf":
        data, content_type = render_pdf(document), "application/pdf"
    else:
        raise Http404
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename_stem}.{fmt}"'
    return response


@login_required
@require_POST
@guard_upload(actions.MAX_EVIDENCE_BYTES)
def proposal_evidence(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    proposal = _editable(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    try:
        if upload_too_large(request):
            raise ValidationError(too_large_message(actions.MAX_EVIDENCE_BYTES))
        if not form.is_valid():
            raise ValidationError(_("Choose a file."))
        upload = form.cleaned_data["file"]
        data = upload.read(actions.MAX_EVIDENCE_BYTES + 1)
        actions.add_evidence(
            proposal,
            upload.name,
            data,
            by=request.user,
            description=form.cleaned_data["description"],
        )
        messages.success(request, _("The file is attached."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("awards:proposal", pk=pk)


@login_required
@require_GET
def evidence_download(request: AuthedHttpRequest, pk: int, evidence_id: int) -> FileResponse:
    proposal = get_proposal_for_user(request.user, pk)
    evidence = get_object_or_404(proposal.evidence, pk=evidence_id)
    kind = stored_kind(evidence.file, evidence.content_type, limit=actions.MAX_EVIDENCE_BYTES)
    return file_download(evidence.file, evidence.original_name, kind)


@login_required
@require_POST
def proposal_move(request: AuthedHttpRequest, pk: int, to: str) -> HttpResponse:
    """submit or withdraw (the proposing unit), return (the level above)."""
    proposal = get_proposal_for_user(request.user, pk)
    if to in {Proposal.Status.SUBMITTED, Proposal.Status.WITHDRAWN}:
        require(can_propose(request.user, proposal.proposing_unit_id))
    elif to == Proposal.Status.RETURNED:
        require(can_return_proposal(request.user, proposal))
    else:
        raise Http404
    form = ReasonForm(request.POST)
    try:
        actions.move_proposal(
            proposal,
            to,
            by=request.user,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
        done = {
            Proposal.Status.SUBMITTED: _("The proposal of %(nominee)s for %(title)s was sent up."),
            Proposal.Status.WITHDRAWN: _(
                "The proposal of %(nominee)s for %(title)s was withdrawn."
            ),
            Proposal.Status.RETURNED: _(
                "The proposal of %(nominee)s for %(title)s was returned to %(unit)s to be mended."
            ),
        }[Proposal.Status(to)]
        nominee = proposal.nominee
        messages.success(
            request,
            done
            % {
                "nominee": nominee.full_name if isinstance(nominee, Person) else nominee.name,
                "title": proposal.title.name,
                "unit": proposal.proposing_unit.name,
            },
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("awards:proposal", pk=pk)
