"""Writing records (audited, re-checked at once) and moving findings through their triage."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Lower
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from thidua.audit.chain import record
from thidua.audit.workflow import move_status
from thidua.lib.batch import gc_paused
from thidua.org.models import Person

from . import reading
from .actions_assets import RELATIONS, asset_records, conference_peer_hits
from .models import (
    Finding,
    FindingHistory,
    FindingState,
    ProcurementPackage,
    TravelClaim,
    TravelTotal,
)
from .norms import norm_table
from .rules import REGISTRY, Hit, Package, Records, Travel, peer_outliers, run_rules

S = FindingState
MOVES: dict[str, set[str]] = {
    S.NEW: {S.REVIEW, S.CONFIRMED, S.DISMISSED},
    S.REVIEW: {S.EXPLAINED, S.CONFIRMED, S.DISMISSED},
    S.EXPLAINED: {S.REVIEW, S.CONFIRMED, S.DISMISSED},
    S.CONFIRMED: set(),
    S.DISMISSED: set(),
}

AFTER_CONFIRM: list[Callable[[int, int], None]] = []
"""Called with (unit id, year) inside the transaction that confirms a violation: evaluation,
which reads oversight (never the reverse), registers the recompute of the unit's THTK-CLP
assessment there (thidua/evaluation/apps.py)."""


def _plain(obj: Any) -> dict[str, Any]:
    return {k: (str(v) if v is not None else None) for k, v in model_to_dict(obj).items()}


def save_record(obj: TravelClaim | ProcurementPackage, *, by: Any) -> list[Finding]:
    """Validate (ValidationError naming the field, nothing written), save, audit, and re-check
    the unit's records of the year; returns the unit's findings of the year."""
    kind = "travel" if isinstance(obj, TravelClaim) else "package"
    return write_record(obj, kind, by=by, peers=kind == "travel")


def delete_record(obj: TravelClaim | ProcurementPackage, *, by: Any) -> None:
    kind = "travel" if isinstance(obj, TravelClaim) else "package"
    remove_record(obj, kind, by=by, peers=kind == "travel")


def write_record(obj: Any, kind: str, *, by: Any, peers: bool) -> list[Finding]:
    """The one save of every kind of record (`kind` names it in the audit log): validated
    first, audited, then the unit's year re-checked (with the peer rules when `peers`)."""
    obj.full_clean()
    with transaction.atomic():
        before = _plain(type(obj).objects.get(pk=obj.pk)) if obj.pk else None
        obj.save()
        record(
            f"oversight.{kind}.{'change' if before else 'add'}",
            by=by,
            object_type=f"oversight.{kind}",
            object_id=obj.pk,
            before=before,
            after=_plain(obj),
        )
        return recheck_unit(obj.unit_id, obj.year, peers=peers)


def confirmed_behind(obj: Any) -> list[Finding]:
    """The confirmed violations (counted in the unit's THTK-CLP score) that rest on the record
    (every kind links its findings as `findings`)."""
    if obj.pk is None:
        return []
    return list(obj.findings.filter(status=S.CONFIRMED).order_by("pk"))


def remove_record(obj: Any, kind: str, *, by: Any, peers: bool) -> None:
    """The one delete of every kind of record: audited, then the unit's year re-checked.
    A record behind a confirmed violation is kept (ValidationError, nothing written): the
    violation is counted in the unit's score and its evidence must stay; a confirmed finding
    is final, so the record can be corrected but not deleted."""
    if confirmed_behind(obj):
        raise ValidationError(
            _(
                "This record is the evidence of a confirmed violation counted in the unit's "
                "assessment: it cannot be deleted. Correct its figures instead if they are wrong."
            )
        )
    with transaction.atomic():
        before, pk, unit_id, year = _plain(obj), obj.pk, obj.unit_id, obj.year
        obj.delete()
        record(
            f"oversight.{kind}.delete",
            by=by,
            object_type=f"oversight.{kind}",
            object_id=pk,
            before=before,
        )
        recheck_unit(unit_id, year, peers=peers)


