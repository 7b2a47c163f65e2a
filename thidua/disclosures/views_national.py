"""Pages of the publisher (council secretary, administrator) for issue 12 points 1–2: the
publication schedule, publicity on time ("Công khai đúng hạn": each issued programme and
annual report against the 5-working-day rule), and the national THTK-CLP database exports
(7 working days), with the package download and "marked sent" by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import today
from thidua.lib.text import fold, vn_sort_key
from thidua.org.models import OrgUnit
from thidua.org.tree import subtree_ids

from . import actions, deadlines, issued, national, schedule
from .access import require_publisher
from .models import NationalSubmission, Publication, PublishSchedule

STATES = {
    "on_time": gettext_lazy("on time"),
    "late": gettext_lazy("late"),
    "overdue": gettext_lazy("overdue"),
    "pending": gettext_lazy("not yet due"),
    "no_rule": gettext_lazy("no rule in force"),
}


class SentForm(forms.Form):
    receipt_ref = forms.CharField(
        label=gettext_lazy("receipt reference"), max_length=200, strip=True
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("channel"), choices=NationalSubmission.Channel.choices
    )


def _scope_ids(request: AuthedHttpRequest) -> list[int] | None:
    scope = require_publisher(request.user)
    return None if scope.unit_ids is None else sorted(scope.unit_ids)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_page(request: AuthedHttpRequest) -> HttpResponse:
    require_publisher(request.user)
    if request.method == "POST":
        chosen = set(request.POST.getlist("automatic"))
        if not chosen <= set(Publication.Kind.values):
            messages.error(request, _("The schedule request is not valid."))
            return redirect("disclosures:schedule")
        current = dict(PublishSchedule.objects.values_list("kind", "automatic"))
        for kind in Publication.Kind.values:
            if current.get(kind, False) != (kind in chosen):
                schedule.set_automatic(kind, kind in chosen, by=request.user)
        messages.success(request, _("The publication schedule is saved."))
        return redirect("disclosures:schedule")
    current = dict(PublishSchedule.objects.values_list("kind", "automatic"))
    kinds = [(value, label, current.get(value, False)) for value, label in Publication.Kind.choices]
    return render(request, "disclosures/schedule.html", {"kinds": kinds})


@login_required
@require_GET
def timeliness(request: AuthedHttpRequest) -> HttpResponse:
    """Công khai đúng hạn: every issued item in scope, its due day, its publication day and
    its state; filters by unit and state."""
    ids = _scope_ids(request)
    units = sorted(
        OrgUnit.objects.filter(pk__in=ids) if ids is not None else OrgUnit.objects.all(),
        key=lambda u: vn_sort_key(u.name),
    )
    unit_id = request.GET.get("unit", "")
    wanted = [int(unit_id)] if unit_id.isdigit() else ids
    if unit_id.isdigit() and ids is not None and int(unit_id) not in ids:
        raise Http404
    if unit_id.isdigit() and request.GET.get("below") == "1":  # the unit and its subtree
        below = set(subtree_ids(int(unit_id), today()))
        wanted = sorted(below if ids is None else below & set(ids))
    state = request.GET.get("state", "")
    published: dict[str, Any] = {}
    for subject, moment in (
        Publication.objects.filter(withdrawn_at__isnull=True)
        .order_by("published_at")
        .values_list("subject", "published_at")
    ):
        published.setdefault(subject, timezone.localtime(moment).date())
    calendar, day = deadlines.Calendar(), today()
    rows = [
        calendar.status(item, deadlines.PUBLISH, published.get(item.subject), day)
        for item in issued.issued_items(wanted)
    ]
    if state == "flagged":
        rows = [r for r in rows if r.flagged]
    elif state in STATES:
        rows = [r for r in rows if r.state == state]
    context = {
        "rows": [(r, STATES[r.state]) for r in rows],
        "units": units,
        "unit_id": unit_id,
        "below": request.GET.get("below") == "1",
        "state": state,
        "states": list(STATES.items()),
        "flagged": sum(r.flagged for r in rows),
        "rules": [r for r in deadlines.rules() if r.duty == deadlines.PUBLISH],
    }
    return render(request, "disclosures/timeliness.html", context)


@login_required
@require_GET
def national_page(request: AuthedHttpRequest) -> HttpResponse:
    rows = national.rows(_scope_ids(request), today())
    context = {
        "rows": [(r, STATES[r.status.state]) for r in rows],
        "overdue": sum(r.status.state == "overdue" for r in rows),
        "sent_form": SentForm(),
        "rules": [r for r in deadlines.rules() if r.duty == deadlines.NATIONAL],
        "signed": bool(settings.THIDUA_SIGNING_P12 or settings.THIDUA_SIGNING_DIR),
    }
    return render(request, "disclosures/national.html", context)


@login_required
@require_POST
def national_build(request: AuthedHttpRequest) -> HttpResponse:
    item = issued.find(request.POST.get("subject", ""), _scope_ids(request))
    if item is None:
        raise Http404
    row = national.build(item, by=request.user)
    messages.success(request, _("The package is ready: %(title)s.") % {"title": row.title})
    return redirect("disclosures:national")


def _submission(request: AuthedHttpRequest, pk: int) -> NationalSubmission:
    ids = _scope_ids(request)
    row = NationalSubmission.objects.filter(pk=pk).first()
    if row is None or (ids is not None and issued.find(row.subject, ids) is None):
        raise Http404
    return row


@login_required
@require_GET
def national_package(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    row = _submission(request, pk)
    response = HttpResponse(bytes(row.package), content_type="application/zip")
    stem = slugify(fold(row.title))
    response["Content-Disposition"] = f'attachment; filename="csdl-thtk-clp-{stem}.zip"'
    return response


@login_required
@require_POST
def national_sent(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    row = _submission(request, pk)
    form = SentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the receipt reference of the national database."))
        return redirect("disclosures:national")
    try:
        national.mark_sent(
            row,
            by=request.user,
            receipt_ref=form.cleaned_data["receipt_ref"],
            channel=form.cleaned_data["channel"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Marked as sent: %(title)s.") % {"title": row.title})
    return redirect("disclosures:national")


@login_required
@require_POST
def publish_issued(request: AuthedHttpRequest) -> HttpResponse:
    """Publish an issued programme or annual report by hand (from "Công khai đúng hạn")."""
    item = issued.find(request.POST.get("subject", ""), _scope_ids(request))
    if item is None:
        raise Http404
    publication = actions.publish(issued.draft(item), by=request.user)
    messages.success(request, _("Published: %(title)s.") % {"title": publication.title})
    return redirect("disclosures:timeliness")


def publicity_summary(
    user: Any, unit_ids: list[int], unit_id: int, day: dt.date
) -> deadlines.Summary:
    """Read by reporting's completeness board through
    `settings.THIDUA_PUBLICITY_STATUS` (disclosures sits above them in the layers)."""
    from django.urls import reverse

    from .access import is_publisher

    items = issued.issued_items(unit_ids)
    if not items:
        return deadlines.Summary(0, 0, None)
    published: dict[str, dt.date] = {}
    rows = (
        Publication.objects.filter(
            withdrawn_at__isnull=True, subject__in=[i.subject for i in items]
        )
        .order_by("published_at")
        .values_list("subject", "published_at")
    )
    for subject, moment in rows:
        published.setdefault(subject, timezone.localtime(moment).date())
    calendar = deadlines.Calendar()
    states = [
        calendar.status(i, deadlines.PUBLISH, published.get(i.subject), day).state for i in items
    ]
    url = None
    if is_publisher(user):
        url = f"{reverse('disclosures:timeliness')}?unit={unit_id}&below=1&state=flagged"
    return deadlines.Summary(states.count("late"), states.count("overdue"), url)
