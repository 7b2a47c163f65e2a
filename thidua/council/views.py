"""Council pages: sessions with the secret ballot, minutes, decisions with their files, award
history and revocation. Function views: access helper → form → action → redirect or render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from thidua.accounts.access import get_person_for_user, get_unit_for_user
from thidua.accounts.models import User
from thidua.accounts.requests import AuthedHttpRequest
from thidua.awards.models import AwardRecord, Council, Proposal
from thidua.lib.dates import today
from thidua.lib.documents import OfficialDocument, render_docx, render_pdf

from . import access, actions, consultation, exports, rules, signatures
from .forms import DecisionForm, IssueForm, RevokeForm, SessionForm, VoteForm, WrittenVoteForm
from .models import AgendaItem, BallotReceipt, CouncilSession, Revocation, SessionMember

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _refused(request: AuthedHttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _councils_for(user: User) -> Any:
    units = access._managed_units(user)
    qs = Council.objects.select_related("unit")
    return qs if units is None else qs.filter(unit_id__in=units)


@require_GET
@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    sessions = access.sessions_for_user(request.user).order_by("-date", "-id")[:50]
    decisions = access.decisions_for_user(request.user).order_by("-date", "-id")[:50]
    secretary = access.is_secretary(request.user)
    form = SessionForm(councils=_councils_for(request.user)) if secretary else None
    context = {"sessions": sessions, "decisions": decisions, "form": form}
    return render(request, "council/index.html", context)


@require_POST
@login_required
def session_new(request: AuthedHttpRequest) -> HttpResponse:
    if not access.is_secretary(request.user):
        raise Http404
    form = SessionForm(request.POST, councils=_councils_for(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = actions.create_session(
                data["council"],
                day=data["day"],
                place=data["place"],
                by=request.user,
                quorum=(data["quorum_numerator"], data["quorum_denominator"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("council:session", pk=session.pk)
    context = {"sessions": [], "decisions": [], "form": form}
    return render(request, "council/index.html", context, status=422)


def _session_context(request: AuthedHttpRequest, session: CouncilSession) -> dict[str, Any]:
    user = request.user
    manage = access.can_manage(user, session.council.unit_id)
    me = session.members.filter(user_id=user.pk).first()
    items = list(
        session.items.select_related("proposal__title", "proposal__person", "proposal__unit")
    )
    voted = set(me.receipts.values_list("item_id", flat=True)) if me else set()
    members = list(session.members.all())
    present = sum(m.present for m in members)
    receipts: dict[int, set[int]] = {}
    pairs = BallotReceipt.objects.filter(session=session).values_list("item_id", "member_id")
    for item_id, member_id in pairs:
        receipts.setdefault(item_id, set()).add(member_id)
    proposals = (
        Proposal.objects.filter(
            status=Proposal.Status.SUBMITTED, council=session.council
        ).select_related("title", "person", "unit")
        if manage and session.status != CouncilSession.Status.CLOSED
        else Proposal.objects.none()
    )
    missing = (
        actions.missing_ballots(session) if session.status == CouncilSession.Status.OPEN else (0, 0)
    )
    comments = (
        consultation.comments_by_item(session)
        if manage and session.status == CouncilSession.Status.CLOSED
        else {}
    )
    return {
        "session": session,
        "manage": manage,
        "me": me,
        "rows": [
            {
                "item": item,
                "voted": item.pk in voted,
                "ballots": len(receipts.get(item.pk, ())),
                "pending_written": [
                    m for m in members if not m.present and m.pk not in receipts.get(item.pk, ())
                ],
                "comments": comments.get(item.pk, []),
            }
            for item in items
        ],
        "members": members,
        "absent": [m for m in members if not m.present],
        "present_count": present,
        "quorum_met": rules.quorum_met(
            present, len(members), session.quorum_numerator, session.quorum_denominator
        ),
        "proposals": proposals,
        "missing": missing,
        "missing_text": actions.missing_ballots_text(*missing) if missing[0] else "",
        "vote_form": VoteForm(),
        "choices": WrittenVoteForm.base_fields["choice"].choices,  # type: ignore[attr-defined]
    }


@require_GET
@login_required
def session_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for_user(request.user, pk)
    template = "council/session.html#items" if request.htmx else "council/session.html"
    return render(request, template, _session_context(request, session))


def _back(
    request: AuthedHttpRequest,
    session: CouncilSession,
    fragment: str = "items",
    just_voted: int | None = None,
) -> HttpResponse:
    if request.htmx:
        context = _session_context(request, session)
        context["just_voted"] = just_voted
        return render(request, f"council/session.html#{fragment}", context)
    return redirect("council:session", pk=session.pk)


@require_POST
@login_required
def attendance(request: AuthedHttpRequest, pk: int, member_id: int) -> HttpResponse:
    session = access.get_session_for_user(request.user, pk, manage=True)
    try:
        member = session.members.get(pk=member_id)
    except SessionMember.DoesNotExist as exc:
        raise Http404 from exc
    try:
        actions.set_attendance(member, present=request.POST.get("present") == "1", by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    return _back(request, session, "members")


@require_POST
@login_required
def add_item(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for_user(request.user, pk, manage=True)
    try:
        proposal = Proposal.objects.get(pk=int(request.POST.get("proposal", "0") or 0))
        actions.add_agenda_item(session, proposal, by=request.user)
    except (Proposal.DoesNotExist, ValueError):
        messages.error(request, _("Choose a submitted proposal."))
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("council:session", pk=session.pk)


@require_POST
@login_required
def move_session(request: AuthedHttpRequest, pk: int, step: str) -> HttpResponse:
    session = access.get_session_for_user(request.user, pk, manage=True)
    try:
        if step == "open":
            actions.open_session(session, by=request.user)
        elif step == "close":
            actions.close_session(
                session,
                by=request.user,
                day=today(),
                confirm_missing=request.POST.get("confirm_missing") == "1",
            )
            messages.success(request, _("The session is closed and the votes are counted."))
        else:
            raise Http404
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("council:session", pk=session.pk)


@require_POST
@login_required
def vote(request: AuthedHttpRequest, item_id: int) -> HttpResponse:
    item = access.get_item_for_user(request.user, item_id)
    # Each nominee's choices carry a name of their own ("choice-<item>"); "choice" still works.
    form = VoteForm({"choice": request.POST.get(f"choice-{item.pk}", request.POST.get("choice"))})
    if not form.is_valid():
        messages.error(request, _("Choose agree, disagree or abstain."))
    else:
        try:
            actions.cast_ballot(item, user=request.user, choice=form.cleaned_data["choice"])
            if not request.htmx:  # on the page, the confirmation shows in place (just_voted)
                messages.success(
                    request, _("Your vote is recorded. Nobody can see what you chose.")
                )
            else:
                return _back(request, item.session, just_voted=item.pk)
        except ValidationError as exc:
            _refused(request, exc)
    return _back(request, item.session)


@require_POST
@login_required
def written_vote(request: AuthedHttpRequest, item_id: int) -> HttpResponse:
    item = access.get_item_for_user(request.user, item_id, manage=True)
    form = WrittenVoteForm(request.POST)
    if form.is_valid():
        member = item.session.members.filter(pk=form.cleaned_data["member"]).first()
        try:
            if member is None:
                raise ValidationError(_("Only members of the council can vote."))
            actions.record_written_ballot(
                item, member, choice=form.cleaned_data["choice"], by=request.user
            )
            messages.success(request, _("The written vote is recorded."))
        except ValidationError as exc:
            _refused(request, exc)
    else:
        messages.error(request, _("Choose agree, disagree or abstain."))
    return _back(request, item.session)


def _file(document: OfficialDocument, fmt: str) -> HttpResponse:
    if fmt == "docx":
        data, content_type = render_docx(document), DOCX
    elif fmt == "pdf":
        data, content_type = render_pdf(document), "application/pdf"
    else:
        raise Http404
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename_stem}.{fmt}"'
    return response


@require_GET
@login_required
def minutes(request: AuthedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    session = access.get_session_for_user(request.user, pk)
    if session.status != CouncilSession.Status.CLOSED:
        raise Http404
    return _file(exports.minutes_document(session), fmt)


def _passed_items(session: CouncilSession) -> Any:
    return session.items.filter(
        result=AgendaItem.Result.PASSED, proposal__decision_awardee__isnull=True
    ).select_related("proposal__title", "proposal__person", "proposal__unit")


@login_required
def decision_new(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for_user(request.user, pk, manage=True)
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    unit = session.council.unit
    symbol, place = actions.document_defaults(unit)
    initial = {
        "date": today(),
        "issuer_name": unit.name,
        "symbol": symbol,
        "place": place,
        "subject": "Về việc tặng danh hiệu thi đua, hình thức khen thưởng",
        "recipients": "Như Điều 3;\nLưu: VT, TĐKT.",
        "legal_bases": "\n".join(actions.default_legal_bases(today())),
    }
    form = DecisionForm(
        request.POST or None,
        initial=initial,
        items=_passed_items(session),
        signers=actions.signers_on(unit, today()),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        items, day = list(data.pop("items")), data.pop("date")
        try:
            decision = actions.create_decision(
                session, issuer=unit, day=day, fields=data, items=items, by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("council:decision", pk=decision.pk)
    return render(request, "council/decision_new.html", {"form": form, "session": session})


@require_GET
@login_required
def decision_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    decision = access.get_decision_for_user(request.user, pk)
    awardees = decision.awardees.select_related(
        "proposal__title", "proposal__person", "proposal__unit", "award"
    )
    context = {
        "decision": decision,
        "awardees": awardees,
        "total": sum(a.cash_amount or 0 for a in awardees),
        "total_unknown": any(a.cash_amount is None for a in awardees),
        "manage": access.can_manage(request.user, decision.issuer_id),
        "issue_form": IssueForm(),
        "revocations": {r.award_id: r for r in Revocation.objects.filter(decision=decision)},
    }
    if not request.htmx:
        status = signatures.status_of(decision)
        context["signature"] = signatures.describe(status) if status else None
    template = "council/decision.html#awardees" if request.htmx else "council/decision.html"
    return render(request, template, context)


@require_POST
@login_required
def decision_issue(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    decision = access.get_decision_for_user(request.user, pk, manage=True)
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            actions.issue_decision(decision, by=request.user, number=form.cleaned_data["number"])
            messages.success(request, _("The decision is issued and the awards are recorded."))
        except ValidationError as exc:
            _refused(request, exc)
    else:
        messages.error(request, _("The number must be a whole number from 1."))
    return redirect("council:decision", pk=decision.pk)


@require_GET
@login_required
def decision_file(request: AuthedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    decision = access.get_decision_for_user(request.user, pk)
    signed = signatures.signed_bytes(decision) if fmt == "pdf" else None
    if signed is not None:  # the bytes signed at issue, never re-rendered
        document = exports.decision_document(decision)
        response = HttpResponse(signed, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{document.filename_stem}.pdf"'
        return response
    return _file(exports.decision_document(decision), fmt)


@login_required
def revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    award = access.get_award_for_user(request.user, pk)
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    form = RevokeForm(request.POST or None, initial={"day": today()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.revoke_award(
                award,
                reason=form.cleaned_data["reason"],
                day=form.cleaned_data["day"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The award is revoked."))
            if award.person_id:
                return redirect("council:person_history", pk=award.person_id)
            return redirect("council:unit_history", pk=award.unit_id)
    return render(request, "council/revoke.html", {"form": form, "award": award})


def _history(request: AuthedHttpRequest, awards: Any, subject: object, kind: str) -> HttpResponse:
    awards = awards.select_related("title").order_by("-year", "-decided_on")
    recovered = {r.award_id: r for r in Revocation.objects.filter(award__in=awards)}
    context = {
        "subject": subject,
        "kind": kind,
        "awards": awards,
        "revocations": recovered,
        "can_revoke": access.is_secretary(request.user),
    }
    template = "council/history.html#awards" if request.htmx else "council/history.html"
    return render(request, template, context)


@require_GET
@login_required
def person_history(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    return _history(request, AwardRecord.objects.filter(person=person), person, "person")


@require_GET
@login_required
def unit_history(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    return _history(request, AwardRecord.objects.filter(unit=unit), unit, "unit")
