"""The roll-up page: totals of a unit's subtree over a period range, on the structure as it
was or mapped onto the structure at a date, with a column per unit below; and its .xlsx."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from thidua.accounts.access import get_unit_for_user, scope_for, today
from thidua.lib.dates import InvalidDate, format_vn_date, parse_vn_date
from thidua.org import tree
from thidua.org.models import OrgUnit

from .exports import XLSX, RollupTable, rollup_table, rollup_workbook
from .models import Period

AS_WAS, MAPPED = "as_was", "mapped"
MAX_QUARTERS = 20


def _quarters() -> list[Period]:
    return list(Period.objects.filter(kind=Period.Kind.QUARTER).order_by("start"))


class RollupForm(forms.Form):
    """What to roll up: a year or a range of quarters, the structure, unapproved data."""

    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), coerce=int, required=False, empty_value=None
    )
    first = forms.TypedChoiceField(
        label=gettext_lazy("From quarter"), coerce=int, required=False, empty_value=None
    )
    last = forms.TypedChoiceField(
        label=gettext_lazy("To quarter"), coerce=int, required=False, empty_value=None
    )
    structure = forms.ChoiceField(
        label=gettext_lazy("Structure"),
        choices=[
            (AS_WAS, gettext_lazy("As it was when the figures were reported")),
            (MAPPED, gettext_lazy("Mapped onto the structure on the date")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    on = forms.CharField(label=gettext_lazy("Structure on (dd/mm/yyyy)"), required=False)
    unapproved = forms.BooleanField(
        label=gettext_lazy("Include data not yet approved"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, quarters: list[Period], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quarters = quarters
        years = sorted({q.year for q in quarters})
        self.fields["year"].choices = [("", _("Quarters below")), *[(y, str(y)) for y in years]]  # type: ignore[attr-defined]
        choices = [("", "—"), *[(q.pk, q.label) for q in quarters]]
        self.fields["first"].choices = choices  # type: ignore[attr-defined]
        self.fields["last"].choices = choices  # type: ignore[attr-defined]

    def clean_on(self) -> dt.date | None:
        text = self.cleaned_data["on"].strip()
        if not text:
            return None
        try:
            return parse_vn_date(text)
        except InvalidDate as exc:
            raise forms.ValidationError(
                _("“%(text)s” is not a date. Write it as dd/mm/yyyy, for example 01/01/2026.")
                % {"text": text}
            ) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("structure") == MAPPED and "on" in data and data["on"] is None:
            self.add_error("on", _("Give the date of the structure to map onto (dd/mm/yyyy)."))
        data["periods"] = self._periods(data)
        return data

    def _periods(self, data: dict[str, Any]) -> list[Period]:
        if data.get("year"):
            return [q for q in self.quarters if q.year == data["year"]]
        by_pk = {q.pk: q for q in self.quarters}
        first, last = by_pk.get(data.get("first") or 0), by_pk.get(data.get("last") or 0)
        if first is None or last is None:
            self.add_error("year", _("Choose a year, or the first and the last quarter."))
            return []
        chosen = [q for q in self.quarters if first.start <= q.start <= last.start]
        if not chosen:
            self.add_error("last", _("The last quarter comes before the first one."))
        elif len(chosen) > MAX_QUARTERS:
            self.add_error(
                "last", _("Choose at most %(n)s quarters at a time.") % {"n": MAX_QUARTERS}
            )
        return chosen


def _with_defaults(params: QueryDict, quarters: list[Period]) -> QueryDict:
    """The request's choices; the current year on the structure as it was by default."""
    data = params.copy()
    if not any(data.get(k) for k in ("year", "first", "last")) and quarters:
        years = sorted({q.year for q in quarters})
        data["year"] = str(max([y for y in years if y <= today().year] or years))
    data.setdefault("structure", AS_WAS)
    data.setdefault("on", format_vn_date(today()))
    return data


def _unit(request: HttpRequest) -> OrgUnit:
    """The chosen unit within the user's scope (404 outside), else the user's home unit."""
    raw = request.GET.get("unit", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        return get_unit_for_user(request.user, int(raw))
    scope = scope_for(request.user)
    home = [u.pk for u in scope.home_units] or (tree.roots(today()) if scope.is_admin else [])
    if not home:
        raise Http404
    return get_unit_for_user(request.user, home[0])


def _children(user: Any, unit: OrgUnit, day: dt.date) -> list[int]:
    scope = scope_for(user)
    names = tree.names_at(tree.children_ids(unit.pk, day), day)
    visible = [i for i in names if scope.sees(i)]
    return sorted(visible, key=lambda i: names[i])


def _unit_choices(user: Any, unit: OrgUnit, day: dt.date, child_ids: list[int]) -> list[Any]:
    """Units to switch to: the home units, the chosen unit's line upwards, and its children."""
    scope = scope_for(user)
    line = [i for i in tree.ancestor_ids(unit.pk, day) if scope.sees(i)]
    ids = list(dict.fromkeys([*(u.pk for u in scope.home_units), *line, unit.pk, *child_ids]))
    names = tree.names_at(ids, day)
    return [(i, names[i]) for i in ids]


def _table(request: HttpRequest, unit: OrgUnit, form: RollupForm) -> RollupTable:
    periods: list[Period] = form.cleaned_data["periods"]
    mapped_to = form.cleaned_data["on"] if form.cleaned_data["structure"] == MAPPED else None
    day = mapped_to or periods[-1].end
    return rollup_table(
        unit,
        periods,
        mapped_to=mapped_to,
        include_unapproved=form.cleaned_data["unapproved"],
        child_ids=_children(request.user, unit, day),
    )


@login_required
@require_GET
def rollup(request: HttpRequest) -> HttpResponse:
    """Roll-ups for a unit's subtree: the form, the table, the link to the .xlsx."""
    unit = _unit(request)
    quarters = _quarters()
    form = RollupForm(_with_defaults(request.GET, quarters), quarters=quarters)
    table = _table(request, unit, form) if form.is_valid() else None
    day = (table.mapped_to or table.periods[-1].end) if table else today()
    query = _with_defaults(request.GET, quarters)
    query.pop("unit", None)
    context = {
        "form": form,
        "unit": unit,
        "table": table,
        "unit_choices": _unit_choices(
            request.user, unit, day, [c.unit_id for c in table.columns] if table else []
        ),
        "drill_query": query.urlencode(),
        "xlsx_url": f"{reverse('reporting:rollup_xlsx')}?{query.urlencode()}&unit={unit.pk}",
    }
    template = "reporting/rollup.html#page" if request.htmx else "reporting/rollup.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_GET
def rollup_xlsx(request: HttpRequest) -> HttpResponse:
    """The same view as an .xlsx workbook; a request the page would refuse shows the page."""
    unit = _unit(request)
    quarters = _quarters()
    form = RollupForm(_with_defaults(request.GET, quarters), quarters=quarters)
    if not form.is_valid():
        return rollup(request)
    table = _table(request, unit, form)
    response = HttpResponse(rollup_workbook(table, today=today()), content_type=XLSX)
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", unit.code)
    name = f"tong-hop-{code}-{table.periods[0].year}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
