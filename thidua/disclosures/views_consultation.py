"""Public consultation on the portal: the published lists of nominees, and the comment form
(anonymous: no cookie, no CSRF token, nothing of the sender kept but what they type), and
the secretary's publishing of a session's list from /public/manage/."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from thidua.accounts.lockouts import client_ip
from thidua.accounts.requests import AuthedHttpRequest
from thidua.council import access as council_access
from thidua.council import consultation as council_consultation
from thidua.council.models import AgendaItem, CouncilSession
from thidua.lib.dates import today

from . import actions, consultation, presenting
from .access import require_publisher
from .models import Publication
from .views import public


def _published_consultations() -> Any:
    return Publication.objects.select_related("leaf").filter(kind=Publication.Kind.CONSULTATION)


@public
def consultations(request: HttpRequest) -> HttpResponse:
    day = today()
    rows = []
    for publication in _published_consultations().order_by("-published_at"):
        content = presenting.content_of(publication)
        when = consultation.period(content)
        rows.append(
            {
                "item": publication,
                "period": when,
                "open": bool(when and when.is_open(day) and not publication.withdrawn_at),
                "count": len(content.get("nominees", [])),
            }
        )
    return render(request, "disclosures/consultations.html", {"rows": rows})


def item_context(publication: Publication, content: dict[str, Any]) -> dict[str, Any]:
    """What the item page shows of a published consultation."""
    when = consultation.period(content)
    nominees = [
        {**n, "closes_text": _dmy(str(n.get("closes_on", "")))} for n in content.get("nominees", [])
    ]
    return {
        "nominees": nominees,
        "period": when,
        "open": bool(when and when.is_open(today()) and not publication.withdrawn_at),
    }


def _dmy(iso: str) -> str:
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso


class CommentForm(forms.Form):
    nominee = forms.TypedChoiceField(label=gettext_lazy("Nominee"), coerce=int)
    text = forms.CharField(
        label=gettext_lazy("Your comment"),
        min_length=council_consultation.TEXT_MIN,
        max_length=council_consultation.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    name = forms.CharField(
        label=gettext_lazy("Your name (optional)"),
        required=False,
        max_length=council_consultation.NAME_MAX,
    )
    contact = forms.CharField(
        label=gettext_lazy("Telephone or e-mail (optional)"),
        required=False,
        max_length=council_consultation.CONTACT_MAX,
    )
    answer = forms.CharField(max_length=8)
    token = forms.CharField(max_length=200, widget=forms.HiddenInput)
    website = forms.CharField(required=False, max_length=200)  # the honeypot: people leave it

    def __init__(self, *args: Any, nominees: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— choose —"))] + [
            (n["number"], f"{n['name']} — {n['title']}") for n in nominees
        ]
        field = self.fields["nominee"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = choices


def _source(request: HttpRequest) -> str:
    """The caller's address as the login lockout sees it (behind trusted proxies: the one the
    outermost proxy saw), only ever hashed by the rate limiter."""
    return client_ip(request) or ""


@csrf_exempt  # anonymous, no cookie: there is no session a forged request could ride on
@require_http_methods(["GET", "HEAD", "POST"])
def comment(request: HttpRequest, index: int) -> HttpResponse:
    language = request.GET.get("lang", "")
    with translation.override(language if language == "en" else "vi"):
        response = _comment(request, index)
    response["Cache-Control"] = "no-store"
    return response


def _comment(request: HttpRequest, index: int) -> HttpResponse:
    publication: Publication = get_object_or_404(_published_consultations(), leaf_id=index)
    content = presenting.content_of(publication)
    nominees = content.get("nominees", [])
    when = consultation.period(content)
    day = today()
    is_open = bool(when and when.is_open(day) and not publication.withdrawn_at)
    context: dict[str, Any] = {"item": publication, "period": when, "open": is_open}
    if not is_open:
        context["refusal"] = _closed_text(publication, when)
        status = 200 if request.method != "POST" else 403
        return render(request, "disclosures/comment.html", context, status=status)
    if request.method != "POST":
        context["form"] = CommentForm(nominees=nominees)
        context["challenge"] = consultation.new_challenge()
        return render(request, "disclosures/comment.html", context)
    form = CommentForm(request.POST, nominees=nominees)
    if form.is_valid() and form.cleaned_data["website"]:
        return render(request, "disclosures/comment.html", {**context, "sent": True})
    problem = ""
    if form.is_valid():
        data = form.cleaned_data
        if not consultation.check_answer(data["token"], data["answer"]):
            problem = _("The answer to the check question is not right, or the form is too old.")
        elif not consultation.limiter.allow(_source(request)):
            problem = _("Too many comments from here in a short time: please try again later.")
        else:
            chosen = next((n for n in nominees if n["number"] == data["nominee"]), None)
            target: AgendaItem | None = (
                consultation.item_for(publication, chosen["number"], chosen["name"])
                if chosen
                else None
            )
            if target is None:
                problem = _("Choose a nominee from the list.")
            else:
                try:
                    council_consultation.add_comment(
                        target,
                        name=data["name"],
                        contact=data["contact"],
                        text=data["text"],
                        day=day,
                    )
                except ValidationError as exc:
                    problem = " ".join(exc.messages)
                else:
                    return render(request, "disclosures/comment.html", {**context, "sent": True})
    context.update(form=form, problem=problem, challenge=consultation.new_challenge())
    return render(request, "disclosures/comment.html", context, status=400)


def _closed_text(publication: Publication, when: consultation.Period | None) -> str:
    if publication.withdrawn_at:
        return _("This list has been withdrawn: comments are no longer received.")
    if when and today() < when.opens_on:
        return _("The public consultation has not started yet.")
    ended = f"{when.closes_on:%d/%m/%Y}" if when else ""
    return _("The public consultation ended on %(date)s: comments are no longer received.") % {
        "date": ended
    }


def manage_context(request: AuthedHttpRequest) -> dict[str, Any]:
    """Closed sessions in the publisher's reach with nominees under consultation."""
    sessions = (
        council_access.sessions_for_user(request.user)
        .filter(
            status=CouncilSession.Status.CLOSED,
            items__result=AgendaItem.Result.PASSED,
            items__consultation_ends_on__isnull=False,
        )
        .distinct()[:50]
    )
    published = set(
        Publication.objects.filter(kind=Publication.Kind.CONSULTATION).values_list(
            "subject", flat=True
        )
    )
    return {
        "consultation_sessions": [(s, consultation.subject_of(s) in published) for s in sessions]
    }


@login_required
@require_POST
def publish_consultation(request: AuthedHttpRequest) -> HttpResponse:
    require_publisher(request.user)
    try:
        pk = int(request.POST.get("session", "") or 0)
    except ValueError as exc:
        raise Http404 from exc
    session = council_access.get_session_for_user(request.user, pk)
    draft = consultation.draft(session)
    if draft is None:
        messages.error(request, _("This session has no nominee under public consultation."))
        return redirect("disclosures:manage")
    publication = actions.publish(draft, by=request.user)
    messages.success(request, _("Published: %(title)s.") % {"title": publication.title})
    return redirect("disclosures:manage")
