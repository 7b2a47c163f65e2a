"""The evaluation's changes. Each is one atomic function that checks the rules, changes the
rows, and writes the audit event in the same transaction (STYLE.md).

Assessment workflow (Circular 129/2017: units self-score; the level above checks):

    draft ─submit→ submitted ─finalise→ final
      ↑               │return (with a reason)
      └───────────────┘
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.audit.chain import Change, record, record_many
from thidua.audit.workflow import move_status
from thidua.lib.batch import gc_paused
from thidua.lib.text import nfc
from thidua.movements.models import Movement
from thidua.movements.scope import movement_for
from thidua.org import tree
from thidua.org.models import OrgUnit
from thidua.reporting.models import Indicator

from . import engine, notices, scoring
from .figures import indicators_for, year_figures
from .models import (
    Assessment,
    AssessmentTransition,
    Cluster,
    ClusterMember,
    Criterion,
    Programme,
    Rubric,
    Score,
    Target,
)
from .targets import refresh_targets, target_codes

S = Assessment.Status
ALLOWED: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.FINAL, S.DRAFT},
    S.FINAL: set(),
}
MAX_TARGET = Decimal("1e12")


def _move(a: Assessment, to: str, *, by: Any, reason: str = "") -> Assessment:
    move_status(
        a,
        to,
        allowed=ALLOWED,
        refusal=_("This step is not possible for an assessment in this state."),
        object_type="evaluation.assessment",
        by=by,
        reason=reason,
        history=AssessmentTransition,
        fields=[],
        after={"total": a.total},
    )
    return a


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


# --- rubrics and assessments ---------------------------------------------------------------


def entity_type_for(unit: OrgUnit, year: int) -> str:
    """A budget level below the body's root (a commune's budget: the unit's budget role is
    "budget level" and it has a parent at the end of the year) is scored on the commune table
    when one is in force (Circular 129/2017 Art. 7: 60/40/deductions); otherwise a unit with
    subordinate units at the end of the year is scored as an upper-level unit (10/40/40/10),
    any other as a unit spending directly (Art. 4: 70/30/deductions)."""
    day = dt.date(year, 12, 31)
    if (
        unit.budget_role == OrgUnit.BudgetRole.BUDGET_LEVEL
        and tree.ancestor_ids(unit.pk, day)
        and Rubric.objects.at(day).filter(entity_type=Rubric.EntityType.COMMUNE).exists()
    ):
        return Rubric.EntityType.COMMUNE
    has_children = bool(tree.children_ids(unit.pk, day))
    return Rubric.EntityType.UPPER if has_children else Rubric.EntityType.DIRECT


def rubric_for(entity_type: str, year: int, movement: Movement | None = None) -> Rubric:
    """The score table in force at the end of `year` for this kind of unit: the movement's own
    (Rubric.movement) if it has one, else a table no movement owns; without a movement, a
    table no movement owns, else any (an install with one movement)."""
    in_force = Rubric.objects.at(dt.date(year, 12, 31)).filter(entity_type=entity_type)
    rubric = None
    if movement is not None:
        rubric = in_force.filter(movement=movement).first()
    rubric = rubric or in_force.filter(movement__isnull=True).first()
    if rubric is None and movement is None:
        rubric = in_force.first()
    if rubric is None:
        raise ValidationError(
            _("No score table is in force for this kind of unit in %(year)s. Load the rubrics.")
            % {"year": year}
        )
    return rubric  # type: ignore[no-any-return]


@transaction.atomic
def open_assessment(
    unit: OrgUnit, year: int, *, by: Any, movement: Movement | None = None
) -> Assessment:
    """The unit's assessment for the year in its movement (`movement`, else the movement the
    unit takes part in that year; a unit in two movements has one in each), created as a
    draft the first time, with one score row per criterion of the rubric in force for that
    movement; computed criteria filled from approved figures."""
    movement = movement or movement_for(unit.pk, year)
    of_year = Assessment.objects.filter(unit=unit, year=year)
    existing = of_year.filter(movement=movement).first() or of_year.filter(movement=None).first()
    if existing is not None:  # that movement's, or one made before the unit had a movement
        return existing
    if not unit.is_open_on(dt.date(year, 12, 31)) and not unit.is_open_on(dt.date(year, 1, 1)):
        raise ValidationError(_("The unit was not in operation in this year."))
    rubric = rubric_for(entity_type_for(unit, year), year, movement)
    a = Assessment.objects.create(unit=unit, year=year, rubric=rubric, movement=movement)
    criteria = Criterion.objects.filter(group__rubric=rubric)
    Score.objects.bulk_create(Score(assessment=a, criterion=c) for c in criteria)
    engine.compute(year, [a])
    a.refresh_from_db()
    record(
        "evaluation.assessment.open",
        by=by,
        object_type="evaluation.assessment",
        object_id=a.pk,
        after={"unit": unit.code, "year": year, "rubric": rubric.code},
    )
    return a


def _points(text: Any, field: str) -> Decimal | None:
    if text in (None, ""):
        return None
    try:
        value = Decimal(str(text).replace(",", "."))
    except InvalidOperation as exc:
        raise ValidationError({field: _("Write a number of points such as 8 or 7,5.")}) from exc
    if not value.is_finite():
        raise ValidationError({field: _("Write a number of points such as 8 or 7,5.")})
    return value


@transaction.atomic
def save_self_score(
    score: Score,
    *,
    by: Any,
    points: Any = None,
    violations: int | None = None,
    evidence_link: str = "",
    evidence_file: UploadedFile | None = None,
    note: str = "",
) -> Score:
    """The unit's own points on a manual criterion (evidence mandatory) or its count of
    violations on a deduction. Computed criteria are never typed."""
    a = Assessment.objects.select_for_update().get(pk=score.assessment_id)
    if a.status != S.DRAFT:
        raise ValidationError(_("The self-assessment was submitted: it can no longer be changed."))
    kind = score.criterion.kind
    before = {"points": score.self_points, "violations": score.violations}
    if kind == Criterion.Kind.COMPUTED:
        raise ValidationError(_("This criterion is computed from approved figures."))
    if kind == Criterion.Kind.DEDUCTION and score.criterion.formula:
        raise ValidationError(
            _("This deduction is counted from the reports' deadlines and submission dates.")
        )
    if kind == Criterion.Kind.MANUAL:
        value = _points(points, "points")
        if value is not None and not (0 <= value <= score.criterion.max_points):
            raise ValidationError(
                {
                    "points": _("Points must be between 0 and %(max)s.")
                    % {"max": score.criterion.max_points}
                }
            )
        has_evidence = bool(evidence_link or evidence_file or score.has_evidence)
        if value is not None and not has_evidence:
            raise ValidationError(_("Attach a file or give a link as evidence for these points."))
        score.self_points = value
    else:
        if violations is None or violations < 0:
            raise ValidationError({"violations": _("Give the number of violations (0 or more).")})
        score.violations = violations
    if evidence_link:
        score.evidence_link = nfc(evidence_link)
    if evidence_file is not None:
        score.evidence_file = evidence_file
    score.note = nfc(note)
    score.full_clean()
    score.save()
    engine.compute(a.year, [a])
    record(
        "evaluation.score.self",
        by=by,
        object_type="evaluation.score",
        object_id=score.pk,
        before=before,
        after={"points": score.self_points, "violations": score.violations},
    )
    return score


@transaction.atomic
def submit_assessment(a: Assessment, *, by: Any) -> Assessment:
    """The unit sends its self-assessment to the level above: every manual criterion must
    carry points and evidence."""
    missing = Score.objects.filter(
        assessment=a, criterion__kind=Criterion.Kind.MANUAL, self_points__isnull=True
    )
    if missing.exists():
        raise ValidationError(_("Enter the points of every criterion scored by hand first."))
    return _move(a, S.SUBMITTED, by=by)


def _bounds(criterion: Criterion) -> tuple[Decimal, Decimal]:
    if criterion.kind == Criterion.Kind.DEDUCTION:
        return -criterion.max_points, Decimal(0)
    return Decimal(0), criterion.max_points


@transaction.atomic
def review_score(score: Score, *, points: Any, reason: str, by: Any) -> Score:
    """The level above changes a criterion's points; every change needs a reason. Empty
    points withdraw the change."""
    a = Assessment.objects.select_for_update().get(pk=score.assessment_id)
    if a.status != S.SUBMITTED:
        raise ValidationError(_("Only a submitted self-assessment can be reviewed."))
    value = _points(points, "points")
    reason = nfc(reason)
    if value is not None:
        low, high = _bounds(score.criterion)
        if not low <= value <= high:
            raise ValidationError(
                {
                    "points": _("Points must be between %(low)s and %(high)s.")
                    % {"low": low, "high": high}
                }
            )
        if not reason:
            raise ValidationError({"reason": _("Give the reason for changing the points.")})
    before = {"points": score.review_points, "reason": score.review_reason}
    score.review_points = value
    score.review_reason = reason if value is not None else ""
    score.save(update_fields=["review_points", "review_reason"])
    engine.compute(a.year, [a])
    record(
        "evaluation.score.review",
        by=by,
        object_type="evaluation.score",
        object_id=score.pk,
        before=before,
        after={"points": value},
        reason=reason,
    )
    if value is not None:
        notices.assessment_changed(a, by=by, what="score", reason=reason)
    return score


@transaction.atomic
def return_assessment(a: Assessment, *, reason: str, by: Any) -> Assessment:
    if not nfc(reason):
        raise ValidationError({"reason": _("Give the reason for sending it back.")})
    _move(a, S.DRAFT, by=by, reason=nfc(reason))
    notices.assessment_changed(a, by=by, what="returned", reason=nfc(reason))
    return a


@transaction.atomic
def finalise_assessment(a: Assessment, *, by: Any) -> Assessment:
    """The level above closes the evaluation; the total becomes the unit's result."""
    engine.compute(a.year, [a])
    a.refresh_from_db()
    _move(a, S.FINAL, by=by)
    notices.assessment_changed(a, by=by, what="final")
    return a


