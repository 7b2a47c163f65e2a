"""Awards pages: catalogue, candidate lists with reasons, a person's eligibility, title
registration (unit and consolidated), proposals with their dossier, initiatives."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from thidua.accounts.access import (
    get_person_for_user,
    get_unit_for_user,
    require_admin,
    scope_for,
    today,
)
from thidua.evaluation import board
from thidua.evaluation.models import Programme
from thidua.evaluation.targets import programme_progress
from thidua.lib.dates import InvalidDate, parse_vn_date
from thidua.org import tree
from thidua.org.models import OrgUnit, Person

from . import actions
from . import eligibility as engine
from .access import (
    can_approve_registration,
    can_edit_registration,
    can_propose,
    can_return_proposal,
    get_proposal_for_user,
    get_registration_for_user,
    proposals_for_user,
    require,
)
from .catalogue import rule_for
from .forms import EvidenceForm, InitiativeForm, ProposalForm, ReasonForm, ReportForm
from .models import (
    AwardRecord,
    BaseSalary,
    EligibilityResult,
    Initiative,
    Proposal,
    Registration,
    Title,
    TitleRule,
    registration_due,
)
from .reasons import show

THEMATIC_FORM = "BK_VKSTC_TT"  # Bằng khen of the Prosecutor General, collective
THEMATIC_ROWS = 20


def _year(request: HttpRequest, default: int | None = None) -> int:
    text = request.GET.get("year", "")
    if text.isdigit() and 2019 <= int(text) <= 2100:
        return int(text)
    return default or today().year - 1


def _years() -> list[int]:
    return list(range(today().year, 2021, -1))


def _fragment(request: HttpRequest, template: str, name: str) -> str:
    return f"{template}#{name}" if getattr(request, "htmx", False) else template


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    scope = scope_for(request.user)
    rows = EligibilityResult.objects.filter(year=year, outcome="eligible")
    if scope.unit_ids is not None:
        rows = rows.filter(home_unit_id__in=scope.unit_ids)
    counts = Counter(dict(rows.values_list("title__code").annotate(n=_count()).order_by()))
    titles = [(t, counts.get(t.code, 0)) for t in Title.objects.filter(kind="title")]
    context = {"year": year, "years": _years(), "titles": titles, "home_units": scope.home_units}
    return render(request, "awards/index.html", context)


def _count() -> Any:
    from django.db.models import Count

    return Count("id")


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Titles and forms with the rule in force on a date, the base salary and the amount."""
    try:
        day = parse_vn_date(request.GET["on"]) if request.GET.get("on") else today()
    except InvalidDate:
        messages.error(
            request, _("“%(text)s” is not a date. Write dd/mm/yyyy.") % {"text": request.GET["on"]}
        )
        day = today()
    salary = BaseSalary.objects.at(day).first()
    rules = {r.title_id: r for r in TitleRule.objects.at(day)}
    rows = []
    for title in Title.objects.all():
        rule = rules.get(title.pk)
        amount = engine.cash_amount(rule.cash_multiple, salary.amount) if rule and salary else None
        threshold = rule.vote_threshold * 100 if rule and rule.vote_threshold else None
        rows.append({"title": title, "rule": rule, "amount": amount, "threshold": threshold})
    context = {"rows": rows, "day": day, "salary": salary, "salaries": BaseSalary.objects.all()}
    return render(request, "awards/catalogue.html", context)


def _scope_units(request: HttpRequest, year: int) -> tuple[OrgUnit | None, list[int] | None]:
    """The unit chosen (?unit=) and its subtree at the end of the year, or the whole scope."""
    text = request.GET.get("unit", "")
    if text.isdigit():
        unit = get_unit_for_user(request.user, int(text))
        return unit, tree.subtree_ids(unit.pk, engine.year_end(year)) or [unit.pk]
    scope = scope_for(request.user)
    return None, None if scope.unit_ids is None else list(scope.unit_ids)


