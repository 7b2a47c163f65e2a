"""Evaluation pages: the year's rankings, a unit's programme and progress, the assessment with
every point explained, clusters, rubrics and the phase-review candidates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from thidua.accounts.access import get_unit_for_user, scope_for
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import today
from thidua.lib.text import vn_sort_key
from thidua.lib.uploads import (
    file_download,
    guard_upload,
    stored_kind,
    too_large_message,
    upload_too_large,
)
from thidua.movements.access import movements_for_user
from thidua.movements.scope import covers, movement_for, movements_of
from thidua.org import tree
from thidua.org.body import profile_for
from thidua.org.models import OrgUnit
from thidua.oversight.queries import confirmed_violations

from . import actions, board
from .access import (
    can_edit_unit,
    can_manage_clusters,
    can_review,
    cluster_organisers,
    clusters_for_user,
    get_assessment_for_user,
    get_cluster_for_user,
    get_programme_for_user,
    is_unit_head,
    require,
)
from .catalogue import programme_due
from .engine import typed_violations
from .forms import (
    MAX_EVIDENCE_BYTES,
    ClusterForm,
    OfficersForm,
    ProgrammeForm,
    ReasonForm,
    ReviewScoreForm,
    SelfScoreForm,
    TargetForm,
)
from .models import Assessment, Criterion, Programme, Rubric, Score
from .rankings import MEASURES, rank
from .targets import programme_progress

MEASURE_LABELS = {
    "total": gettext_lazy("Total score"),
    "improvement": gettext_lazy("Improvement over last year (among units of the same level)"),
    "per_staff": gettext_lazy("Savings per staff member (million VND)"),
    "per_billion": gettext_lazy("Savings per billion VND of recurrent budget (million VND)"),
}


def _year(request: AuthedHttpRequest) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    latest = Assessment.objects.filter(year__lte=today().year).order_by("-year").first()
    return latest.year if latest else today().year


def _messages(request: AuthedHttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_GET
def index(request: AuthedHttpRequest) -> HttpResponse:
    """Rankings of the year across the user's scope, by the chosen measure."""
    year = _year(request)
    measure = request.GET.get("measure", "total")
    if measure not in MEASURES:
        measure = "total"
    scope = scope_for(request.user)
    movements = movements_for_user(request.user)
    movement = board.year_movement(year, request.GET.get("movement"), movements)
    entries = board.entries(year, scope.unit_ids, movement=movement)
    if measure == "improvement":
        groups = board.similar_groups(entries, MEASURES[measure])
        rows = [r for group in groups.values() for r in group]
    else:
        rows = rank(entries, MEASURES[measure])
    units = OrgUnit.objects.filter(id__in=[e.unit_id for e in entries])
    names = dict(units.values_list("id", "name"))
    levels = dict(units.values_list("id", "level__name"))
    assessments = dict(
        board.of_movement(
            Assessment.objects.filter(year=year, unit_id__in=list(names)), movement
        ).values_list("unit_id", "id")
    )
    context = {
        "year": year,
        "movement": movement,
        "movements": movements.filter(covers(year)).distinct().order_by("pk"),
        "years": sorted(set(Assessment.objects.values_list("year", flat=True)), reverse=True),
        "measure": measure,
        "measures": MEASURE_LABELS,
        "rows": rows,
        "names": names,
        "levels": levels,
        "assessments": assessments,
        "clusters": clusters_for_user(request.user).filter(year=year),
        "can_manage_clusters": can_manage_clusters(request.user),
        "home_units": scope.home_units,
    }
    template = "evaluation/index.html#ranking" if request.htmx else "evaluation/index.html"
    return render(request, template, context)


