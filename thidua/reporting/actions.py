"""The reporting workflow. Each step is one atomic function that checks the rules, changes the
rows, records one history row and one audit event (STYLE.md, "Where logic lives").

    draft ─submit→ submitted ─approve→ approved ─accept→ accepted
      ↑ ←─withdraw──┘ │return            │return/reopen     │reopen
      └── returned ←──┴──────────────────┴──────────────────┘
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from thidua.audit.chain import record
from thidua.audit.workflow import check_move, move_status
from thidua.lib import hooks
from thidua.lib.numbers import InvalidNumber, check_number, format_vn_exact, parse_vn_number
from thidua.lib.text import nfc
from thidua.org import tree
from thidua.org.models import OrgUnit

from . import notices, prefill, rollups
from .catalogue import deadline_for
from .checks import check_report, findings_for
from .models import DataValue, Indicator, NarrativeText, Period, Report, ReportForm
from .models import ReportTransition as Transition
from .validation import Cells, Finding, blocking

S = Report.Status

ALLOWED: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.RETURNED: {S.SUBMITTED},
    S.SUBMITTED: {S.APPROVED, S.RETURNED, S.DRAFT},
    S.APPROVED: {S.ACCEPTED, S.RETURNED},
    S.ACCEPTED: {S.RETURNED},
}
MAX_ABS_VALUE = Decimal("1e15")


class ConflictError(ValidationError):
    """Someone else saved this cell first; carries the newer value."""

    def __init__(self, message: str, current: DataValue) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class SaveResult:
    value: DataValue
    findings: list[Finding]
    cells: Cells | None = None
    """The report's figures right after the save, which the findings were computed on."""
    report_findings: tuple[Finding, ...] = ()
    """Every finding of the report after the save (the cell's own are in `findings`)."""


def _actor(by: Any) -> str:
    return getattr(by, "username", "") or "system"


@transaction.atomic
def open_report(unit: OrgUnit, form: ReportForm, period: Period, *, by: Any) -> Report:
    """The unit's report for the period, created as a draft the first time it is opened."""
    if form.periodicity != period.kind:
        raise ValidationError(_("This form is not filled for this kind of period."))
    if not form.levels.filter(pk=unit.level_id).exists():
        raise ValidationError(_("Units of this level do not fill this form."))
    if not unit.is_open_on(period.end):
        raise ValidationError(_("The unit was not in operation at the end of this period."))
    report, created = Report.objects.get_or_create(unit=unit, form=form, period=period)
    if created:
        report.deadline = deadline_for(form, period)[0]
        report.save(update_fields=["deadline"])
        record(
            "reporting.report.open",
            by=by,
            object_type="reporting.report",
            object_id=report.pk,
            after={"unit": unit.code, "form": form.code, "period": str(period.pk)},
        )
    prefill.apply(report, by=by)
    return report


def _locked_report(report: Report) -> Report:
    return (  # type: ignore[no-any-return]
        Report.objects.select_for_update()
        .select_related("form", "period", "unit")
        .get(pk=report.pk)
    )


def _check_cell(report: Report, indicator: Indicator) -> None:
    if not report.is_editable:
        raise ValidationError(
            _("The report is %(status)s: its figures are locked.")
            % {"status": report.get_status_display().lower()}
        )
    if indicator.is_derived:
        raise ValidationError(
            _("%(name)s is computed from a formula; it cannot be typed.")
            % {"name": indicator.display_name}
        )
    if not report.form.sections.filter(rows__indicator=indicator).exists():
        raise ValidationError(_("This indicator is not on the report's form."))


def check_value(
    value: Decimal,
    *,
    decimals: int | None = None,
    minimum: Decimal | None = None,
    text: str | None = None,
) -> Decimal:
    """A figure checked against its indicator's limits (`Indicator.decimals` and `minimum`,
    see `thidua.lib.numbers.check_number`): ValidationError with the user's message if not."""
    try:
        number = check_number(value, decimals=decimals, minimum=minimum, text=text)
    except InvalidNumber as exc:
        raise ValidationError(exc.message) from exc
    if abs(number) >= MAX_ABS_VALUE:
        raise ValidationError(
            _("%(text)s is too large to be a real figure.")
            % {"text": text or format_vn_exact(number)}
        )
    return number