def recompute_unit_year(unit_id: int, year: int) -> None:
    """Recompute the unit's assessments of the year that are not final yet: called when a
    supervisor confirms a violation (oversight), which the norms-compliance deduction counts
    (Circular 129/2017/TT-BTC, Art. 4(3) and 7(3)). A final assessment is not changed."""
    assessments = list(
        Assessment.objects.filter(unit_id=unit_id, year=year).exclude(status=S.FINAL)
    )
    if assessments:
        engine.compute(year, assessments)


@transaction.atomic
@gc_paused()
def recompute_scores(year: int) -> int:
    """Recompute every computed criterion, total and grade of every assessment of the year
    from the approved figures, set-wise (a few queries for the whole year). Returns the number
    of assessments whose total or grade changed; one audit event per changed assessment."""
    assessments = list(Assessment.objects.filter(year=year))
    before = {a.pk: a.total for a in assessments}
    specs = engine.rubric_specs({a.rubric_id for a in assessments})
    codes = engine.formula_codes(specs.values()) | target_codes(year)
    figures = year_figures(year, indicators_for(codes))
    _scores, changed = engine.compute(year, assessments, figures)
    refresh_targets(year, figures)
    record_many(
        [
            Change(
                "evaluation.assessment.recompute",
                "evaluation.assessment",
                a.pk,
                {"total": before[a.pk]},
                {"total": a.total},
            )
            for a in changed
        ],
        by="system",
    )
    return len(changed)