@login_required
@require_GET
def candidates(request: HttpRequest) -> HttpResponse:
    """The candidates the data proposes for a title, a year and a unit's subtree, with the
    reasons; refusals and holds too when asked (?outcome=)."""
    year = _year(request)
    title = Title.objects.filter(code=request.GET.get("title", "CSTDCS")).first()
    if title is None:
        raise Http404
    unit, unit_ids = _scope_units(request, year)
    outcome = request.GET.get("outcome", "eligible")
    rows = EligibilityResult.objects.filter(year=year, title=title).select_related(
        "person", "unit", "home_unit"
    )
    if outcome in {o.value for o in engine.Outcome}:
        rows = rows.filter(outcome=outcome)
    if unit_ids is not None:
        rows = rows.filter(home_unit_id__in=unit_ids)
    page = Paginator(rows.order_by("home_unit__code", "person__search_key", "unit__code"), 50)
    page_obj = page.get_page(request.GET.get("page"))
    for row in page_obj:
        row.shown = show(row.reasons)  # type: ignore[attr-defined]
    rule = rule_for(title, year)
    context = {
        "page": page_obj,
        "title": title,
        "titles": Title.objects.filter(kind="title"),
        "year": year,
        "years": _years(),
        "unit": unit,
        "outcome": outcome,
        "rule": rule,
        "outcomes": [(o.value, o) for o in engine.Outcome],
        "can_propose": unit is not None and can_propose(request.user, unit.pk),
    }
    return render(request, _fragment(request, "awards/candidates.html", "results"), context)


@login_required
@require_GET
def person_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's answer for every individual title of a year, computed now, with reasons."""
    person = get_person_for_user(request.user, pk)
    year = _year(request)
    verdicts = []
    for title in Title.objects.filter(subject="individual"):
        v = actions.check_person(person, title, year)
        verdicts.append(
            {"title": title, "verdict": v, "shown": show([r.as_json() for r in v.reasons])}
        )
    context = {
        "person": person,
        "year": year,
        "years": _years(),
        "verdicts": verdicts,
        "awards": AwardRecord.objects.filter(person=person)
        .select_related("title")
        .order_by("-year"),
        "initiatives": Initiative.objects.filter(authors=person),
        "ratings": person.ratings.order_by("-year"),
    }
    return render(request, _fragment(request, "awards/person.html", "verdicts"), context)


# ---------------------------------------------------------------- registration


@login_required
@require_GET
def registrations(request: HttpRequest) -> HttpResponse:
    """The level above's consolidated list: every unit below, its status and counts."""
    year = _year(request, today().year)
    unit, unit_ids = _scope_units(request, year)
    if unit is None:
        scope = scope_for(request.user)
        unit = scope.home_units[0] if scope.home_units else None
        if unit is None:
            raise Http404
        unit_ids = tree.subtree_ids(unit.pk, min(today(), engine.year_end(year))) or [unit.pk]
    assert unit_ids is not None
    data = actions.consolidated(unit_ids, year)
    units = (
        OrgUnit.objects.filter(id__in=unit_ids)
        .select_related("level")
        .order_by("level__rank", "code")
    )
    titles = list(Title.objects.filter(kind="title"))
    codes = [t.code for t in titles]
    rows = [
        {
            "unit": u,
            "reg": data.get(u.pk),
            "counts": [data.get(u.pk, {}).get("counts", {}).get(c, 0) for c in codes],
        }
        for u in units
    ]
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(codes))]
    context = {
        "year": year,
        "years": [*range(today().year + 1, 2021, -1)],
        "unit": unit,
        "rows": rows,
        "titles": titles,
        "totals": totals,
    }
    return render(request, _fragment(request, "awards/registrations.html", "table"), context)


def _registration_context(request: HttpRequest, reg: Registration) -> dict[str, Any]:
    staff = actions.unit_staff(reg.unit, reg.year)
    items = list(reg.items.select_related("title"))
    chosen = {(i.person_id, i.title.code) for i in items}
    individual = list(Title.objects.filter(subject="individual", kind="title"))
    collective = list(Title.objects.filter(subject="collective", kind="title"))
    people = [
        {"person": p, "titles": [(t, (p.pk, t.code) in chosen) for t in individual]} for p in staff
    ]
    mine = getattr(request.user, "person_id", None)
    deadline = registration_due(reg.year)
    due = deadline.due_on(reg.year) if deadline else None
    programme = Programme.objects.filter(unit=reg.unit, year=reg.year).first()
    return {
        "reg": reg,
        "deadline": deadline,
        "due": due,
        "late": bool(due and reg.submitted_on and reg.submitted_on > due),
        "overdue": bool(due and not reg.submitted_on and today() > due),
        "programme": programme,
        "progress": programme_progress(programme) if programme else [],
        "people": people,
        "individual": individual,
        "collective": [(t, (None, t.code) in chosen) for t in collective],
        "can_edit": can_edit_registration(request.user, reg) and reg.is_editable,
        "can_approve": can_approve_registration(request.user, reg),
        "self_person": mine if mine in {p.pk for p in staff} and reg.is_editable else None,
        "count": len(items),
    }