def parse_value(
    text: str, *, decimals: int | None = None, minimum: Decimal | None = None
) -> Decimal | None:
    """A vi-VN number from a cell, within the indicator's limits; empty means no value. The
    one reading of typed figures: the entry page, the API and Excel text cells."""
    if not text.strip():
        return None
    try:
        value = parse_vn_number(text, decimals=decimals, minimum=minimum)
    except InvalidNumber as exc:
        raise ValidationError(exc.message) from exc
    return check_value(value, text=text.strip())


def parse_for(indicator: Indicator, text: str) -> Decimal | None:
    """`parse_value` with the indicator's limits."""
    return parse_value(text, decimals=indicator.decimals, minimum=indicator.minimum)


def save_value(
    report: Report,
    indicator: Indicator,
    text: str,
    *,
    by: Any,
    expected_version: int,
    comment: str | None = None,
) -> SaveResult:
    """Store one cell (see `store_value`), then list the findings about it. The findings are
    computed after the commit, outside the locks: the audit chain's lock serialises every
    save of the whole server, so nothing that can wait should run while it is held."""
    report, cell = store_value(
        report, indicator, text, by=by, expected_version=expected_version, comment=comment
    )
    cells, findings = check_report(report, language=get_language() or "vi")
    return SaveResult(
        cell, [f for f in findings if indicator.code in f.indicators], cells, tuple(findings)
    )


@transaction.atomic
def store_value(
    report: Report,
    indicator: Indicator,
    text: str,
    *,
    by: Any,
    expected_version: int,
    comment: str | None = None,
) -> tuple[Report, DataValue]:
    """Store one cell; return the report as locked and the cell. A save based on an older
    version of the cell is refused and shows the newer value: nothing is overwritten
    silently."""
    report = _locked_report(report)
    _check_cell(report, indicator)
    value = parse_for(indicator, text)
    cell, _created = DataValue.objects.select_for_update().get_or_create(
        report=report, indicator=indicator, defaults={"version": 0}
    )
    if cell.version != expected_version:
        shown = format_vn_exact(cell.value) if cell.value is not None else "—"
        raise ConflictError(
            _(
                "Someone saved this cell first (value now: %(value)s, by %(user)s). "
                "Check it and save again."
            )
            % {"value": shown, "user": _actor(cell.updated_by)},
            cell,
        )
    before = {"value": cell.value, "comment": cell.comment}
    cell.value = value
    if comment is not None:
        cell.comment = nfc(comment)
    cell.version += 1
    cell.updated_by = by
    cell.save()
    record(
        "reporting.value.set",
        by=by,
        object_type="reporting.report",
        object_id=report.pk,
        before={"indicator": indicator.code, **before},
        after={"indicator": indicator.code, "value": cell.value, "comment": cell.comment},
    )
    return report, cell


@transaction.atomic
def save_narrative(
    report: Report, part_id: int, text: str, *, by: Any, expected_version: int
) -> NarrativeText:
    """Store one narrative part of the annual report (Decree 266/2026 Art. 37)."""
    report = _locked_report(report)
    if not report.is_editable:
        raise ValidationError(_("The report is locked."))
    part = report.form.narrative_parts.get(pk=part_id)
    item, _created = NarrativeText.objects.select_for_update().get_or_create(
        report=report, part=part, defaults={"version": 0}
    )
    if item.version != expected_version:
        raise ValidationError(_("Someone saved this text first; reload the page to see it."))
    before = item.text
    item.text = nfc(text)
    item.version += 1
    item.save()
    record(
        "reporting.narrative.set",
        by=by,
        object_type="reporting.report",
        object_id=report.pk,
        before={"part": part.code, "text": before},
        after={"part": part.code, "text": item.text},
    )
    return item