@login_required
@require_GET
def unit_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A unit's programme with each target's progress, and its assessment."""
    unit = get_unit_for_user(request.user, pk)
    year = _year(request) if request.GET.get("year") else today().year
    programme = Programme.objects.filter(unit=unit, year=year).first()
    due, due_basis = programme_due(year)
    movement = movement_for(unit.pk, year, request.GET.get("movement"))
    assessments = Assessment.objects.filter(unit=unit, year=year)
    return render(
        request,
        "evaluation/unit.html",
        {
            "unit": unit,
            "year": year,
            "years": range(today().year + 1, 2021, -1),
            "programme": programme,
            "progress": programme_progress(programme) if programme else [],
            "due": due,
            "due_basis": due_basis,
            "assessment": board.of_movement(assessments, movement)
            .order_by(F("movement_id").asc(nulls_last=True))
            .first(),
            "movement": movement,
            "can_edit": can_edit_unit(request.user, unit.pk),
            "movements": movements_of(unit.pk, year),
        },
    )


@login_required
@require_POST
def open_assessment(request: AuthedHttpRequest, pk: int, year: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk, write=True)
    require(can_edit_unit(request.user, unit.pk))
    try:
        movement = movement_for(unit.pk, year, request.POST.get("movement"))
        a = actions.open_assessment(unit, year, by=request.user, movement=movement)
    except ValidationError as exc:
        _messages(request, exc)
        return redirect(f"{reverse('evaluation:unit', args=[unit.pk])}?year={year}")
    return redirect("evaluation:assessment", pk=a.pk)


def _score_rows(a: Assessment, confirmed: int = 0) -> list[dict[str, Any]]:
    rows = []
    for s in a.scores.select_related("criterion__group").order_by(
        "criterion__group__order", "criterion__order"
    ):
        c: Criterion = s.criterion
        own = _own_points(s, confirmed)
        rows.append(
            {
                "score": s,
                "criterion": c,
                "own": own,
                "effective": s.review_points if s.review_points is not None else own,
                "inputs": {k: v for k, v in s.inputs.items() if not k.startswith("_")},
                "threshold": s.inputs.get("_threshold"),
            }
        )
    return rows


def _own_points(s: Score, confirmed: int = 0) -> Any:
    c = s.criterion
    if c.kind == Criterion.Kind.COMPUTED or (c.kind == Criterion.Kind.DEDUCTION and c.formula):
        return s.computed_points
    if c.kind == Criterion.Kind.DEDUCTION:
        per = c.per_violation or c.max_points
        return -min(per * typed_violations(s.violations, confirmed), c.max_points)
    return s.self_points


def _assessment_context(request: AuthedHttpRequest, a: Assessment) -> dict[str, Any]:
    violations = confirmed_violations(a.unit_id, a.year)
    rows = _score_rows(a, len(violations))
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        g = row["criterion"].group
        entry = groups.setdefault(g.code, {"group": g, "rows": [], "own": 0, "effective": 0})
        entry["rows"].append(row)
        entry["own"] += row["own"] or 0
        entry["effective"] += row["effective"] or 0
    editable = a.status == Assessment.Status.DRAFT and can_edit_unit(request.user, a.unit_id)
    reviewing = a.status == Assessment.Status.SUBMITTED and can_review(request.user, a)
    return {
        "a": a,
        "groups": list(groups.values()),
        "editable": editable,
        "reviewing": reviewing,
        "can_submit": a.status == Assessment.Status.DRAFT and is_unit_head(request.user, a.unit_id),
        "transitions": a.transitions.select_related("by"),
        "violations": violations,
    }


@login_required
@require_GET
def assessment_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The score table: every criterion with its points and how they were reached."""
    a = get_assessment_for_user(request.user, pk)
    template = "evaluation/assessment.html#scores" if request.htmx else "evaluation/assessment.html"
    return render(request, template, _assessment_context(request, a))


def _after_score(request: AuthedHttpRequest, a: Assessment) -> HttpResponse:
    if request.htmx:
        a.refresh_from_db()
        return render(request, "evaluation/assessment.html#scores", _assessment_context(request, a))
    return redirect("evaluation:assessment", pk=a.pk)