# --- programmes ----------------------------------------------------------------------------


@transaction.atomic
def save_programme(
    unit: OrgUnit,
    year: int,
    *,
    by: Any,
    key_tasks: str = "",
    measures: str = "",
    responsible_units: str = "",
    issued_on: dt.date | None = None,
) -> Programme:
    """Create or edit the unit's THTK-CLP programme for the year (a draft until approved)."""
    programme, created = Programme.objects.get_or_create(unit=unit, year=year)
    if programme.status == Programme.Status.APPROVED:
        raise ValidationError(_("The programme is approved: it can no longer be changed."))
    before = None if created else {"key_tasks": programme.key_tasks}
    programme.key_tasks = nfc(key_tasks)
    programme.measures = nfc(measures)
    programme.responsible_units = nfc(responsible_units)
    programme.issued_on = issued_on
    programme.save()
    record(
        "evaluation.programme.save",
        by=by,
        object_type="evaluation.programme",
        object_id=programme.pk,
        before=before,
        after={"unit": unit.code, "year": year, "key_tasks": programme.key_tasks},
    )
    return programme


@transaction.atomic
def add_target(
    programme: Programme,
    *,
    by: Any,
    indicator: Indicator,
    kind: str,
    comparator: str,
    value: Decimal,
    note: str = "",
) -> Target:
    """A numeric target on an indicator (one per indicator and kind)."""
    if programme.status == Programme.Status.APPROVED:
        raise ValidationError(_("The programme is approved: it can no longer be changed."))
    if abs(value) > MAX_TARGET:
        raise ValidationError({"value": _("The target value is too large.")})
    if Target.objects.filter(programme=programme, indicator=indicator, kind=kind).exists():
        raise ValidationError(_("The programme already has this target."))
    target = Target(
        programme=programme,
        indicator=indicator,
        kind=kind,
        comparator=comparator,
        value=value,
        note=nfc(note),
    )
    target.full_clean()
    target.save()
    record(
        "evaluation.target.add",
        by=by,
        object_type="evaluation.target",
        object_id=target.pk,
        after={"indicator": indicator.code, "kind": kind, "comparator": comparator, "value": value},
    )
    return target