def _move(
    report: Report, to: str, *, by: Any, reason: str = "", event: str | None = None
) -> Report:
    refusal = _("A report that is %(status)s cannot become %(to)s.") % {
        "status": report.get_status_display().lower(),
        "to": S(to).label.lower(),
    }
    check_move(report, to, ALLOWED, refusal)
    now = timezone.now()
    report.version += 1
    if to == S.SUBMITTED:
        report.submitted_at = now
    if to == S.APPROVED:
        report.approved_at = now
    if to == S.DRAFT:
        report.submitted_at = None
    move_status(
        report,
        to,
        allowed=ALLOWED,
        refusal=refusal,
        object_type="reporting.report",
        by=by,
        reason=reason,
        history=Transition,
        at=now,
        event=event,
    )
    return report


def _require_reason(reason: str) -> None:
    if not nfc(reason):
        raise ValidationError(_("Give the reason: it is sent to the unit and kept in the history."))


@transaction.atomic
def submit_report(report: Report, *, by: Any) -> Report:
    """Send the report to the level above; blocking validation rules must pass."""
    report = _locked_report(report)
    problems = blocking(findings_for(report, language=get_language() or "vi"))
    if problems:
        raise ValidationError([f.message for f in problems])
    _move(report, S.SUBMITTED, by=by)
    notices.report_submitted(report, by=by)
    return report


@transaction.atomic
def withdraw_report(report: Report, *, by: Any, reason: str = "") -> Report:
    """Take a submitted report back to draft, so that the unit can correct it before the level
    above has acted on it; once approved or returned, only the level above can send it back.
    Recorded in the history and the audit trail like every step."""
    report = _locked_report(report)
    if report.status != S.SUBMITTED:
        raise ValidationError(
            _("Only a submitted report can be withdrawn; this one is %(status)s.")
            % {"status": report.get_status_display().lower()}
        )
    return _move(report, S.DRAFT, by=by, reason=reason, event="reporting.report.withdrawn")


def _children_pending(report: Report) -> list[Report | OrgUnit]:
    """Units below that fill the same form and whose report is not yet approved."""
    child_ids = tree.children_ids(report.unit_id, report.period.end)
    levels = set(report.form.levels.values_list("id", flat=True))
    expected = OrgUnit.objects.filter(id__in=child_ids, level_id__in=levels)
    done = set(
        Report.objects.filter(
            form=report.form, period=report.period, unit__in=expected, status__in=Report.LOCKED
        ).values_list("unit_id", flat=True)
    )
    return [u for u in expected if u.pk not in done]


@transaction.atomic
def approve_report(report: Report, *, by: Any) -> Report:
    """Approve at the level above: only once every unit below has its report approved. The
    figures lock and the roll-ups take them in."""
    report = _locked_report(report)
    pending = _children_pending(report)
    if pending:
        names = ", ".join(str(u) for u in pending[:5])
        raise ValidationError(
            _("Units below are not approved yet: %(names)s%(more)s.")
            % {"names": names, "more": "…" if len(pending) > 5 else ""}
        )
    _move(report, S.APPROVED, by=by)
    rollups.apply_report(report, sign=1)
    prefill.refresh_reviews(report, by=by)
    notices.report_approved(report, by=by)
    hooks.report_lock_changed(report)  # oversight re-checks the unit's year (settings)
    return report


@transaction.atomic
def accept_report(report: Report, *, by: Any) -> Report:
    """Acceptance at the top of the tree."""
    return _move(_locked_report(report), S.ACCEPTED, by=by)


@transaction.atomic
def return_report(report: Report, *, by: Any, reason: str) -> Report:
    """Send the report back to the unit with a mandatory reason."""
    _require_reason(reason)
    report = _locked_report(report)
    was_locked = report.status in Report.LOCKED
    _move(report, S.RETURNED, by=by, reason=reason)
    if was_locked:
        rollups.apply_report(report, sign=-1)
        prefill.refresh_reviews(report, by=by)
        hooks.report_lock_changed(report)
    notices.report_returned(report, by=by, reason=reason, reopened=was_locked)
    return report


reopen_report = return_report
"""Reopening approved data is a return with a reason: recorded, and the roll-ups give the
figures back."""


def is_late(report: Report, today: dt.date) -> bool:
    return report.is_late(today)
