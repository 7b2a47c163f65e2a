"""The supervisor's sampled second review (kiểm tra xác suất): draw the year's sample of a
scope, see the units drawn with their reports, record each verification's result."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from thidua.accounts.access import scope_for
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import today
from thidua.org.models import OrgUnit

from . import sampling
from .access import SUPERVISING, supervises
from .models import SampleDraw, SampleItem, SampleResult


class DrawForm(forms.Form):
    scope = forms.TypedChoiceField(label=gettext_lazy("Scope"), coerce=int)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    size = forms.IntegerField(label=gettext_lazy("Units to draw"), min_value=1, max_value=500)


def _scopes(request: AuthedHttpRequest) -> list[OrgUnit]:
    ids = scope_for(request.user).role_units(set(SUPERVISING))
    return list(OrgUnit.objects.filter(pk__in=ids).order_by("code"))


@login_required
def samples(request: AuthedHttpRequest) -> HttpResponse:
    scopes = _scopes(request)
    if not scopes:
        raise Http404
    form = DrawForm(initial={"year": today().year, "size": 5})
    form.fields["scope"].choices = [(u.pk, u.name) for u in scopes]  # type: ignore[attr-defined]
    if request.method == "POST":
        form = DrawForm(request.POST)
        form.fields["scope"].choices = [(u.pk, u.name) for u in scopes]  # type: ignore[attr-defined]
        if form.is_valid():
            data = form.cleaned_data
            try:
                d = sampling.draw_sample(data["scope"], data["year"], data["size"], by=request.user)
            except ValidationError as exc:
                for text in exc.messages:
                    messages.error(request, text)
            else:
                messages.success(request, _("The sample is drawn."))
                return redirect("oversight:sample", d.pk)
    draws = SampleDraw.objects.filter(scope__in=scopes).select_related("scope")
    return render(request, "oversight/samples.html", {"form": form, "draws": draws})


def _draw_for(request: AuthedHttpRequest, pk: int) -> SampleDraw:
    d = SampleDraw.objects.select_related("scope").filter(pk=pk).first()
    if d is None or d.scope_id not in {u.pk for u in _scopes(request)}:
        raise Http404
    return d


@login_required
def sample(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    d = _draw_for(request, pk)
    items = list(d.items.select_related("unit", "finding"))
    context = {
        "d": d,
        "items": items,
        "verified": sampling.recompute(d) == [i.unit_id for i in items],
        "results": [(v, label) for v, label in SampleResult.choices if v != SampleResult.PENDING],
    }
    return render(request, "oversight/sample.html", context)


@login_required
@require_POST
def sample_result(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = SampleItem.objects.select_related("draw").filter(pk=pk).first()
    if item is None or not supervises(request.user, item.unit_id):
        raise Http404
    _draw_for(request, item.draw_id)
    try:
        sampling.record_result(
            item, request.POST.get("result", ""), by=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The result is recorded."))
    return redirect("oversight:sample", item.draw_id)