@login_required
@require_POST
@guard_upload(MAX_EVIDENCE_BYTES)
def self_score(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The unit's own points (manual, with evidence) or violations (deduction); nothing is
    saved when the evidence file is too large or refused."""
    score = get_object_or_404(Score.objects.select_related("criterion"), pk=pk)
    a = get_assessment_for_user(request.user, score.assessment_id)
    require(can_edit_unit(request.user, a.unit_id))
    form = SelfScoreForm(request.POST, request.FILES)
    try:
        if upload_too_large(request):
            raise ValidationError(too_large_message(MAX_EVIDENCE_BYTES))
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        data = form.cleaned_data
        actions.save_self_score(
            score,
            by=request.user,
            points=data["points"],
            violations=data["violations"],
            evidence_link=data["evidence_link"],
            evidence_file=data["evidence_file"],
            note=data["note"],
        )
    except ValidationError as exc:
        _messages(request, exc)
    return _after_score(request, a)


@login_required
@require_POST
def review_score(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The level above changes a criterion's points, with a reason."""
    score = get_object_or_404(Score.objects.select_related("criterion"), pk=pk)
    a = get_assessment_for_user(request.user, score.assessment_id)
    require(can_review(request.user, a))
    form = ReviewScoreForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        actions.review_score(
            score,
            points=form.cleaned_data["points"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except ValidationError as exc:
        _messages(request, exc)
    return _after_score(request, a)


Allowed = Callable[[Any, Assessment], bool]
Run = Callable[[Assessment, Any, str], Any]
TRANSITIONS: dict[str, tuple[Allowed, Run]] = {
    "submit": (
        lambda u, a: is_unit_head(u, a.unit_id),
        lambda a, u, r: actions.submit_assessment(a, by=u),
    ),
    "return": (can_review, lambda a, u, r: actions.return_assessment(a, reason=r, by=u)),
    "finalise": (can_review, lambda a, u, r: actions.finalise_assessment(a, by=u)),
}


@login_required
@require_POST
def transition(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    a = get_assessment_for_user(request.user, pk)
    if action not in TRANSITIONS:
        raise Http404
    allowed, run = TRANSITIONS[action]
    require(allowed(request.user, a))
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        run(a, request.user, reason)
    except ValidationError as exc:
        _messages(request, exc)
    else:
        a.refresh_from_db()
        done = {
            "submit": _("The self-assessment of %(unit)s for %(year)s was sent for review."),
            "return": _("The assessment was returned to %(unit)s to be corrected."),
            "finalise": _("The score of %(unit)s for %(year)s is final."),
        }[action]
        messages.success(request, done % {"unit": a.unit.name, "year": a.year})
    return redirect("evaluation:assessment", pk=pk)


@login_required
def programme_page(request: AuthedHttpRequest, pk: int, year: int) -> HttpResponse:
    """Draft, edit and approve the unit's programme for the year; add numeric targets."""
    unit = get_unit_for_user(request.user, pk)
    programme = Programme.objects.filter(unit=unit, year=year).first()
    editable = can_edit_unit(request.user, unit.pk) and (
        programme is None or programme.status == Programme.Status.DRAFT
    )
    initial = {}
    if programme:
        initial = {
            k: getattr(programme, k)
            for k in ("key_tasks", "measures", "responsible_units", "issued_on")
        }
    form = ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(editable)
        if form.is_valid():
            try:
                programme = actions.save_programme(unit, year, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The programme was saved."))
                return redirect("evaluation:programme", pk=unit.pk, year=year)
    due, due_basis = programme_due(year)
    return render(
        request,
        "evaluation/programme.html",
        {
            "unit": unit,
            "year": year,
            "programme": programme,
            "form": form,
            "target_form": TargetForm(),
            "editable": editable,
            "due": due,
            "due_basis": due_basis,
            "progress": programme_progress(programme) if programme else [],
            "can_approve": programme is not None
            and programme.status == Programme.Status.DRAFT
            and is_unit_head(request.user, unit.pk),
        },
    )


@login_required
@require_POST
def add_target(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, pk)
    require(can_edit_unit(request.user, programme.unit_id))
    form = TargetForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        actions.add_target(programme, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, _("The target was added."))
    return redirect("evaluation:programme", pk=programme.unit_id, year=programme.year)


@login_required
@require_POST
def approve_programme(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, pk)
    require(is_unit_head(request.user, programme.unit_id))
    try:
        actions.approve_programme(programme, by=request.user)
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, _("The programme was approved."))
    return redirect("evaluation:programme", pk=programme.unit_id, year=programme.year)


@login_required
@require_GET
def cluster_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Members of a cluster with their totals and ranks in the cluster; chair and deputy."""
    cluster = get_cluster_for_user(request.user, pk)
    members = list(OrgUnit.objects.filter(id__in=cluster.memberships.values("unit_id")))
    members.sort(key=lambda m: vn_sort_key(m.name))
    movement = board.year_movement(
        cluster.year, request.GET.get("movement"), movements_for_user(request.user)
    )
    entries = board.entries(cluster.year, [m.pk for m in members], movement=movement)
    ranked = rank(entries)
    names = {m.pk: m.name for m in members}
    assessed = {e.unit_id for e in entries}
    return render(
        request,
        "evaluation/cluster.html",
        {
            "cluster": cluster,
            "ranked": ranked,
            "names": names,
            "unassessed": [m for m in members if m.pk not in assessed],
            "members": members,
            "can_manage": can_manage_clusters(request.user),
            "profile": profile_for(cluster.organiser_id),
            "assessments": dict(
                board.of_movement(
                    Assessment.objects.filter(year=cluster.year, unit__in=members), movement
                ).values_list("unit_id", "id")
            ),
        },
    )


def _member_choices(organiser: OrgUnit, year: int) -> list[tuple[int, str]]:
    """The units under the organiser at the end of the year (the provinces under the supreme
    procuracy, the regional units under a province), by name."""
    day = min(dt.date(year, 12, 31), max(today(), dt.date(year, 1, 1)))
    ids = tree.children_ids(organiser.pk, day)
    names = tree.names_at(ids, day)
    return sorted(names.items(), key=lambda kv: vn_sort_key(kv[1]))


@login_required
def cluster_new(request: AuthedHttpRequest) -> HttpResponse:
    """The council secretary sets up a cluster or block of the year: code, name, members
    ticked among the units the organiser runs, pact date and scoring table."""
    if request.method not in {"GET", "POST"}:
        return HttpResponse(status=405)
    require(can_manage_clusters(request.user))
    organisers = cluster_organisers(request.user)
    require(bool(organisers))
    raw = request.POST.get("year") or request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else today().year
    organiser = organisers[0]
    units = _member_choices(organiser, year)
    form = ClusterForm(request.POST or None, units=units, year=year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        members = list(OrgUnit.objects.filter(pk__in=data["members"]))
        try:
            cluster = actions.create_cluster(
                by=request.user,
                year=year,
                code=data["code"],
                name=data["name"],
                organiser=organiser,
                members=members,
                kind=data["kind"],
                pact_signed_on=data["pact_signed_on"],
                rubric=data["rubric"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The cluster was created."))
            return redirect("evaluation:cluster", pk=cluster.pk)
    context = {"form": form, "year": year, "organiser": organiser}
    return render(request, "evaluation/cluster_new.html", context)


@login_required
@require_POST
def cluster_officers(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request.user, pk)
    require(can_manage_clusters(request.user))
    form = OfficersForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose the chair and the deputy among the members."))
        units = {
            u.pk: u
            for u in OrgUnit.objects.filter(
                pk__in=[form.cleaned_data["chair"], form.cleaned_data["deputy"]]
            )
        }
        chair, deputy = (
            units.get(form.cleaned_data["chair"]),
            units.get(form.cleaned_data["deputy"]),
        )
        if chair is None or deputy is None:
            raise ValidationError(_("Choose the chair and the deputy among the members."))
        actions.set_cluster_officers(cluster, chair=chair, deputy=deputy, by=request.user)
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, _("The chair and the deputy were recorded."))
    return redirect("evaluation:cluster", pk=pk)


@login_required
@require_GET
def rubric_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A score table: groups with their maxima from the Circular, criteria set by the sector."""
    rubric = get_object_or_404(Rubric, pk=pk)
    groups = rubric.groups.prefetch_related("criteria")
    return render(
        request,
        "evaluation/rubric.html",
        {"rubric": rubric, "groups": groups, "rubrics": Rubric.objects.all()},
    )


@login_required
@require_GET
def phase_page(request: AuthedHttpRequest) -> HttpResponse:
    """Thematic commendation for the phase reviews: the units with the best THTK-CLP results
    over the whole phase (sơ kết 2025, tổng kết 2030)."""
    movement = board.phase_movement(request.GET.get("movement"), movements_for_user(request.user))
    phases = board.phases(movement)
    phase = request.GET.get("phase", "")
    if phase not in phases:
        phase = next(iter(phases), "")
    first, last = phases.get(phase, (today().year, today().year))
    scope = scope_for(request.user)
    candidates = board.phase_candidates(first, last, scope.unit_ids, movement=movement)
    names = dict(
        OrgUnit.objects.filter(id__in=[c.unit_id for c in candidates]).values_list("id", "name")
    )
    return render(
        request,
        "evaluation/phase.html",
        {
            "phase": phase,
            "phases": phases,
            "movement": movement,
            "first": first,
            "last": last,
            "candidates": candidates,
            "names": names,
            "leaders": board.phase_leaders([c.unit_id for c in candidates], first, last),
        },
    )


@login_required
@require_GET
def evidence(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """The evidence file of one score, for whoever may read its assessment (404 otherwise)."""
    score = get_object_or_404(Score.objects.select_related("assessment"), pk=pk)
    get_assessment_for_user(request.user, score.assessment_id)
    if not score.evidence_file:
        raise Http404
    name = score.evidence_file.name.rsplit("/", 1)[-1]
    kind = stored_kind(score.evidence_file, limit=MAX_EVIDENCE_BYTES)
    return file_download(score.evidence_file, name, kind)
