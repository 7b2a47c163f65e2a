"""Reference data pages of the administrator for awards (issue 15, point 5): the standing
councils of the body's units and their members' terms; titles and the versions of their rules.
Councils and members belong to a body: another body's rows answer 404. Titles and their rules
are install-wide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from thidua.accounts.access import in_body, require_body_admin
from thidua.accounts.requests import AuthedHttpRequest
from thidua.evaluation.forms import VnDecimalField
from thidua.lib.dates import OPEN_END, today
from thidua.org.forms import VnDateField
from thidua.org.models import OrgUnit, Person

from . import admin_actions, council_templates
from .models import Confidence, Council, CouncilMember, Subject, Title, TitleRule

# Fields another helper adds to Title (issue 15): shown in the title form once they exist.
PENDING_TITLE_FIELDS = ("law_title", "movements")

HUNDRED = Decimal(100)


def _body_units(body: frozenset[int] | None) -> Any:
    units = OrgUnit.objects.at(today()).order_by("level__rank", "name")
    return units if body is None else units.filter(pk__in=body)


# Councils and members


class CouncilForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=gettext_lazy("Name"), max_length=255)

    def __init__(self, *args: Any, body: frozenset[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _body_units(body)  # type: ignore[attr-defined]


class PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user.display_label())


class MemberForm(forms.Form):
    person = PersonChoice(label=gettext_lazy("Person"), queryset=Person.objects.none())
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=CouncilMember.Role.choices,
        initial=CouncilMember.Role.MEMBER,
    )
    valid_from = VnDateField(label=gettext_lazy("From (dd/mm/yyyy)"))

    def __init__(self, *args: Any, body: frozenset[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(
            user__isnull=False, positions__valid_to__gt=today()
        ).select_related("user")
        if body is not None:
            people = people.filter(positions__unit_id__in=body)
        self.fields["person"].queryset = people.distinct().order_by("sort_key")  # type: ignore[attr-defined]
        self.fields["person"].help_text = _(
            "Staff of the body with a user account; create an account in Users and roles first."
        )


class EndForm(forms.Form):
    day = VnDateField(label=gettext_lazy("Last day + 1 (dd/mm/yyyy)"))


@login_required
def councils(request: AuthedHttpRequest) -> HttpResponse:
    body = require_body_admin(request.user)
    rows = Council.objects.select_related("unit").annotate(
        sitting=Count("members", filter=Q(members__valid_to=OPEN_END))
    )
    if body is not None:
        rows = rows.filter(unit_id__in=body)
    form = CouncilForm(body=body)
    missing = [
        {"unit": unit, "name": council_templates.proposed_name(unit)}
        for unit in council_templates.units_without_council(body, today())
    ]
    context = {"councils": rows, "form": form, "missing": missing}
    return render(request, "awards/ref_councils.html", context)


@login_required
def councils_from_template(request: AuthedHttpRequest) -> HttpResponse:
    """Create the council of one unit (`unit`) or of every unit listed (`all`) from the
    sector pack's template; a unit that already has a council is left as it is."""
    body = require_body_admin(request.user)
    if request.method != "POST":
        return redirect("awards:ref_councils")
    if request.POST.get("unit"):
        try:
            pk = int(request.POST["unit"])
        except ValueError:
            raise Http404 from None
        unit = get_object_or_404(OrgUnit, pk=pk)
        in_body(body, unit.pk)
        units = [unit]
    else:
        units = council_templates.units_without_council(body, today())
    made = [c for u in units if (c := council_templates.create_from_template(u, by=request.user))]
    if made:
        messages.success(
            request,
            ngettext(
                "%(count)s council created from the sector pack's template: %(names)s.",
                "%(count)s councils created from the sector pack's template: %(names)s.",
                len(made),
            )
            % {"count": len(made), "names": "; ".join(c.name for c in made)},
        )
    else:
        messages.info(request, _("No council to create: each of these units already has one."))
    return redirect("awards:ref_councils")


