"""What the evaluation tells a unit (issue 10): the reviewer changed a score, sent the
self-assessment back, or finalised it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.accounts.queries import UNIT_PEOPLE, holders
from thidua.notifications.actions import notify
from thidua.notifications.models import Kind

from .models import Assessment


def assessment_changed(a: Assessment, *, by: Any, what: str, reason: str = "") -> None:
    """`what`: "score" (one criterion changed: told once a day per assessment), "returned"
    or "final"."""
    day = timezone.localdate()
    titles = {
        "score": _("The reviewer changed a score of the %(year)s assessment"),
        "returned": _("The %(year)s self-assessment is sent back for correction"),
        "final": _("The %(year)s assessment is final"),
    }
    bodies = {
        "score": _("%(who)s changed the points of a criterion. Reason: %(reason)s"),
        "returned": _("Sent back by %(who)s. Reason: %(reason)s"),
        "final": _("%(who)s closed the evaluation; the total is the unit's result."),
    }
    key = f"assessment:{a.pk}:{what}:{day.isoformat() if what == 'score' else a.pk}"
    notify(
        holders([a.unit_id], UNIT_PEOPLE, day),
        Kind.ASSESSMENT_CHANGED,
        title=titles[what],
        body=bodies[what],
        params={
            "year": a.year,
            "who": by.display_name() if hasattr(by, "display_name") else str(by),
            "reason": reason,
        },
        link=reverse("evaluation:assessment", args=[a.pk]),
        unit_name=a.unit.name,
        dedupe_key=key if what == "score" else "",
    )
