"""Sampled second review (kiểm tra xác suất, issue 13 point 8): each year the supervisor of a
scope draws units whose approved report and records are verified again, weighted by risk.

The draw is reproducible by anyone from the recorded seed and weights (stdlib only):

1. weight of a unit w = 1 + min(open findings of the unit in the year, 4)
   (a unit with open red flags counts up to five times more);
2. u = (int(HMAC-SHA256(key=seed, msg=str(unit id)), 16) + 1) / (2**256 + 1), in (0, 1);
3. sort key k = ln(u) / w (the same order as u^(1/w), Efraimidis–Spirakis weighted sampling
   without replacement); ties broken by the unit id;
4. the `size` units with the largest keys are drawn, ranked by key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.audit.chain import record
from thidua.org import tree
from thidua.reporting.actions import reopen_report
from thidua.reporting.models import Report

from .models import (
    OPEN_STATES,
    Finding,
    FindingHistory,
    FindingState,
    SampleDraw,
    SampleItem,
    SampleResult,
)

MAX_EXTRA_WEIGHT = 4
REVIEW_RULE = "SAMPLE_REVIEW"


def sort_key(seed: str, unit_id: int, weight: float) -> float:
    """ln(u) / w with u from HMAC-SHA256(seed, unit id): larger keys are drawn first."""
    digest = hmac.new(seed.encode(), str(unit_id).encode(), hashlib.sha256).hexdigest()
    u = (int(digest, 16) + 1) / (2**256 + 1)
    return math.log(u) / weight


def choose(seed: str, weights: Mapping[int, float], size: int) -> list[int]:
    """The unit ids drawn, in rank order (weighted sampling without replacement)."""
    keyed = sorted(
        ((sort_key(seed, uid, w), uid) for uid, w in weights.items() if w > 0),
        key=lambda kv: (-kv[0], kv[1]),
    )
    return [uid for _k, uid in keyed[:size]]


def risk_weights(unit_ids: list[int], year: int) -> dict[int, int]:
    """1 + the unit's open findings of the year (at most 4 more)."""
    open_counts = dict(
        Finding.objects.filter(unit_id__in=unit_ids, year=year, status__in=list(OPEN_STATES))
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    return {u: 1 + min(open_counts.get(u, 0), MAX_EXTRA_WEIGHT) for u in unit_ids}


def _report_of(unit_id: int, year: int) -> int | None:
    """The unit's latest approved (or accepted) report of a period ending in the year."""
    return (
        Report.objects.filter(unit_id=unit_id, period__end__year=year, status__in=Report.LOCKED)
        .order_by("-period__end", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def draw_sample(
    scope_id: int, year: int, size: int, *, by: Any, seed: str | None = None
) -> SampleDraw:
    """Draw the year's sample of the scope (its units below it at the year's end); once a
    year: a second draw is refused."""
    if size < 1:
        raise ValidationError({"size": _("The sample needs at least one unit.")})
    if SampleDraw.objects.filter(scope_id=scope_id, year=year).exists():
        raise ValidationError(_("The sample of this year is already drawn."))
    units = [u for u in tree.subtree_ids(scope_id, dt.date(year, 12, 31)) if u != scope_id]
    if not units:
        raise ValidationError(_("There is no unit below this one to sample."))
    seed = seed or secrets.token_hex(16)
    weights = risk_weights(units, year)
    chosen = choose(seed, {u: float(w) for u, w in weights.items()}, size)
    with transaction.atomic():
        d = SampleDraw.objects.create(
            scope_id=scope_id,
            year=year,
            seed=seed,
            size=size,
            weights={str(u): w for u, w in sorted(weights.items())},
            drawn_by=by,
        )
        SampleItem.objects.bulk_create(
            SampleItem(
                draw=d,
                unit_id=u,
                rank=i + 1,
                weight=Decimal(weights[u]),
                report_id=_report_of(u, year),
            )
            for i, u in enumerate(chosen)
        )
        record(
            "oversight.sample.draw",
            by=by,
            object_type="oversight.sampledraw",
            object_id=d.pk,
            after={"scope": scope_id, "year": year, "seed": seed, "size": size, "units": chosen},
        )
    return d


def recompute(d: SampleDraw) -> list[int]:
    """The draw recomputed from its recorded seed and weights (to verify it)."""
    weights = {int(u): float(w) for u, w in d.weights.items()}
    return choose(d.seed, weights, d.size)


def record_result(item: SampleItem, result: str, *, by: Any, note: str = "") -> None:
    """The verification's result. A corrected figure reopens the unit's approved report
    (reporting's reopen, with the note as the reason); a violation opens a finding under
    review, triaged like every finding."""
    if result not in {SampleResult.CONFIRMED, SampleResult.CORRECTED, SampleResult.VIOLATION}:
        raise ValidationError({"result": _("Choose the result of the verification.")})
    if item.result != SampleResult.PENDING:
        raise ValidationError(_("The result of this unit is already recorded."))
    text = note.strip()
    if result != SampleResult.CONFIRMED and not text:
        raise ValidationError({"note": _("Say what was corrected or found.")})
    with transaction.atomic():
        if result == SampleResult.CORRECTED:
            report = Report.objects.filter(pk=item.report_id).first() if item.report_id else None
            if report is None or report.status not in Report.LOCKED:
                raise ValidationError(_("The unit has no approved report of the year to reopen."))
            reopen_report(report, by=by, reason=text)
        if result == SampleResult.VIOLATION:
            item.finding = _violation(item, text, by=by)
        item.result, item.note = result, text
        item.save(update_fields=["result", "note", "finding"])
        record(
            "oversight.sample.result",
            by=by,
            object_type="oversight.sampleitem",
            object_id=item.pk,
            after={"result": result, "note": text},
        )


def _violation(item: SampleItem, note: str, *, by: Any) -> Finding:
    d = item.draw
    f = Finding.objects.create(
        unit_id=item.unit_id,
        year=d.year,
        rule=REVIEW_RULE,
        key=f"{REVIEW_RULE}:d{d.pk}",
        severity="high",
        numbers={"note": note},
        status=FindingState.REVIEW,
    )
    FindingHistory.objects.create(
        finding=f,
        from_status=FindingState.NEW,
        to_status=FindingState.REVIEW,
        by=by,
        at=timezone.now(),
        reason=note,
    )
    return f