@login_required
def council_create(request: AuthedHttpRequest) -> HttpResponse:
    body = require_body_admin(request.user)
    form = CouncilForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        try:
            council = admin_actions.create_council(
                form.cleaned_data["unit"], name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Council “%(name)s” added.") % {"name": council.name})
            return redirect("awards:ref_council", pk=council.pk)
    return render(
        request,
        "reference/form.html",
        {
            "form": form,
            "heading": _("New council"),
            "submit": _("Add"),
            "back_url": reverse("awards:ref_councils"),
            "back_label": _("Councils"),
        },
    )


def _council(request: AuthedHttpRequest, pk: int) -> tuple[Council, frozenset[int] | None]:
    body = require_body_admin(request.user)
    council = get_object_or_404(Council.objects.select_related("unit"), pk=pk)
    in_body(body, council.unit_id)
    return council, body


def _council_page(
    request: AuthedHttpRequest,
    council: Council,
    form: MemberForm,
    status: int = 200,
    end_errors: dict[int, list[str]] | None = None,
) -> HttpResponse:
    members = council.members.select_related("user", "person").order_by("-valid_to", "role")
    context = {
        "council": council,
        "members": members,
        "form": form,
        "open_end": OPEN_END,
        "end_errors": end_errors or {},
        "seats": council_templates.seats_of(council, today()),
        "template": council_templates.template_for(council.unit),
    }
    return render(request, "awards/ref_council.html", context, status=status)


@login_required
def council_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    council, body = _council(request, pk)
    return _council_page(request, council, MemberForm(body=body))


@login_required
def member_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    council, body = _council(request, pk)
    form = MemberForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        try:
            member = admin_actions.add_member(
                council,
                person=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                valid_from=form.cleaned_data["valid_from"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s joins the council from %(day)s.")
                % {"name": member.user.display_name(), "day": f"{member.valid_from:%d/%m/%Y}"},
            )
            return redirect("awards:ref_council", pk=council.pk)
    return _council_page(request, council, form, status=400 if request.method == "POST" else 200)


@login_required
def member_end(request: AuthedHttpRequest, pk: int, member_id: int) -> HttpResponse:
    council, body = _council(request, pk)
    member = get_object_or_404(CouncilMember, pk=member_id, council=council)
    if request.method != "POST":
        return redirect("awards:ref_council", pk=council.pk)
    form = EndForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            admin_actions.end_member(member, day=form.cleaned_data["day"], by=request.user)
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            messages.success(request, _("The term is ended; it stays in the council's history."))
            return redirect("awards:ref_council", pk=council.pk)
    else:
        errors = [str(e) for field in form.errors.values() for e in field]
    return _council_page(
        request, council, MemberForm(body=body), status=400, end_errors={member.pk: errors}
    )


# Titles and rule versions


class TitleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Title
        fields = [
            "name",
            "name_en",
            "short_name",
            "subject",
            "kind",
            "yearly",
            "sort_order",
            # Issue 15: `law_title` (which Law 06/2022 title it is) and `movements` are added
            # by other helpers; PENDING_TITLE_FIELDS joins them here once the model has them.
            *[n for n in PENDING_TITLE_FIELDS if n in {f.name for f in Title._meta.get_fields()}],
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = Subject.choices  # type: ignore[attr-defined]


def _pending_fields_note() -> str:
    names = {f.name for f in Title._meta.get_fields()}
    if all(n in names for n in PENDING_TITLE_FIELDS):
        return ""
    return _(
        "Not available yet: which Law 06/2022 title this is, and the movements that use it. "
        "These fields appear here once they are added to titles."
    )


class RuleForm(forms.Form):
    legal_basis = forms.CharField(label=gettext_lazy("Legal basis"), max_length=500)
    confidence = forms.ChoiceField(
        label=gettext_lazy("How sure the legal basis is"), choices=Confidence.choices
    )
    vote_threshold = VnDecimalField(
        label=gettext_lazy("Vote threshold (agree votes, %)"), required=False
    )
    cash_multiple = VnDecimalField(
        label=gettext_lazy("Cash multiple of the base salary"), required=False
    )
    share_threshold = VnDecimalField(label=gettext_lazy("Share threshold (%)"), required=False)
    share_comparator = forms.ChoiceField(
        label=gettext_lazy("Comparator"), choices=TitleRule.Comparator.choices
    )
    quota_share = VnDecimalField(
        label=gettext_lazy("Quota (share of the staff, %)"), required=False
    )
    quota_minimum = forms.IntegerField(
        label=gettext_lazy("Quota minimum"), required=False, min_value=0, max_value=10000
    )
    consultation_working_days = forms.IntegerField(
        label=gettext_lazy("Public consultation (working days)"),
        required=False,
        min_value=0,
        max_value=60,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def values(self) -> dict[str, Any]:
        """The cleaned values, shares as fractions (90 % -> 0.900)."""
        values = dict(self.cleaned_data)
        values.pop("valid_from", None)
        for name in admin_actions.SHARES:
            if values.get(name) is not None:
                values[name] = (values[name] / HUNDRED).quantize(Decimal("0.001"))
        return values


class NewRuleForm(RuleForm):
    valid_from = VnDateField(label=gettext_lazy("In force from (dd/mm/yyyy)"))

    field_order = ["valid_from"]


def _share_pct(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value * HUNDRED).normalize()


def _rule_initial(rule: TitleRule | None) -> dict[str, Any]:
    if rule is None:
        return {"confidence": Confidence.HIGH, "share_comparator": TitleRule.Comparator.GE}
    initial = {name: getattr(rule, name) for name in admin_actions.RULE_FIELDS}
    for name in admin_actions.SHARES:
        pct = _share_pct(initial[name])
        initial[name] = "" if pct is None else f"{pct:f}".replace(".", ",")
    initial["cash_multiple"] = f"{rule.cash_multiple.normalize():f}".replace(".", ",")
    return initial


@login_required
def titles(request: AuthedHttpRequest) -> HttpResponse:
    require_body_admin(request.user)
    day = today()
    rows = []
    for title in Title.objects.prefetch_related("rules"):
        versions = [
            {
                "rule": r,
                "current": r.valid_from <= day < r.valid_to,
                "vote": _share_pct(r.vote_threshold),
                "share": _share_pct(r.share_threshold),
                "quota": _share_pct(r.quota_share),
            }
            for r in sorted(title.rules.all(), key=lambda r: r.valid_from, reverse=True)
        ]
        rows.append({"title": title, "versions": versions})
    return render(request, "awards/ref_titles.html", {"rows": rows})


@login_required
def title_create(request: AuthedHttpRequest) -> HttpResponse:
    require_body_admin(request.user)
    form = TitleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        extra = {n: data.pop(n) for n in PENDING_TITLE_FIELDS if n in data}
        try:
            title = admin_actions.create_title(**data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _set_pending(title, extra)
            messages.success(
                request,
                _("Title “%(name)s” added; now give it a rule version.") % {"name": title.name},
            )
            return redirect("awards:ref_rule_new", pk=title.pk)
    return render(
        request,
        "reference/form.html",
        {
            "form": form,
            "heading": _("New title or award form"),
            "submit": _("Add"),
            "back_url": reverse("awards:ref_titles"),
            "back_label": _("Titles and rules"),
            "placeholder": _pending_fields_note(),
        },
    )


def _set_pending(title: Title, extra: dict[str, Any]) -> None:
    """The fields other helpers add to Title (issue 15), set once the model has them."""
    if not extra:
        return
    for name, value in extra.items():
        field = Title._meta.get_field(name)
        if field.many_to_many:
            getattr(title, name).set(value)
        else:
            setattr(title, name, value)
            title.save(update_fields=[name])


def _rule_page(
    request: AuthedHttpRequest, form: RuleForm, title: Title, heading: str, **context: Any
) -> HttpResponse:
    return render(
        request,
        "reference/form.html",
        {
            "form": form,
            "heading": heading,
            "intro": title.name,
            "back_url": reverse("awards:ref_titles"),
            "back_label": _("Titles and rules"),
            **context,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def rule_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_body_admin(request.user)
    rule = get_object_or_404(TitleRule.objects.select_related("title"), pk=pk)
    form = RuleForm(request.POST or None, initial=_rule_initial(rule))
    if request.method == "POST" and form.is_valid():
        try:
            admin_actions.update_rule(rule, form.values(), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("awards:ref_titles")
    if rule.valid_to >= OPEN_END:
        heading = _("Rule in force from %(a)s") % {"a": f"{rule.valid_from:%d/%m/%Y}"}
    else:
        heading = _("Rule in force %(a)s – %(b)s") % {
            "a": f"{rule.valid_from:%d/%m/%Y}",
            "b": f"{rule.valid_to:%d/%m/%Y}",
        }
    return _rule_page(request, form, rule.title, heading)


@login_required
def rule_new(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_body_admin(request.user)
    title = get_object_or_404(Title, pk=pk)
    latest = title.rules.order_by("-valid_from").first()
    form = NewRuleForm(request.POST or None, initial=_rule_initial(latest))
    if request.method == "POST" and form.is_valid():
        try:
            admin_actions.add_rule_version(
                title,
                valid_from=form.cleaned_data["valid_from"],
                values=form.values(),
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("New rule version added."))
            return redirect("awards:ref_titles")
    return _rule_page(
        request,
        form,
        title,
        _("New rule version"),
        submit=_("Add"),
        hint=_(
            "The version in force on the chosen day ends that day; the new one runs until the "
            "next version begins."
        ),
    )