TRAVEL_COLUMNS = (
    "pk",
    "unit_id",
    "year",
    "person",
    "start",
    "end",
    "destination",
    "allowance_paid",
    "lodging_mode",
    "lodging_paid",
    "transport_paid",
)
PACKAGE_COLUMNS = (
    "pk",
    "unit_id",
    "year",
    "item",
    "category",
    "method",
    "estimate",
    "award_price",
    "bidders",
    "award_date",
    "supplier_tax_code",
    "supplier_name",
    "on_central_list",
    "notice_date",
    "bid_closing",
    "eligible_bidders",
    "next_bid",
    "bid_prices",
    "settlement",
    "settlement_note",
)


def records_of(year: int, unit_ids: Collection[int] | None = None) -> Records:
    """The year's records (of the units, or all) as the rules' plain records, read with only
    the columns the rules need (reading.py)."""
    travel = TravelClaim.objects.filter(year=year)
    packages = ProcurementPackage.objects.filter(year=year)
    if unit_ids is not None:
        travel, packages = (
            travel.filter(unit_id__in=list(unit_ids)),
            packages.filter(unit_id__in=list(unit_ids)),
        )
    with gc_paused():  # the collector would sweep the new records again and again
        day, money, bids = reading.days(), reading.money(), reading.to_bids
        new_travel, new_package = reading.maker(Travel), reading.maker(Package)
        t_rows = [
            new_travel(
                (*r[:4], day[r[4]], day[r[5]], r[6], money[r[7]], r[8], money[r[9]], money[r[10]])
            )
            for r in reading.rows(travel, TRAVEL_COLUMNS)
        ]
        p_rows = [
            new_package(
                (*r[:6], money[r[6]], money[r[7]], r[8], day[r[9]], r[10], r[11], bool(r[12]))  # noqa: RUF005 (fits the line length)
                + (day[r[13]], day[r[14]], r[15], money[r[16]], bids(r[17]), money[r[18]], r[19])
            )
            for r in reading.rows(packages, PACKAGE_COLUMNS)
        ]
        return Records(t_rows, p_rows, **asset_records(year, unit_ids))


def recheck_unit(unit_id: int, year: int, *, peers: bool = True) -> list[Finding]:
    """Re-run the per-unit rules on one unit's year, and (`peers`: travel changed) refresh the
    unit's travel total and the peer rules over the year (one row per unit)."""
    norms = norm_table()
    hits = run_rules(records_of(year, [unit_id]), norms)
    own = {c for c, r in REGISTRY.items() if not r.peers}
    with transaction.atomic():
        sync_findings(hits, year, [unit_id], own)
        if peers:
            refresh_totals(year, [unit_id])
            recheck_peers(year, norms=norms)
    return list(Finding.objects.filter(unit_id=unit_id, year=year))


def refresh_totals(
    year: int, unit_ids: Collection[int] | None = None, records: Records | None = None
) -> None:
    """Recompute the travel totals of the units (or all) of the year: from `records` when they
    are in memory (the whole year's check), otherwise in the database."""
    stale = TravelTotal.objects.filter(year=year)
    if unit_ids is not None:
        stale = stale.filter(unit_id__in=list(unit_ids))
    stale.delete()
    totals: dict[int, tuple[Decimal, int]] = {}
    if records is not None:
        cost: dict[int, Decimal] = defaultdict(Decimal)
        people: dict[int, set[str]] = defaultdict(set)
        for t in records.travel:
            cost[t.unit_id] += t.allowance_paid + t.lodging_paid + t.transport_paid
            people[t.unit_id].add(t.person.lower())
        totals = {u: (c, len(people[u])) for u, c in cost.items()}
    else:
        rows = TravelClaim.objects.filter(year=year)
        if unit_ids is not None:
            rows = rows.filter(unit_id__in=list(unit_ids))
        for r in rows.values("unit_id").annotate(
            cost=Sum(F("allowance_paid") + F("lodging_paid") + F("transport_paid")),
            people=Count(Lower("person"), distinct=True),
        ):
            totals[r["unit_id"]] = (Decimal(r["cost"] or 0), r["people"])
    TravelTotal.objects.bulk_create(
        [TravelTotal(unit_id=u, year=year, cost=c, people=n) for u, (c, n) in totals.items()],
        batch_size=1000,
    )


