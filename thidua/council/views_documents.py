"""Document settings and signers, kept by the administrator (issue 15 point 5): the number
symbol and place of each issuing unit's decisions and the register of who signs them.
Decision drafting reads both (views.decision_new)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from thidua.accounts.access import require_admin, scope_for
from thidua.accounts.requests import AuthedHttpRequest
from thidua.awards.models import Council
from thidua.lib.dates import OPEN_END, today
from thidua.org.body import Body, save_wording
from thidua.org.models import OrgUnit

from . import actions
from .forms import BodyWordingForm, DocumentSettingsForm, SignerForm
from .models import DocumentSettings, Signer


def _issuing_units(request: AuthedHttpRequest) -> Any:
    """The units with a council (they issue decisions) that the administrator may change."""
    require_admin(request.user)
    scope = scope_for(request.user)
    units = OrgUnit.objects.filter(pk__in=Council.objects.values("unit_id")).order_by("code")
    if scope.writable_ids is not None and not request.user.is_superuser:
        units = units.filter(pk__in=scope.writable_ids)
    return units


@login_required
def documents(request: AuthedHttpRequest) -> HttpResponse:
    """Each issuing unit with its symbol, place and signers in force today."""
    if request.method != "GET":
        return HttpResponse(status=405)
    units = list(_issuing_units(request))
    own = {s.unit_id: s for s in DocumentSettings.objects.filter(unit__in=units)}
    signers = Signer.objects.filter(unit__in=units).order_by("unit_id", "-valid_from")
    by_unit: dict[int, list[Signer]] = {}
    for signer in signers:
        by_unit.setdefault(signer.unit_id, []).append(signer)
    rows = []
    for unit in units:
        symbol, place = actions.document_defaults(unit)
        rows.append(
            {
                "unit": unit,
                "symbol": symbol,
                "place": place,
                "own": unit.pk in own,
                "signers": by_unit.get(unit.pk, []),
            }
        )
    context = {
        "rows": rows,
        "today": today(),
        "open_end": OPEN_END,
        "body": _editable_body(request),
    }
    return render(request, "council/documents.html", context)


@login_required
def settings_edit(request: AuthedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _issuing_units(request).filter(pk=unit_pk).first()
    if unit is None:
        raise Http404
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    current = DocumentSettings.objects.filter(unit=unit).first()
    symbol, place = actions.document_defaults(unit)
    form = DocumentSettingsForm(
        request.POST or None,
        instance=current or DocumentSettings(unit=unit),
        initial={"symbol": symbol, "place": place},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_document_settings(
                unit,
                symbol=form.cleaned_data["symbol"],
                place=form.cleaned_data["place"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The document settings of %(unit)s were saved.") % {"unit": unit.name}
            )
            return redirect("council:documents")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "unit": unit, "title": _("Document settings")}
    return render(request, "council/document_form.html", context, status=status)


@login_required
def signer_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a signer to the register (no pk) or change one."""
    units = _issuing_units(request)
    signer = Signer(valid_from=today())
    if pk is not None:
        signer = Signer.objects.filter(pk=pk, unit__in=units).first() or _missing()
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    initial = {"unit": request.GET.get("unit")} if pk is None and request.GET.get("unit") else {}
    form = SignerForm(request.POST or None, instance=signer, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_signer(form.instance, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The signer register was saved."))
            return redirect("council:documents")
    status = 400 if request.method == "POST" else 200
    title = _("Change a signer") if pk is not None else _("Add a signer")
    context = {"form": form, "unit": None, "title": title}
    return render(request, "council/document_form.html", context, status=status)


def _missing() -> Signer:
    raise Http404


def _editable_body(request: AuthedHttpRequest) -> Body | None:
    """The install's body, when the administrator's scope holds its root unit."""
    body = Body.objects.select_related("unit").first()
    if body is None or not (
        request.user.is_superuser or scope_for(request.user).writes(body.unit_id)
    ):
        return None
    return body


@login_required
def body_wording(request: AuthedHttpRequest) -> HttpResponse:
    """The body's wording and document defaults, filled from the sector pack at set-up."""
    require_admin(request.user)
    body = _editable_body(request)
    if body is None:
        raise Http404
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    form = BodyWordingForm(request.POST or None, initial=body.wording)
    if request.method == "POST" and form.is_valid():
        try:
            save_wording(body, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The body's wording was saved."))
            return redirect("council:documents")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "unit": body.unit, "title": _("The body's wording")}
    return render(request, "council/document_form.html", context, status=status)
