"""The publishing page: the council secretary or an administrator publishes what is final
(figures, rankings, issued decisions) and withdraws with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from thidua.accounts.access import get_unit_for_user, units_for_user
from thidua.accounts.requests import AuthedHttpRequest
from thidua.council.models import Decision
from thidua.lib.text import vn_sort_key
from thidua.org.models import OrgUnit

from . import actions, sources
from .access import require_publisher
from .models import Publication
from .sources import Draft

YEARS = range(2020, 2031)


class PublishForm(forms.Form):
    kind = forms.ChoiceField(choices=Publication.Kind.choices, label=gettext_lazy("kind"))
    unit = forms.IntegerField(required=False)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    decision = forms.IntegerField(required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("reason for withdrawal"), max_length=2000, strip=True
    )


@login_required
@require_GET
def manage(request: AuthedHttpRequest) -> HttpResponse:
    scope = require_publisher(request.user)
    units = sorted(
        units_for_user(request.user).only("pk", "name"), key=lambda u: vn_sort_key(u.name)
    )
    published = set(Publication.objects.values_list("subject", flat=True))
    issued = Decision.objects.filter(status=Decision.Status.ISSUED).select_related("issuer")
    if scope.unit_ids is not None:
        issued = issued.filter(issuer_id__in=scope.unit_ids)
    decisions = [
        (d, f"decision/{d.issuer.code}/{d.year}/{d.number}" in published) for d in issued[:200]
    ]
    context: dict[str, Any] = {
        "units": units,
        "years": YEARS,
        "decisions": decisions,
        "publications": Publication.objects.select_related("leaf")[:200],
        "withdraw_form": WithdrawForm(),
    }
    from .portal_more import manage_context  # consultation, plan, reviews, oversight

    context.update(manage_context(request))
    return render(request, "disclosures/manage.html", context)


def _draft(request: AuthedHttpRequest, form: PublishForm) -> Draft | None:
    kind, year = form.cleaned_data["kind"], form.cleaned_data["year"]
    if kind == Publication.Kind.DECISION:
        decision = get_object_or_404(Decision, pk=form.cleaned_data["decision"] or 0)
        get_unit_for_user(request.user, decision.issuer_id)
        return sources.decision(decision)
    if kind in (Publication.Kind.PROGRAMME, Publication.Kind.ANNUAL_REPORT):
        raise ValidationError(
            _("Publish programmes and annual reports from the page Publicity on time.")
        )
    if year is None:
        raise ValidationError(_("Choose the year."))
    if kind == Publication.Kind.RANKING:
        return sources.ranking(year)
    unit = get_unit_for_user(request.user, form.cleaned_data["unit"] or 0)
    return sources.figures(unit, year)


@login_required
@require_POST
def publish(request: AuthedHttpRequest) -> HttpResponse:
    require_publisher(request.user)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The publication request is not valid."))
        return redirect("disclosures:manage")
    try:
        draft = _draft(request, form)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("disclosures:manage")
    if draft is None:
        messages.error(request, _("Nothing final to publish yet for this choice."))
        return redirect("disclosures:manage")
    publication = actions.publish(draft, by=request.user)
    messages.success(request, _("Published: %(title)s.") % {"title": publication.title})
    return redirect("disclosures:manage")


def _in_scope(user: Any, publication: Publication) -> None:
    """404 for a unit's figures or decision outside the publisher's scope (the subject names
    the unit: figures/<unit>/<year>, decision/<issuer>/<year>/<number>)."""
    if publication.kind == Publication.Kind.RANKING:
        return
    code = publication.subject.split("/")[1]
    unit_id = OrgUnit.objects.filter(code=code).values_list("pk", flat=True).first()
    get_unit_for_user(user, unit_id or 0)


@login_required
@require_POST
def withdraw(request: AuthedHttpRequest, index: int) -> HttpResponse:
    require_publisher(request.user)
    publication = Publication.objects.filter(leaf_id=index).first()
    if publication is None:
        raise Http404
    _in_scope(request.user, publication)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the withdrawal."))
        return redirect("disclosures:manage")
    try:
        actions.withdraw(publication, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Withdrawn: %(title)s.") % {"title": publication.title})
    return redirect("disclosures:manage")
