"""Report deadlines of the administrator (issue 15, point 5): the dated deadline rule of each
kind of period, the forms that follow it, edit a version, add a version from a date. And the
report forms: their structure (read-only), what a body may change on them, and their
validation rules in words (edit, switch off from a date, add)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from thidua.accounts.access import require_body_admin
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.dates import OPEN_END, format_vn_date, today
from thidua.org.forms import VnDateField
from thidua.org.models import OrgLevel

from . import admin_actions
from .expressions import formula_in_words
from .models import DeadlineRule, FormRow, Indicator, Period, ReportForm, ValidationRule


class DeadlineForm(forms.Form):
    days_after_end = forms.IntegerField(
        label=gettext_lazy("Days after the period ends"),
        required=False,
        min_value=0,
        max_value=365,
        help_text=gettext_lazy("Either this, or a day and month of the next year."),
    )
    next_year_day = forms.IntegerField(
        label=gettext_lazy("Day of the next year"), required=False, min_value=1, max_value=31
    )
    next_year_month = forms.IntegerField(
        label=gettext_lazy("Month of the next year"), required=False, min_value=1, max_value=12
    )
    legal_basis = forms.CharField(label=gettext_lazy("Legal basis"), max_length=255)
    confirmed = forms.BooleanField(
        label=gettext_lazy("Confirmed in the legal text"), required=False
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)

    def values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("valid_from", None)
        return values


class NewDeadlineForm(DeadlineForm):
    valid_from = VnDateField(label=gettext_lazy("In force from (dd/mm/yyyy)"))

    field_order = ["valid_from"]


def _initial(rule: DeadlineRule | None) -> dict[str, Any]:
    if rule is None:
        return {}
    return {name: getattr(rule, name) for name in admin_actions.FIELDS}


@login_required
def deadlines(request: AuthedHttpRequest) -> HttpResponse:
    require_body_admin(request.user)
    day = today()
    forms_by_kind: dict[str, list[str]] = {}
    for form in ReportForm.objects.filter(valid_to__gt=day).order_by("name"):
        forms_by_kind.setdefault(form.periodicity, []).append(form.display_name)
    groups = []
    for kind, label in Period.Kind.choices:
        versions = [
            {"rule": r, "current": r.valid_from <= day < r.valid_to}
            for r in DeadlineRule.objects.filter(periodicity=kind).order_by("-valid_from")
        ]
        groups.append(
            {
                "kind": kind,
                "label": label,
                "versions": versions,
                "forms": forms_by_kind.get(kind, []),
            }
        )
    return render(request, "reporting/ref_deadlines.html", {"groups": groups, "open_end": OPEN_END})


def _page(
    request: AuthedHttpRequest, form: DeadlineForm, heading: str, **context: Any
) -> HttpResponse:
    return render(
        request,
        "reference/form.html",
        {
            "form": form,
            "heading": heading,
            "back_url": reverse("reporting:ref_deadlines"),
            "back_label": _("Report deadlines"),
            **context,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def deadline_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_body_admin(request.user)
    rule = get_object_or_404(DeadlineRule, pk=pk)
    form = DeadlineForm(request.POST or None, initial=_initial(rule))
    if request.method == "POST" and form.is_valid():
        try:
            admin_actions.update_deadline(rule, form.values(), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Deadline saved."))
            return redirect("reporting:ref_deadlines")
    values = {
        "kind": rule.get_periodicity_display().lower(),
        "a": f"{rule.valid_from:%d/%m/%Y}",
        "b": f"{rule.valid_to:%d/%m/%Y}",
    }
    if rule.valid_to >= OPEN_END:
        heading = _("Deadline of %(kind)s reports, in force from %(a)s") % values
    else:
        heading = _("Deadline of %(kind)s reports, in force %(a)s – %(b)s") % values
    return _page(request, form, heading)


@login_required
def deadline_new(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    require_body_admin(request.user)
    if kind not in Period.Kind.values:
        raise Http404
    latest = DeadlineRule.objects.filter(periodicity=kind).order_by("-valid_from").first()
    form = NewDeadlineForm(request.POST or None, initial=_initial(latest))
    if request.method == "POST" and form.is_valid():
        try:
            admin_actions.add_deadline_version(
                kind,
                valid_from=form.cleaned_data["valid_from"],
                values=form.values(),
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("New deadline version added."))
            return redirect("reporting:ref_deadlines")
    heading = _("New deadline version: %(kind)s reports") % {
        "kind": Period.Kind(kind).label.lower()
    }
    return _page(
        request,
        form,
        heading,
        submit=_("Add"),
        hint=_(
            "The version in force on the chosen day ends that day; periods ending before it "
            "keep their deadline."
        ),
    )


# Report forms and their validation rules.


SIGNS: dict[str, str] = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}
"""The comparisons of a rule as a reader writes them (ValidationRule.operator)."""


class ReportFormForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=500)
    name_en = forms.CharField(label=gettext_lazy("English name"), max_length=500, required=False)
    legal_basis = forms.CharField(label=gettext_lazy("Legal basis"), max_length=255, required=False)
    levels = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Levels that fill it"),
        queryset=OrgLevel.objects.order_by("rank", "name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("A level whose units have filed reports on this form stays."),
    )
    valid_to = VnDateField(
        label=gettext_lazy("Closed from (dd/mm/yyyy)"),
        required=False,
        help_text=gettext_lazy(
            "Empty: the form stays in use. From this day no new report is made on it."
        ),
    )


class RuleForm(forms.Form):
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), choices=ValidationRule.Severity.choices
    )
    message_vi = forms.CharField(label=gettext_lazy("Message in Vietnamese"), max_length=500)
    message_en = forms.CharField(label=gettext_lazy("Message in English"), max_length=500)
    waivable_by_comment = forms.BooleanField(
        label=gettext_lazy("Passes when explained in a comment"), required=False
    )
    legal_basis = forms.CharField(label=gettext_lazy("Legal basis"), max_length=255, required=False)
    valid_to = VnDateField(
        label=gettext_lazy("Switched off from (dd/mm/yyyy)"),
        required=False,
        help_text=gettext_lazy("Empty: the rule stays in force."),
    )


class NewRuleForm(RuleForm):
    left = forms.CharField(label=gettext_lazy("Left side"), max_length=500)
    operator = forms.ChoiceField(
        label=gettext_lazy("Comparison"),
        choices=list(SIGNS.items()),
    )
    right = forms.CharField(label=gettext_lazy("Right side"), max_length=500)
    valid_from = VnDateField(label=gettext_lazy("In force from (dd/mm/yyyy)"))

    field_order = ["left", "operator", "right", "valid_from"]


def _validity(valid_from: Any, valid_to: Any) -> str:
    if valid_to >= OPEN_END:
        return _("from %(a)s") % {"a": format_vn_date(valid_from)}
    return f"{format_vn_date(valid_from)} – {format_vn_date(valid_to)}"


def _names() -> dict[str, str]:
    return {i.code: i.display_name for i in Indicator.objects.all()}


def _rule_row(rule: ValidationRule, names: dict[str, str], day: Any) -> dict[str, Any]:
    operator = SIGNS.get(rule.operator, rule.operator)
    return {
        "rule": rule,
        "words": (
            f"{formula_in_words(rule.left, names)} {operator} {formula_in_words(rule.right, names)}"
        ),
        "validity": _validity(rule.valid_from, rule.valid_to),
        "current": rule.valid_from <= day < rule.valid_to,
        "message": rule.message_en if (get_language() or "").startswith("en") else rule.message_vi,
    }


@login_required
def report_forms(request: AuthedHttpRequest) -> HttpResponse:
    require_body_admin(request.user)
    day = today()
    rows = []
    for form in (
        ReportForm.objects.select_related("movement")
        .prefetch_related("levels")
        .annotate(rule_count=models.Count("rules", distinct=True))
        .order_by("name")
    ):
        rows.append(
            {
                "form": form,
                "periodicity": form.get_periodicity_display(),
                "levels": "; ".join(
                    level.name for level in sorted(form.levels.all(), key=lambda x: x.rank)
                ),
                "validity": _validity(form.valid_from, form.valid_to),
                "current": form.valid_from <= day < form.valid_to,
            }
        )
    return render(request, "reporting/ref_forms.html", {"rows": rows})


@login_required
def report_form(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_body_admin(request.user)
    form = get_object_or_404(ReportForm.objects.select_related("movement"), pk=pk)
    day = today()
    names = _names()
    rows = FormRow.objects.filter(section__form=form).select_related("indicator", "section")
    sections = [
        {"section": section, "rows": [r for r in rows if r.section_id == section.pk]}
        for section in form.sections.order_by("order", "code")
    ]
    rules = ValidationRule.objects.filter(form=form).order_by("-valid_to", "valid_from", "pk")
    shared = ValidationRule.objects.filter(form__isnull=True).order_by("-valid_to", "pk")
    return render(
        request,
        "reporting/ref_form.html",
        {
            "report_form": form,
            "periodicity": form.get_periodicity_display(),
            "levels": "; ".join(lv.name for lv in form.levels.order_by("rank", "name")),
            "validity": _validity(form.valid_from, form.valid_to),
            "sections": sections,
            "narrative": form.narrative_parts.order_by("order"),
            "rules": [_rule_row(r, names, day) for r in rules],
            "shared_rules": [_rule_row(r, names, day) for r in shared],
            "units": dict(Indicator.Unit.choices),
        },
    )


def _form_page(
    request: AuthedHttpRequest,
    form: forms.Form,
    heading: str,
    report_form: ReportForm | None,
    template: str = "reference/form.html",
    **context: Any,
) -> HttpResponse:
    back = (
        reverse("reporting:ref_form", args=[report_form.pk])
        if report_form is not None
        else reverse("reporting:ref_forms")
    )
    return render(
        request,
        template,
        {
            "form": form,
            "heading": heading,
            "back_url": back,
            "back_label": report_form.display_name if report_form else _("Report forms"),
            **context,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def report_form_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_body_admin(request.user)
    report_form = get_object_or_404(ReportForm, pk=pk)
    initial = {
        "name": report_form.name,
        "name_en": report_form.name_en,
        "legal_basis": report_form.legal_basis,
        "levels": list(report_form.levels.all()),
        "valid_to": format_vn_date(report_form.valid_to),
    }
    form = ReportFormForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            admin_actions.update_report_form(
                report_form, form.cleaned_data, form.cleaned_data["levels"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Form saved."))
            return redirect("reporting:ref_form", pk=report_form.pk)
    return _form_page(
        request,
        form,
        _("Edit the form: %(name)s") % {"name": report_form.display_name},
        report_form,
        hint=_(
            "The sections and rows of a form are fixed: filed reports are laid out by them. A "
            "new layout is a new form, loaded with the sector pack."
        ),
    )


@login_required
def rule_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_body_admin(request.user)
    rule = get_object_or_404(ValidationRule.objects.select_related("form"), pk=pk)
    initial = {name: getattr(rule, name) for name in admin_actions.RULE_FIELDS}
    initial["valid_to"] = format_vn_date(rule.valid_to)
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            admin_actions.update_rule(rule, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Rule saved."))
            if rule.form_id is None:
                return redirect("reporting:ref_forms")
            return redirect("reporting:ref_form", pk=rule.form_id)
    names = _names()
    operator = SIGNS.get(rule.operator, rule.operator)
    words = f"{formula_in_words(rule.left, names)} {operator} {formula_in_words(rule.right, names)}"
    return _form_page(
        request,
        form,
        _("Edit the rule"),
        rule.form,
        intro=words,
        hint=_(
            "The comparison itself stays: reports were checked by it. To check something else, "
            "switch this rule off from a day and add a new rule."
        )
        if rule.form_id
        else _("This rule applies to every form."),
    )


@login_required
def rule_new(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_body_admin(request.user)
    report_form = get_object_or_404(ReportForm, pk=pk)
    form = NewRuleForm(
        request.POST or None,
        initial={"severity": "blocking", "valid_from": format_vn_date(today())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            admin_actions.add_rule(report_form, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Rule added."))
            return redirect("reporting:ref_form", pk=report_form.pk)
    indicators = Indicator.objects.filter(formrow__section__form=report_form).order_by(
        "formrow__section__order", "formrow__order"
    )
    return _form_page(
        request,
        form,
        _("New rule: %(name)s") % {"name": report_form.display_name},
        report_form,
        template="reporting/ref_rule_new.html",
        submit=_("Add"),
        hint=_(
            "Write each side with the indicator codes below, numbers (1.5), + - * / and "
            "brackets; prev(CODE) is the previous period, last_year(CODE) the same period last "
            "year. A message may show the two sides with {left} and {right}."
        ),
        codes=[(i.code, i.display_name) for i in indicators],
    )
