from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.accounts.access import require_admin
from thidua.accounts.requests import AuthedHttpRequest

from . import actions, delivery
from .access import get_notification_for_user
from .forms import PreferencesForm
from .models import Notification, OutgoingEmail


@login_required
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    notes = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        notes = notes.filter(read_at=None)
    page = Paginator(notes, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "only_unread": bool(request.GET.get("unread"))},
    )


@require_POST
@login_required
def read(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read, then open what it is about (or go back to the inbox)."""
    note = get_notification_for_user(request.user, pk)
    actions.mark_read(note, now=timezone.now())
    if request.POST.get("open") and url_has_allowed_host_and_scheme(note.link, None):
        return redirect(note.link or "notifications:inbox")
    return redirect("notifications:inbox")


@require_POST
@login_required
def read_all(request: AuthedHttpRequest) -> HttpResponse:
    count = actions.mark_all_read(request.user, now=timezone.now())
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:inbox")


@login_required
def preferences(request: AuthedHttpRequest) -> HttpResponse:
    form = PreferencesForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.set_preferences(
            request.user, form.channel_choices(), language=form.cleaned_data["language"]
        )
        messages.success(request, _("Your notification choices are saved."))
        return redirect(request.POST.get("next") or "notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
def outbox(request: AuthedHttpRequest) -> HttpResponse:
    """The administrator's view of e-mails not sent yet, with the last error of each."""
    require_admin(request.user)
    if request.method == "POST":
        retry = request.POST.get("retry", "")
        email = OutgoingEmail.objects.filter(
            pk=int(retry) if retry.isdigit() else 0, sent_at=None
        ).first()
        if email is not None:
            delivery.retry_now(email)
            actions.enqueue(email.pk)
            messages.success(request, _("The e-mail will be sent again."))
        return redirect("notifications:outbox")
    unsent = OutgoingEmail.objects.filter(sent_at=None).select_related("recipient")
    sent = OutgoingEmail.objects.exclude(sent_at=None).select_related("recipient")[:20]
    return render(
        request,
        "notifications/outbox.html",
        {"unsent": unsent[:200], "unsent_count": unsent.count(), "sent": sent},
    )
