"""The national THTK-CLP database exports over the API (authenticated, scoped like the
page): each issued programme and annual report with its deadline and state."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.api import answers
from thidua.lib.dates import today

from . import national
from .access import require_publisher

router = Router(tags=["national database"])


class SubmissionOut(Schema):
    kind: str
    subject: str
    title: str
    unit: str
    year: int
    issued_on: dt.date
    due: dt.date | None
    state: str
    late_by_working_days: int
    sent_at: dt.datetime | None
    receipt_ref: str
    package_sha256: str | None
    format_version: str | None


@router.get(
    "/national/submissions",
    response=answers(list[SubmissionOut], 404),
    summary="Issued programmes and annual reports and their national-database state",
    description="state: on_time / late (sent after the due day), overdue (not sent, due day "
    "passed), pending (not sent, not yet due), no_rule. 404 for a user who does not publish.",
)
def submissions(request: AuthedHttpRequest) -> object:
    scope = require_publisher(request.user)
    ids = None if scope.unit_ids is None else sorted(scope.unit_ids)
    return [
        {
            "kind": r.item.kind,
            "subject": r.item.subject,
            "title": r.item.title,
            "unit": r.item.unit.name,
            "year": r.item.year,
            "issued_on": r.item.issued_on,
            "due": r.status.due,
            "state": r.status.state,
            "late_by_working_days": r.status.late_by,
            "sent_at": r.sent.sent_at if r.sent else None,
            "receipt_ref": r.sent.receipt_ref if r.sent else "",
            "package_sha256": r.latest.package_sha256 if r.latest else None,
            "format_version": r.latest.format_version if r.latest else None,
        }
        for r in national.rows(ids, today())
    ]