def recheck_peers(year: int, *, norms: Any = None) -> None:
    """The peer rules over every unit's travel of the year, from the units' travel totals
    (one row per unit), so that saving one record stays quick."""
    norms = norms or norm_table()
    rows = TravelTotal.objects.filter(year=year).values_list(
        "unit_id", "cost", "people", "unit__level_id"
    )
    totals: dict[tuple[int, int], tuple[Decimal, int]] = {}
    group_of: dict[int, str] = {}
    for u, c, n, level in rows:
        totals[(u, year)] = (Decimal(c), n)
        group_of[u] = str(level)
    hits = peer_outliers(totals, norms, group_of)
    for h in hits:
        ids = TravelClaim.objects.filter(unit_id=h.unit_id, year=year).values_list("pk", flat=True)
        h.travel_ids = list(ids)
    hits += conference_peer_hits(year, norms, group_of)
    sync_findings(hits, year, None, {c for c, r in REGISTRY.items() if r.peers})


def recheck_year(year: int) -> None:
    """Every rule over every unit's records of the year (demo, bulk imports): the year's rows
    read once with only the needed columns, the findings diffed by key and written in bulk."""
    norms = norm_table()
    records = records_of(year)
    own = {c for c, r in REGISTRY.items() if not r.peers}
    with transaction.atomic():
        sync_findings(run_rules(records, norms), year, None, own)
        refresh_totals(year, None, records)
        recheck_peers(year, norms=norms)


def sync_findings(
    hits: list[Hit], year: int, unit_ids: Collection[int] | None, rules: Collection[str]
) -> None:
    """Make the stored findings of `rules` (for the units, or all) match `hits`, diffed by key
    in Python and written in batches: new ones are created, changed figures refreshed with
    their records; a finding no longer found goes only while still new (a triaged one keeps
    its history)."""
    existing = Finding.objects.filter(year=year, rule__in=list(rules))
    if unit_ids is not None:
        existing = existing.filter(unit_id__in=list(unit_ids))
    by_key = {
        (u, k): (pk, numbers, amount, status)
        for pk, u, k, numbers, amount, status in existing.values_list(
            "pk", "unit_id", "key", "numbers", "amount", "status"
        )
    }
    seen: set[tuple[int, str]] = set()
    new: list[tuple[Finding, Hit]] = []
    changed: list[tuple[Finding, Hit]] = []
    for h in hits:
        k = (h.unit_id, h.key)
        seen.add(k)
        found = by_key.get(k)
        if found is None:
            f = Finding(
                unit_id=h.unit_id,
                year=h.year,
                rule=h.rule,
                key=h.key,
                severity=REGISTRY[h.rule].severity,
                numbers=h.numbers,
                amount=h.amount,
            )
            new.append((f, h))
        elif (found[1], found[2]) != (h.numbers, h.amount):
            changed.append((Finding(pk=found[0], numbers=h.numbers, amount=h.amount), h))
    Finding.objects.bulk_create([f for f, _h in new], batch_size=BATCH)
    _update_figures([f for f, _h in changed])
    _unlink([f.pk for f, _h in changed])
    _link([(f.pk, h) for f, h in new + changed])
    gone = [pk for k, (pk, _n, _a, status) in by_key.items() if k not in seen and status == S.NEW]
    for i in range(0, len(gone), BATCH):
        _unlink(gone[i : i + BATCH])
        Finding.objects.filter(pk__in=gone[i : i + BATCH]).delete()


BATCH = 500
"""Rows per statement when findings are written (and ids per IN list, within SQLite's
limit on variables)."""
LINKS = {"travel_claims": "travelclaim_id", "packages": "procurementpackage_id", **RELATIONS}
"""The records behind a finding: Finding's relation → the record's column in its table."""


def _update_figures(findings: list[Finding]) -> None:
    """Write the new figures of changed findings: one parameterised UPDATE sent for all of
    them (executemany; psycopg pipelines it), values adapted by the fields themselves.
    Django's bulk_update builds a CASE over every id of a batch, ten times slower here."""
    if not findings:
        return
    meta = Finding._meta
    numbers, amount = meta.get_field("numbers"), meta.get_field("amount")
    q = connection.ops.quote_name
    table, pk = q(meta.db_table), q(meta.pk.column)
    figures = f"{q(numbers.column)} = %s, {q(amount.column)} = %s"
    sql = f"UPDATE {table} SET {figures} WHERE {pk} = %s"  # noqa: S608 (names from the model)
    params = [
        (
            numbers.get_db_prep_save(f.numbers, connection),
            amount.get_db_prep_save(f.amount, connection),
            f.pk,
        )
        for f in findings
    ]
    with connection.cursor() as cur:
        cur.executemany(sql, params)