@login_required
def registration_page(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    """GET shows the unit's registration; POST saves the titles ticked."""
    if request.method not in {"GET", "POST"}:
        return HttpResponse(status=405)
    if not 2019 <= year <= 2100:
        raise Http404
    unit = get_unit_for_user(request.user, unit_id)
    reg = Registration.objects.filter(unit=unit, year=year).first()
    if request.method == "GET":
        if reg is None:
            return render(request, "awards/registration_new.html", {"unit": unit, "year": year})
        return render(request, "awards/registration.html", _registration_context(request, reg))
    if reg is None:
        require(scope_for(request.user).writes(unit.pk))
        try:
            reg = actions.open_registration(unit, year, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("awards:registrations")
        return redirect("awards:registration", unit_id=unit.pk, year=year)
    return _save_registration(request, reg)


def _save_registration(request: HttpRequest, reg: Registration) -> HttpResponse:
    titles = {t.code: t for t in Title.objects.all()}
    picked = [v.split(":") for v in request.POST.getlist("item")]
    try:
        if request.POST.get("self") and getattr(request.user, "person_id", None):
            person = get_object_or_404(Person, pk=request.user.person_id)  # type: ignore[union-attr]
            chosen = [titles[c] for p, c in picked if p == str(person.pk) and c in titles]
            actions.register_self(reg, person, chosen, by=request.user)
        else:
            require(can_edit_registration(request.user, reg))
            unit_titles = [titles[c] for p, c in picked if p == "u" and c in titles]
            people: dict[int, list[Title]] = {}
            for p, c in picked:
                if p.isdigit() and c in titles:
                    people.setdefault(int(p), []).append(titles[c])
            actions.save_registration(
                reg, unit_titles=unit_titles, person_titles=people, by=request.user
            )
        messages.success(request, _("The registration is saved."))
    except (ValidationError, ValueError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else _("Invalid choice.")
        messages.error(request, text)
    return redirect("awards:registration", unit_id=reg.unit_id, year=reg.year)


@login_required
@require_POST
def registration_move(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    reg = get_registration_for_user(request.user, pk)
    if to == Registration.Status.SUBMITTED:
        require(can_edit_registration(request.user, reg))
    elif to in {Registration.Status.APPROVED, Registration.Status.RETURNED}:
        require(can_approve_registration(request.user, reg))
    else:
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.move_registration(reg, to, by=request.user, reason=reason)
        messages.success(request, _("Done."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("awards:registration", unit_id=reg.unit_id, year=reg.year)


# ---------------------------------------------------------------- proposals


@login_required
@require_GET
def proposals(request: HttpRequest) -> HttpResponse:
    qs = proposals_for_user(request.user).order_by("-year", "status", "-id")
    status = request.GET.get("status", "")
    if status in Proposal.Status.values:
        qs = qs.filter(status=status)
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(year=int(year))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {"page": page, "statuses": Proposal.Status.choices, "status": status, "year": year}
    return render(request, _fragment(request, "awards/proposals.html", "table"), context)


def _nominees(unit: OrgUnit, year: int) -> list[tuple[str, str]]:
    units = OrgUnit.objects.filter(
        id__in=[unit.pk, *tree.children_ids(unit.pk, min(today(), engine.year_end(year)))]
    )
    people = actions.unit_staff(unit, year)
    return [(f"u:{u.pk}", f"{u.name} ({_('collective')})") for u in units] + [
        (f"p:{p.pk}", f"{p.full_name} — {p.code}") for p in people
    ]


@login_required
def proposal_new(request: HttpRequest) -> HttpResponse:
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


def _create_proposal(request: HttpRequest, unit: OrgUnit, context: dict[str, Any]) -> HttpResponse:
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
def proposal_page(request: HttpRequest, pk: int) -> HttpResponse:
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
    }
    return render(request, "awards/proposal.html", context)


def _editable(request: HttpRequest, pk: int) -> Proposal:
    proposal = get_proposal_for_user(request.user, pk)
    require(can_propose(request.user, proposal.proposing_unit_id))
    return proposal


@login_required
@require_POST
def proposal_report(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _editable(request, pk)
    form = ReportForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write the achievement report before saving."))
        actions.update_report(proposal, form.cleaned_data["text"], by=request.user)
        messages.success(request, _("The achievement report is saved."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("awards:proposal", pk=pk)


@login_required
@require_POST
def proposal_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _editable(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    try:
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
def evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    proposal = get_proposal_for_user(request.user, pk)
    evidence = get_object_or_404(proposal.evidence, pk=evidence_id)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
@require_POST
def proposal_move(request: HttpRequest, pk: int, to: str) -> HttpResponse:
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
        messages.success(request, _("Done."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("awards:proposal", pk=pk)


# ---------------------------------------------------------------- initiatives


@login_required
def initiatives(request: HttpRequest) -> HttpResponse:
    """The register of initiatives in scope; POST records one."""
    if request.method not in {"GET", "POST"}:
        return HttpResponse(status=405)
    scope = scope_for(request.user)
    qs = Initiative.objects.select_related("unit", "used_for__title").prefetch_related("authors")
    if scope.unit_ids is not None:
        qs = qs.filter(unit_id__in=scope.unit_ids)
    form = InitiativeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _record_initiative(request, form):
            return redirect("awards:initiatives")
        status = 400
    page = Paginator(qs.order_by("-recognised_on", "id"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "levels": Initiative.Level.choices,
        "units": [u for u in scope.home_units if scope.writes(u.pk)],
    }
    return render(
        request, _fragment(request, "awards/initiatives.html", "table"), context, status=status
    )


def _record_initiative(request: HttpRequest, form: InitiativeForm) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    unit = get_unit_for_user(request.user, data["unit"], write=True)
    authors = list(Person.objects.filter(code__in=data["authors"]))
    missing = set(data["authors"]) - {a.code for a in authors}
    if missing:
        form.add_error(
            "authors", _("Unknown staff codes: %(codes)s") % {"codes": ", ".join(sorted(missing))}
        )
        return False
    try:
        actions.record_initiative(
            title=data["title"],
            authors=authors,
            unit=unit,
            level=data["level"],
            recognised_on=data["recognised_on"],
            recognised_by=data["recognised_by"],
            decision_ref=data["decision_ref"],
            by=request.user,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    messages.success(request, _("The initiative is recorded."))
    return True


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """Administrators recompute a year's eligibility for the sector."""
    require_admin(request.user)
    year = request.POST.get("year", "")
    if not (year.isdigit() and 2019 <= int(year) <= today().year):
        messages.error(request, _("Choose a year."))
        return redirect("awards:index")
    count = actions.recompute_eligibility(int(year), by=request.user)
    messages.success(
        request, _("%(count)s answers recomputed for %(year)s.") % {"count": count, "year": year}
    )
    return redirect(f"{_url('awards:index')}?year={year}")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@login_required
@require_GET
def thematic(request: HttpRequest) -> HttpResponse:
    """Thematic commendation for the phase reviews (sơ kết 2025, tổng kết 2030): the units in
    scope with the best THTK-CLP results over the whole phase (evaluation.board), still in
    operation at the review, each with a link proposing it for a collective Bằng khen by the
    unit above it."""
    phase = request.GET.get("phase", "")
    if phase not in board.PHASES:
        phase = next(iter(board.PHASES))
    first, last = board.PHASES[phase]
    day = min(today(), engine.year_end(last))
    found = board.phase_candidates(first, last, scope_for(request.user).unit_ids, limit=200)
    open_ids = set(
        OrgUnit.objects.at(day)
        .filter(id__in=[c.unit_id for c in found])
        .values_list("id", flat=True)
    )
    kept = [c for c in found if c.unit_id in open_ids][:THEMATIC_ROWS]
    names = tree.names_at([c.unit_id for c in kept], day)
    rows = []
    for c in kept:
        line = tree.ancestor_ids(c.unit_id, day)
        parent = line[-1] if line else None
        rows.append(
            {
                "candidate": c,
                "name": names.get(c.unit_id, c.code),
                "parent": parent,
                "can_propose": parent is not None and can_propose(request.user, parent),
            }
        )
    context = {
        "phase": phase,
        "phases": list(board.PHASES),
        "review_year": last,
        "rows": rows,
        "form_code": THEMATIC_FORM,
    }
    return render(request, "awards/thematic.html", context)
