"""Publishing the movement's plan and the oversight statistics from /public/manage/, and
what the item page shows of them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.accounts.requests import AuthedHttpRequest
from thidua.movements.models import Movement

from . import actions, presenting, sources_more
from .access import require_publisher
from .models import Publication
from .presenting import number_text

YEARS = range(2020, 2031)


def manage_context(request: AuthedHttpRequest) -> dict[str, Any]:
    scope = require_publisher(request.user)
    units = None if scope.unit_ids is None else frozenset(scope.unit_ids)
    return {
        "plan_movements": Movement.objects.order_by("-start_year", "code"),
        "years": YEARS,
        "finished_reviews": sources_more.reviews().finished(units),
    }


@login_required
@require_POST
def publish_review(request: AuthedHttpRequest) -> HttpResponse:
    scope = require_publisher(request.user)
    token = request.POST.get("review", "")
    units = None if scope.unit_ids is None else frozenset(scope.unit_ids)
    if token not in {r["token"] for r in sources_more.reviews().finished(units)}:
        raise Http404
    draft = sources_more.review(token)
    if draft is None:
        raise Http404
    publication = actions.publish(draft, by=request.user)
    messages.success(request, _("Published: %(title)s.") % {"title": publication.title})
    return redirect("disclosures:manage")


def review_context(content: dict[str, Any]) -> dict[str, Any]:
    areas = [
        {
            "title": area.get("title", ""),
            "rows": [
                {
                    "indicator": row.get("indicator", ""),
                    "unit_of_measure": row.get("unit_of_measure", ""),
                    "values": [number_text(v) for v in row.get("values", [])],
                }
                for row in area.get("rows", [])
            ],
        }
        for area in content.get("areas", [])
    ]
    return {"review": content, "areas": areas}


def review_pdf(publication: Publication) -> HttpResponse:
    """The review's generated .pdf, served only while its bytes still hash to the SHA-256
    the publication holds."""
    content = presenting.content_of(publication)
    data = sources_more.reviews().pdf(str(content.get("pdf_sha256", "")))
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="application/pdf")
    name = str(content.get("pdf_name", "review.pdf")).replace('"', "")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_POST
def publish_plan(request: AuthedHttpRequest) -> HttpResponse:
    require_publisher(request.user)
    code = request.POST.get("movement", "")
    movement = get_object_or_404(Movement, code=code)
    publication = actions.publish(sources_more.plan(movement), by=request.user)
    messages.success(request, _("Published: %(title)s.") % {"title": publication.title})
    return redirect("disclosures:manage")


@login_required
@require_POST
def publish_oversight(request: AuthedHttpRequest) -> HttpResponse:
    require_publisher(request.user)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    draft = sources_more.oversight(year) if year in YEARS else None
    if draft is None:
        messages.error(request, _("No confirmed violation to publish for this year."))
        return redirect("disclosures:manage")
    publication = actions.publish(draft, by=request.user)
    messages.success(request, _("Published: %(title)s.") % {"title": publication.title})
    return redirect("disclosures:manage")


def oversight_context(content: dict[str, Any]) -> dict[str, Any]:
    """A table province × month with totals, and the monthly totals for the chart."""
    by_province: dict[str, list[int]] = defaultdict(lambda: [0] * 12)
    for row in content.get("rows", []):
        month = int(row.get("month", 0))
        if 1 <= month <= 12:
            by_province[str(row.get("province", ""))][month - 1] += int(row.get("confirmed", 0))
    months = [sum(v[m] for v in by_province.values()) for m in range(12)]
    return {
        "months": list(range(1, 13)),
        "table": [
            {"province": p, "cells": [number_text(n) if n else "—" for n in v], "total": sum(v)}
            for p, v in sorted(by_province.items())
        ],
        "month_totals": months,
        "grand_total": sum(months),
        "chart": {"labels": [f"{m:02d}" for m in range(1, 13)], "values": months},
        "reports": sorted(
            (
                {
                    "province": str(r.get("province", "")),
                    "month": f"{int(r.get('month', 0)):02d}",
                    "received": int(r.get("received", 0)),
                    "review": int(r.get("review", 0)),
                    "confirmed": int(r.get("confirmed", 0)),
                    "dismissed": int(r.get("dismissed", 0)),
                }
                for r in content.get("waste_reports", [])
            ),
            key=lambda r: (r["month"], r["province"]),
        ),
    }


def plan_context(content: dict[str, Any]) -> dict[str, Any]:
    def dmy(iso: Any) -> str:
        parts = str(iso or "").split("-")
        return "/".join(reversed(parts)) if len(parts) == 3 else ""

    return {
        "plan": content,
        "decision_date": dmy(content.get("decision_date")),
        "milestones": [
            {"title": m.get("title", ""), "due": dmy(m.get("due_date"))}
            for m in content.get("milestones", [])
        ],
    }