def _links(h: Hit) -> dict[str, list[int]]:
    return {"travel_claims": h.travel_ids, "packages": h.package_ids, **h.links}


def _link(pairs: list[tuple[int, Hit]]) -> None:
    """The records behind findings, given as (finding id, hit): one bulk insert per relation."""
    for relation, column in LINKS.items():
        through = getattr(Finding, relation).through
        rows = [
            through(finding_id=pk, **{column: i})
            for pk, h in pairs
            for i in _links(h).get(relation, ())
        ]
        if rows:
            through.objects.bulk_create(rows, batch_size=2000)


def _unlink(ids: list[int]) -> None:
    """Forget the records behind the findings (their links are written again by `_link`)."""
    for i in range(0, len(ids), BATCH):
        for relation in LINKS:
            through = getattr(Finding, relation).through
            through.objects.filter(finding_id__in=ids[i : i + BATCH]).delete()


def _move(f: Finding, to: str, *, by: Any, reason: str, **after: Any) -> None:
    move_status(
        f,
        to,
        allowed=MOVES,
        refusal=_("This finding cannot move to that state now."),
        object_type="oversight.finding",
        by=by,
        reason=reason,
        history=FindingHistory,
        fields=["assignee", "deadline"],
        after=after,
    )


def _need(reason: str, message: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": message})
    return text


def people_by_codes(text: str) -> list[Person]:
    """The people whose staff codes are listed (commas, semicolons or spaces, any case);
    ValidationError naming the unknown codes, nothing written."""
    codes = list(dict.fromkeys(text.replace(",", " ").replace(";", " ").split()))
    if not codes:
        return []
    match = Q()
    for c in codes:
        match |= Q(code__iexact=c)
    found = {p.code.lower(): p for p in Person.objects.filter(match)}
    unknown = [c for c in codes if c.lower() not in found]
    if unknown:
        raise ValidationError(
            {
                "people": _("No staff record has the code: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return list({p.pk: p for p in (found[c.lower()] for c in codes)}.values())


def name_people(f: Finding, people: Collection[Person], *, by: Any) -> None:
    """Name people in the case: while it is open they are held from emulation titles (awards
    reads the open findings naming a person beside its own open cases)."""
    new = [p for p in people if not f.named_people.filter(pk=p.pk).exists()]
    if not new:
        return
    f.named_people.add(*new)
    record(
        "oversight.finding.people",
        by=by,
        object_type="oversight.finding",
        object_id=f.pk,
        after={"named": [p.code for p in new]},
    )


def ask_to_explain(
    f: Finding,
    *,
    by: Any,
    assignee: Any = None,
    deadline: dt.date | None = None,
    reason: str = "",
    people: Collection[Person] = (),
) -> None:
    """The supervisor puts the finding under review and asks the unit to explain by a date,
    naming the people concerned if any."""
    with transaction.atomic():
        name_people(f, people, by=by)
        f.assignee, f.deadline = assignee, deadline
        _move(
            f,
            S.REVIEW,
            by=by,
            reason=reason,
            assignee=getattr(assignee, "pk", None),
            deadline=deadline.isoformat() if deadline else None,
        )


def explain_finding(f: Finding, *, by: Any, explanation: str) -> None:
    """The unit answers with its explanation (and evidence, described)."""
    text = _need(explanation, _("Write the unit's explanation."))
    with transaction.atomic():
        _move(f, S.EXPLAINED, by=by, reason=text)


def confirm_finding(f: Finding, *, by: Any, reason: str, people: Collection[Person] = ()) -> None:
    """The supervisor confirms a violation: it counts as a deduction in the unit's THTK-CLP
    assessment of the year (Circular 129/2017/TT-BTC, Art. 4(3))."""
    text = _need(reason, _("Give the reason for confirming."))
    with transaction.atomic():
        name_people(f, people, by=by)
        _move(f, S.CONFIRMED, by=by, reason=text)
        for hook in AFTER_CONFIRM:
            hook(f.unit_id, f.year)


def dismiss_finding(f: Finding, *, by: Any, reason: str) -> None:
    """The supervisor dismisses the finding; the reason is required."""
    text = _need(reason, _("Give the reason for dismissing."))
    with transaction.atomic():
        _move(f, S.DISMISSED, by=by, reason=text)
