"""Awards actions: recompute eligibility for the sector, register titles, propose nominees with
their dossier, record initiatives. Each change is atomic, validated, and audited
(thidua.audit.chain.record); refusals are ValidationError with a message for the user.

Proposal workflow (decision 0004; `council` owns in_council → passed/rejected → awarded):

    draft ─submit→ submitted ─(council)→ in_council → passed → awarded
      ↑  returned ←─return─┘                        └→ rejected
    draft, returned, submitted ─withdraw→ withdrawn
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.audit.chain import record
from thidua.audit.workflow import check_move, move_status
from thidua.lib.batch import gc_paused
from thidua.lib.dates import today
from thidua.lib.filetypes import RefusedFile, detect, download_name
from thidua.lib.text import nfc
from thidua.org import tree
from thidua.org.models import OrgUnit, Person, Position

from . import achievement
from . import eligibility as engine
from .models import (
    AwardRecord,
    Council,
    EligibilityResult,
    Initiative,
    Proposal,
    ProposalEvidence,
    ProposalTransition,
    Registration,
    RegistrationItem,
    Title,
)
from .reasons import summary
from .verdicts import check_person, check_unit, evaluate_people, evaluate_units

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
S = Proposal.Status
ALLOWED: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.RETURNED: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.RETURNED, S.WITHDRAWN, S.IN_COUNCIL},
    S.IN_COUNCIL: {S.PASSED, S.REJECTED, S.SUBMITTED},
    S.PASSED: {S.AWARDED},
}
R = Registration.Status
REGISTRATION_ALLOWED: dict[str, set[str]] = {
    R.DRAFT: {R.SUBMITTED},
    R.RETURNED: {R.SUBMITTED},
    R.SUBMITTED: {R.APPROVED, R.RETURNED},
    R.APPROVED: {R.RETURNED},
}


# ---------------------------------------------------------------- eligibility


@gc_paused()
def recompute_eligibility(year: int, *, as_of: dt.date | None = None, by: Any = None) -> int:
    """Compute every individual and collective eligibility of `year` for the whole sector and
    store it in EligibilityResult (replacing the year's rows); returns the rows written.
    Every LĐTT and CSTĐCS answer is stored; for the higher titles only the candidates
    (eligibility.is_candidate). The rows are written with one executemany: the ORM's
    bulk_create spends more time building 45,000 model objects than the engine."""
    as_of = as_of or today()
    verdicts, staff, people = evaluate_people(year, as_of)
    collective = evaluate_units(year, as_of, people, verdicts, staff)
    titles = dict(Title.objects.values_list("code", "id"))
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows: list[tuple[Any, ...]] = []
    counts: Counter[str] = Counter()
    for pid, by_title in verdicts.items():
        home = staff.home.get(pid)
        for code, v in by_title.items():
            if code in titles and engine.is_candidate(code, v):
                reasons = dumps(_stored(v))
                rows.append((year, titles[code], pid, None, home, str(v.outcome), reasons, now))
                counts[v.outcome] += 1
    for uid, by_title in collective.items():
        for code, v in by_title.items():
            if code in titles:
                reasons = dumps(_stored(v))
                rows.append((year, titles[code], None, uid, uid, str(v.outcome), reasons, now))
                counts[v.outcome] += 1
    with transaction.atomic():
        EligibilityResult.objects.filter(year=year).delete()
        _insert_results(rows)
        record(
            "awards.eligibility.recompute",
            by=by or "system",
            object_type="awards.year",
            object_id=year,
            after={"rows": len(rows), **counts},
        )
    return len(rows)


def _stored(v: engine.Verdict) -> list[list[Any]]:
    """The reasons kept: all of them for an eligible answer (why the person is a candidate);
    for a refusal or a hold only what blocks or warns (the person's page shows the rest)."""
    keep = v.reasons if v.eligible else [r for r in v.reasons if r[1] != engine.PASS]
    return [[r[0], r[1], r[2], dict(r[3])] for r in keep]


def _insert_results(rows: list[tuple[Any, ...]]) -> None:
    """One executemany on SQLite; COPY on PostgreSQL (executemany there is a round trip per
    row: about 3 s for a year of the sector, against a few tenths with COPY)."""
    meta = EligibilityResult._meta
    names = ["year", "title", "person", "unit", "home_unit", "outcome", "reasons", "computed_at"]
    columns = ", ".join(
        connection.ops.quote_name(meta.get_field(n).column)  # type: ignore[union-attr,arg-type]
        for n in names
    )
    table = connection.ops.quote_name(meta.db_table)
    # Table and column names come from the model, never from input.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("%s" for _n in names)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


# ---------------------------------------------------------------- registration


def _log_registration(reg: Registration, action: str, by: Any, **after: Any) -> None:
    record(
        f"awards.registration.{action}",
        by=by,
        object_type="awards.registration",
        object_id=reg.pk,
        after={"unit": reg.unit.code, "year": reg.year, **after},
    )


@transaction.atomic
def open_registration(unit: OrgUnit, year: int, *, by: Any) -> Registration:
    """The unit's registration of the year, created as a draft the first time."""
    if not unit.is_open_on(dt.date(year, 1, 1)) and not unit.is_open_on(engine.year_end(year)):
        raise ValidationError(_("The unit was not in operation in %(year)s.") % {"year": year})
    reg, created = Registration.objects.get_or_create(unit=unit, year=year)
    if created:
        _log_registration(reg, "open", by)
    return reg


def unit_staff(unit: OrgUnit, year: int) -> list[Person]:
    """Staff of the unit during the year, from their positions (org.Position)."""
    start, end = dt.date(year, 1, 1), engine.year_end(year)
    ids = Position.objects.filter(unit=unit, valid_from__lte=end, valid_to__gt=start).values(
        "person_id"
    )
    return list(Person.objects.filter(id__in=ids).order_by("sort_key", "code"))


@transaction.atomic
def save_registration(
    reg: Registration,
    *,
    unit_titles: Iterable[Title],
    person_titles: Mapping[int, Iterable[Title]],
    by: Any,
) -> int:
    """Replace the registered titles: collective titles for the unit, individual titles for
    each member of its staff. Returns the number of items."""
    reg = Registration.objects.select_for_update().select_related("unit").get(pk=reg.pk)
    if not reg.is_editable:
        raise ValidationError(
            _("The registration is %(status)s: it cannot be changed.")
            % {"status": reg.get_status_display().lower()}
        )
    staff = {p.pk for p in unit_staff(reg.unit, reg.year)}
    items = []
    for title in unit_titles:
        if title.is_individual:
            raise ValidationError(_("%(title)s is a title for a person.") % {"title": title})
        items.append(RegistrationItem(registration=reg, title=title))
    for person_id, titles in person_titles.items():
        if person_id not in staff:
            raise ValidationError(_("This person is not on the unit's staff in this year."))
        for title in titles:
            if not title.is_individual:
                raise ValidationError(
                    _("%(title)s is a title for a collective.") % {"title": title}
                )
            items.append(RegistrationItem(registration=reg, title=title, person_id=person_id))
    before = reg.items.count()
    reg.items.all().delete()
    RegistrationItem.objects.bulk_create(items)
    _log_registration(reg, "save", by, before_items=before, items=len(items))
    return len(items)


@transaction.atomic
def register_self(reg: Registration, person: Person, titles: Iterable[Title], *, by: Any) -> int:
    """A staff member registers their own individual titles."""
    reg = Registration.objects.select_for_update().select_related("unit").get(pk=reg.pk)
    if not reg.is_editable:
        raise ValidationError(
            _("The registration is %(status)s: it cannot be changed.")
            % {"status": reg.get_status_display().lower()}
        )
    if person.pk not in {p.pk for p in unit_staff(reg.unit, reg.year)}:
        raise ValidationError(_("This person is not on the unit's staff in this year."))
    chosen = list(titles)
    if any(not t.is_individual for t in chosen):
        raise ValidationError(_("Only individual titles can be registered for a person."))
    reg.items.filter(person=person).delete()
    RegistrationItem.objects.bulk_create(
        [RegistrationItem(registration=reg, title=t, person=person) for t in chosen]
    )
    _log_registration(reg, "register_self", by, person=person.code, titles=[t.code for t in chosen])
    return len(chosen)


@transaction.atomic
def move_registration(reg: Registration, to: str, *, by: Any, reason: str = "") -> Registration:
    """submit (the unit), approve or return (the unit head or the level above)."""
    reg = Registration.objects.select_for_update().select_related("unit").get(pk=reg.pk)
    refusal = _("A registration that is %(status)s cannot go to that step.") % {
        "status": reg.get_status_display().lower()
    }
    check_move(reg, to, REGISTRATION_ALLOWED, refusal)
    if to == R.RETURNED and not reason.strip():
        raise ValidationError(_("Give the reason for returning it."))
    if to == R.SUBMITTED and not reg.items.exists():
        raise ValidationError(_("Register at least one title before submitting."))
    reg.return_reason = nfc(reason.strip()) if to == R.RETURNED else ""
    if to == R.APPROVED:
        reg.approved_by, reg.approved_at = by, timezone.now()
    if to == R.SUBMITTED:
        reg.submitted_on = today()
    move_status(
        reg,
        to,
        allowed=REGISTRATION_ALLOWED,
        refusal=refusal,
        object_type="awards.registration",
        by=by,
        reason=reg.return_reason,
        after={"unit": reg.unit.code, "year": reg.year},
    )
    return reg


def consolidated(unit_ids: Iterable[int], year: int) -> dict[int, dict[str, Any]]:
    """The level above's view: per unit, its status and the count of registrations by title."""
    out: dict[int, dict[str, Any]] = {}
    regs = Registration.objects.filter(unit_id__in=list(unit_ids), year=year)
    for reg_id, unit_id, status in regs.values_list("id", "unit_id", "status"):
        out[unit_id] = {"id": reg_id, "status": status, "counts": Counter()}
    rows = RegistrationItem.objects.filter(registration__in=regs).values_list(
        "registration__unit_id", "title__code"
    )
    for unit_id, code in rows:
        out[unit_id]["counts"][code] += 1
    return out


# ---------------------------------------------------------------- proposals


def council_for(unit: OrgUnit, day: dt.date) -> Council | None:
    """The standing council of the unit, or of the nearest unit above it that has one."""
    chain = [unit.pk, *reversed(tree.ancestor_ids(unit.pk, day))]
    councils = {c.unit_id: c for c in Council.objects.filter(unit_id__in=chain)}
    return next((councils[i] for i in chain if i in councils), None)


def _verdict_json(v: engine.Verdict, title: Title, year: int) -> dict[str, Any]:
    return {
        "outcome": str(v.outcome),
        "reasons": [r.as_json() for r in v.reasons],
        "year": year,
        "title": title.code,
        "computed_on": today().isoformat(),
    }


def is_chair(user: Any, council: Council | None, day: dt.date) -> bool:
    if council is None or not getattr(user, "is_authenticated", False):
        return False
    chair = council.chair_on(day)
    return chair is not None and chair.user_id == user.pk


@transaction.atomic
def create_proposal(
    *,
    title: Title,
    year: int,
    proposing_unit: OrgUnit,
    by: Any,
    person: Person | None = None,
    unit: OrgUnit | None = None,
    override_reason: str = "",
    council: Council | None = None,
) -> Proposal:
    """Propose a nominee. A nominee the rules say is not eligible (or on hold) is refused
    unless the chair of the council records an override reason (issue 4, bad input)."""
    if (person is None) == (unit is None):
        raise ValidationError(_("Choose either a person or a collective as the nominee."))
    if title.is_individual != (person is not None):
        raise ValidationError(
            _("%(title)s is not given to this kind of nominee.") % {"title": title}
        )
    nominee: dict[str, Any] = {"person": person} if person is not None else {"unit": unit}
    open_ = Proposal.objects.filter(title=title, year=year, **nominee).exclude(
        status__in=[S.REJECTED, S.WITHDRAWN]
    )
    if open_.exists():
        raise ValidationError(_("This nominee is already proposed for this title and year."))
    if (
        title.yearly
        and AwardRecord.objects.filter(
            title=title, year=year, revoked_on__isnull=True, **nominee
        ).exists()
    ):
        raise ValidationError(_("This nominee already received this title for this year."))
    verdict = check_person(person, title, year) if person else check_unit(unit, title, year)  # type: ignore[arg-type]
    council = council or council_for(proposing_unit, today())
    override = nfc(override_reason.strip())
    if not verdict.eligible:
        if not override:
            raise ValidationError(
                _(
                    "Refused: the nominee is not eligible for %(title)s in %(year)s. %(reasons)s "
                    "Only the chair of the council can propose anyway, with a reason."
                )
                % {
                    "title": title.name,
                    "year": year,
                    "reasons": summary([r.as_json() for r in verdict.reasons]),
                }
            )
        if not is_chair(by, council, today()):
            raise ValidationError(_("Only the chair of the council can record an override."))
    proposal = Proposal(
        title=title,
        year=year,
        proposing_unit=proposing_unit,
        council=council,
        report=achievement.prefill(title, year, person=person, unit=unit, day=today()),
        eligibility=_verdict_json(verdict, title, year),
        created_by=by,
        override_reason=override if not verdict.eligible else "",
        override_by=by if override and not verdict.eligible else None,
        **nominee,
    )
    proposal.full_clean()
    proposal.save()
    record(
        "awards.proposal.create",
        by=by,
        object_type="awards.proposal",
        object_id=proposal.pk,
        after={
            "title": title.code,
            "year": year,
            "nominee": str(proposal.nominee),
            "outcome": str(verdict.outcome),
            "override": proposal.override_reason,
        },
    )
    return proposal


def _report_sha(report: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest()[:12]


@transaction.atomic
def update_report(
    proposal: Proposal, narrative: dict[str, str], *, by: Any, refresh: bool = False
) -> Proposal:
    """Save the sections the unit writes (each stripped, NFC); `refresh` also recomputes the
    form and the tables from the data. Unknown keys are ignored."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_editable:
        raise ValidationError(
            _("The proposal is %(status)s: its dossier is locked.")
            % {"status": proposal.get_status_display().lower()}
        )
    before = _report_sha(proposal.report or {})
    report = (
        achievement.refresh(proposal, today())
        if refresh or not proposal.report
        else dict(proposal.report)
    )
    keys = {f.key for f in achievement.fields_of(report)}
    report["narrative"] = {
        **(report.get("narrative") or {}),
        **{k: nfc(str(v).strip()) for k, v in narrative.items() if k in keys},
    }
    proposal.report = report
    proposal.save(update_fields=["report", "updated_at"])
    record(
        "awards.proposal.report",
        by=by,
        object_type="awards.proposal",
        object_id=proposal.pk,
        before={"sha": before},
        after={"sha": _report_sha(report), "refreshed": refresh},
    )
    return proposal


@transaction.atomic
def move_proposal(proposal: Proposal, to: str, *, by: Any, reason: str = "") -> Proposal:
    """One step of the workflow (ALLOWED), with a history row and an audit event. The council
    app calls it for in_council, passed, rejected and awarded."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    old = proposal.status
    refusal = _("A proposal that is %(status)s cannot go to that step.") % {
        "status": proposal.get_status_display().lower()
    }
    check_move(proposal, to, ALLOWED, refusal)
    if to == S.RETURNED and not reason.strip():
        raise ValidationError(_("Give the reason for returning it."))
    if to == S.SUBMITTED and old != S.IN_COUNCIL:
        empty = achievement.missing(proposal.report or {})
        if empty:
            raise ValidationError(
                _("Write the achievement report before submitting: %(sections)s.")
                % {"sections": ", ".join(empty)}
            )
    proposal.return_reason = nfc(reason.strip()) if to == S.RETURNED else proposal.return_reason
    move_status(
        proposal,
        to,
        allowed=ALLOWED,
        refusal=refusal,
        object_type="awards.proposal",
        by=by,
        reason=reason,
        history=ProposalTransition,
        fields=["return_reason", "updated_at"],
    )
    return proposal


@transaction.atomic
def add_evidence(
    proposal: Proposal, name: str, data: bytes, *, by: Any, description: str = ""
) -> ProposalEvidence:
    """Attach a file to the dossier; its type is recognised from its bytes (macros, embedded
    programs and zip bombs refused) and it is stored under the extension of what it is."""
    if not proposal.is_editable:
        raise ValidationError(
            _("The proposal is %(status)s: its dossier is locked.")
            % {"status": proposal.get_status_display().lower()}
        )
    if not data:
        raise ValidationError(_("The file is empty."))
    if len(data) > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."))
    try:
        kind = detect(data)
    except RefusedFile as exc:
        raise ValidationError(str(exc)) from exc
    stored_name = download_name(nfc(name), kind)
    evidence = ProposalEvidence(
        proposal=proposal,
        original_name=stored_name[-255:],
        content_type=kind.content_type,
        size=len(data),
        description=nfc(description)[:255],
        uploaded_by=by,
    )
    evidence.file.save(stored_name[-100:], ContentFile(data), save=False)
    evidence.save()
    record(
        "awards.proposal.evidence",
        by=by,
        object_type="awards.proposal",
        object_id=proposal.pk,
        after={
            "file": evidence.original_name,
            "type": kind.content_type,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    return evidence


# ---------------------------------------------------------------- initiatives


@transaction.atomic
def record_initiative(
    *,
    title: str,
    authors: list[Person],
    unit: OrgUnit,
    level: str,
    recognised_on: dt.date,
    recognised_by: str,
    decision_ref: str = "",
    by: Any,
) -> Initiative:
    """Register a recognised initiative (sáng kiến) with its authors."""
    if not authors:
        raise ValidationError(_("An initiative needs at least one author."))
    if recognised_on > today():
        raise ValidationError(_("The recognition date is in the future."))
    initiative = Initiative(
        title=nfc(title.strip()),
        unit=unit,
        level=level,
        recognised_on=recognised_on,
        recognised_by=nfc(recognised_by.strip()),
        decision_ref=nfc(decision_ref.strip()),
        created_by=by,
    )
    initiative.full_clean()
    initiative.save()
    initiative.authors.set(authors)
    record(
        "awards.initiative.create",
        by=by,
        object_type="awards.initiative",
        object_id=initiative.pk,
        after={"title": initiative.title, "level": level, "authors": [a.code for a in authors]},
    )
    return initiative