@transaction.atomic
def approve_programme(programme: Programme, *, by: Any) -> Programme:
    """The unit head approves the programme; it has at least one target."""
    if programme.status == Programme.Status.APPROVED:
        raise ValidationError(_("The programme is already approved."))
    if not programme.targets.exists():
        raise ValidationError(_("Add at least one numeric target before approving."))
    programme.status = Programme.Status.APPROVED
    programme.approved_by = _user(by)
    programme.approved_at = timezone.now()
    programme.save(update_fields=["status", "approved_by", "approved_at"])
    record(
        "evaluation.programme.approve",
        by=by,
        object_type="evaluation.programme",
        object_id=programme.pk,
        before={"status": "draft"},
        after={"status": "approved"},
    )
    return programme


# --- clusters ------------------------------------------------------------------------------


@transaction.atomic
def create_cluster(
    *,
    by: Any,
    year: int,
    code: str,
    name: str,
    organiser: OrgUnit,
    members: list[OrgUnit],
    kind: str = Cluster.Kind.CLUSTER,
    pact_signed_on: dt.date | None = None,
    rubric: Rubric | None = None,
) -> Cluster:
    """A cluster or block for the year; a unit belongs to one cluster (or block) a year."""
    if Cluster.objects.filter(year=year, code=code).exists():
        raise ValidationError(_("A cluster with this code exists for this year."))
    if len(members) < 2:
        raise ValidationError(_("A cluster has at least two members."))
    taken = ClusterMember.objects.filter(year=year, kind=kind, unit__in=members).values_list(
        "unit__code", flat=True
    )
    if taken:
        raise ValidationError(
            _("Already in another cluster this year: %(units)s") % {"units": ", ".join(taken)}
        )
    cluster = Cluster.objects.create(
        year=year,
        code=code,
        name=nfc(name),
        kind=kind,
        organiser=organiser,
        pact_signed_on=pact_signed_on,
        rubric=rubric,
    )
    ClusterMember.objects.bulk_create(
        ClusterMember(cluster=cluster, unit=u, year=year, kind=kind) for u in members
    )
    record(
        "evaluation.cluster.create",
        by=by,
        object_type="evaluation.cluster",
        object_id=cluster.pk,
        after={"year": year, "code": code, "members": sorted(u.code for u in members)},
    )
    return cluster


def _evaluated_before(unit: OrgUnit, year: int) -> bool:
    return Assessment.objects.filter(unit=unit, year=year - 1, status=S.FINAL).exists()


@transaction.atomic
def set_cluster_officers(cluster: Cluster, *, chair: OrgUnit, deputy: OrgUnit, by: Any) -> Cluster:
    """The chair (cụm trưởng) and deputy (cụm phó): two different members, each evaluated in
    the previous year (sector guidance of 2020, emulation-rules.md §3.3)."""
    members = set(cluster.memberships.values_list("unit_id", flat=True))
    if chair.pk == deputy.pk:
        raise ValidationError(_("The chair and the deputy must be two different units."))
    for unit in (chair, deputy):
        if unit.pk not in members:
            raise ValidationError(
                _("%(unit)s is not a member of this cluster.") % {"unit": unit.name}
            )
        if not _evaluated_before(unit, cluster.year):
            raise ValidationError(
                _("%(unit)s was not evaluated in %(year)s and cannot be chair or deputy.")
                % {"unit": unit.name, "year": cluster.year - 1}
            )
    before = {"chair": cluster.chair_id, "deputy": cluster.deputy_id}
    cluster.chair, cluster.deputy = chair, deputy
    cluster.save(update_fields=["chair", "deputy"])
    record(
        "evaluation.cluster.officers",
        by=by,
        object_type="evaluation.cluster",
        object_id=cluster.pk,
        before=before,
        after={"chair": chair.pk, "deputy": deputy.pk},
    )
    return cluster


ZERO_POINTS = scoring.ZERO
