"""What a report's page says after an action: what happened and to whom, as a clerk writes it
("Đã gửi báo cáo lên Sở Tài chính tỉnh Tuyên Quang.")."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from thidua.org import tree

from .models import Report


def transition_done(report: Report, action: str, *, day: dt.date) -> str:
    """The success message of a transition of `report` (already moved) by `action`; a report
    is sent to the unit above on `day` (today)."""
    unit = tree.names_at([report.unit_id], report.period.end).get(report.unit_id, "")
    if action == "submit":
        above = tree.ancestor_ids(report.unit_id, day) or tree.ancestor_ids(
            report.unit_id, report.period.end
        )
        if above:
            parent = tree.names_at([above[-1]], day)[above[-1]]
            return _("The report was sent to %(unit)s.") % {"unit": parent}
        return _("The report was sent.")
    text = {
        "approve": _("The report of %(unit)s was approved."),
        "accept": _("The report of %(unit)s was accepted."),
        "withdraw": _("The report of %(unit)s was taken back to draft to be corrected."),
        "return": _("The report was returned to %(unit)s to be corrected."),
        "reopen": _("The report of %(unit)s was reopened to be corrected."),
    }.get(action, _("The report of %(unit)s was updated."))
    return text % {"unit": unit}
