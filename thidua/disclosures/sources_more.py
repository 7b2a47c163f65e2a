"""Publishable content added for issue 12's second part: the movement's plan, and the
oversight statistics (confirmed violations per province and month: counts only)."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from thidua.movements.models import Movement
from thidua.oversight.queries import public_monthly_counts, waste_report_counts

from .models import Publication
from .sources import SCHEMA, Draft


def plan(movement: Movement) -> Draft:
    """The movement's plan: its launching decision, aims, phases with their reviews, content
    areas and milestones (targets with due dates)."""
    return Draft(
        Publication.Kind.PLAN,
        f"plan/{movement.code}",
        _("Plan of the movement: %(title)s") % {"title": movement.title},
        movement.start_year,
        {
            "schema": SCHEMA,
            "kind": "plan",
            "title": movement.title,
            "title_en": movement.title_en,
            "launching_body": movement.launching_body,
            "decision_number": movement.decision_number,
            "decision_date": movement.decision_date,
            "years": [movement.start_year, movement.end_year],
            "objectives": movement.objectives,
            "phases": [
                {
                    "number": p.number,
                    "years": [p.start_year, p.end_year],
                    "review": p.get_review_display(),
                    "review_year": p.review_year,
                    "description": p.description,
                }
                for p in movement.phases.order_by("number")
            ],
            "areas": [
                {"number": a.number, "title": a.title, "description": a.description}
                for a in movement.areas.order_by("number")
            ],
            "milestones": [
                {"title": m.title, "due_date": m.due_date}
                for m in movement.milestones.order_by("due_date", "pk")
            ],
        },
    )


def oversight(year: int) -> Draft | None:
    """Confirmed oversight violations of `year` and the anonymous waste reports received, per
    province and month (counts only); None without any."""
    rows = public_monthly_counts(year)
    reports = waste_report_counts(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    if not rows and not reports:
        return None
    return Draft(
        Publication.Kind.OVERSIGHT,
        f"oversight/{year}",
        _("Confirmed oversight violations %(year)s") % {"year": year},
        year,
        {
            "schema": SCHEMA,
            "kind": "oversight",
            "year": year,
            "rows": [
                {"province": r.province, "month": r.month, "confirmed": r.confirmed} for r in rows
            ],
            # Anonymous waste reports received per province and month, by state today.
            "waste_reports": [
                {
                    "province": r.province,
                    "month": r.month.month,
                    "received": r.received,
                    "review": r.review,
                    "confirmed": r.confirmed,
                    "dismissed": r.dismissed,
                }
                for r in reports
            ],
        },
    )


def reviews() -> Any:
    """The module that lists finished phase reviews and gives their public content
    (`settings.THIDUA_PUBLIC_REVIEWS`: the dashboards' review_public)."""
    return importlib.import_module(settings.THIDUA_PUBLIC_REVIEWS)


def review(token: str) -> Draft | None:
    """A finished phase review: its key figures and the SHA-256 of its .pdf; None if the
    review is unknown or not finished."""
    content = reviews().content(token)
    if content is None:
        return None
    unit_code, movement_code = content.pop("unit_code"), content.pop("movement_code")
    return Draft(
        Publication.Kind.REVIEW,
        f"review/{unit_code}/{movement_code}/{content['phase']}",
        _("%(review)s, phase %(phase)s (%(first)s–%(last)s): %(unit)s")
        % {
            "review": content["review"],
            "phase": content["phase"],
            "first": content["years"][0],
            "last": content["years"][-1],
            "unit": content["unit"],
        },
        content["years"][-1],
        {"schema": SCHEMA, "kind": "review", **content},
    )
