"""Tell people: `notify` writes one inbox row per person and queues the e-mails of those who
want them, in the caller's transaction; the worker sends them after commit (tasks.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from thidua.lib.dates import format_vn_date

from .models import (
    DEFAULT_CHANNEL,
    Channel,
    Kind,
    Language,
    Notification,
    OutgoingEmail,
    Preference,
)

Text = str | Promise


def _render(text: Text, params: Mapping[str, Any]) -> str:
    """The text in the active language, its parameters too (dates as dd/mm/yyyy)."""
    values = {k: format_vn_date(v) if isinstance(v, dt.date) else str(v) for k, v in params.items()}
    return str(text) % values if values else str(text)


def languages_of(user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's message language: the default (Vietnamese) unless they chose another."""
    chosen = dict(
        Language.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "code")
    )
    return chosen


def channels_of(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    rows = Preference.objects.filter(user_id__in=list(user_ids), kind=kind)
    return dict(rows.values_list("user_id", "channel"))


def site_link(link: str) -> str:
    """An absolute address for an e-mail (THIDUA_SITE_URL)."""
    if not link or link.startswith(("http://", "https://")):
        return link
    return str(settings.THIDUA_SITE_URL).rstrip("/") + link


def email_text(note: Notification) -> str:
    """The e-mail of one notification, in the active language."""
    lines = [note.body] if note.body else []
    if note.unit_name:
        lines.append(_("Unit: %(unit)s") % {"unit": note.unit_name})
    if note.deadline:
        lines.append(_("Deadline: %(date)s") % {"date": format_vn_date(note.deadline)})
    if note.link:
        lines.append(_("Open: %(link)s") % {"link": site_link(note.link)})
    lines.append("")
    lines.append(_("You can choose how you are told of each event on your profile page."))
    return "\n".join(lines)


def queue_email(user: Any, subject: str, body: str) -> OutgoingEmail | None:
    """Queue an e-mail in the current transaction; the worker sends it once it commits."""
    if not user.email or not user.is_active:
        return None
    email = OutgoingEmail.objects.create(
        recipient=user, to=user.email, subject=subject[:300], body=body
    )
    transaction.on_commit(lambda: enqueue(email.pk))
    return email


def enqueue(email_id: int) -> None:
    from .tasks import send_email_task  # the worker's task; imported late (huey registry)

    try:
        send_email_task(email_id)
    except Exception:  # the queue itself is down: the periodic sweep sends it later
        return


def notify(
    users: Iterable[Any],
    kind: str,
    *,
    title: Text,
    body: Text = "",
    params: Mapping[str, Any] | None = None,
    link: str = "",
    unit_name: str = "",
    deadline: dt.date | None = None,
    dedupe_key: str = "",
) -> list[Notification]:
    """Tell each of `users` (once each) of an event of `kind`: an inbox row with the title and
    body rendered in that person's language, and an e-mail if they chose e-mail for this kind.
    With a `dedupe_key`, a person already told under that key is not told again (a reminder
    is sent once per person, item and threshold). Call it inside the action's transaction."""
    Kind(kind)
    people = {u.pk: u for u in users if u is not None and u.is_active}
    if dedupe_key:
        told = Notification.objects.filter(recipient_id__in=people, dedupe_key=dedupe_key)
        for uid in told.values_list("recipient_id", flat=True):
            people.pop(uid, None)
    if not people:
        return []
    languages = languages_of(people)
    channels = channels_of(people, kind)
    made = []
    for uid, user in people.items():
        with translation.override(languages.get(uid, settings.LANGUAGE_CODE)):
            note = Notification(
                recipient=user,
                kind=kind,
                title=_render(title, params or {})[:300],
                body=_render(body, params or {}),
                link=link,
                unit_name=unit_name,
                deadline=deadline,
                dedupe_key=dedupe_key,
                channel=channels.get(uid, DEFAULT_CHANNEL),
            )
            try:
                with transaction.atomic():
                    note.save()
            except IntegrityError:  # told in the same instant by another run
                continue
            if note.channel == Channel.EMAIL and queue_email(user, note.title, email_text(note)):
                note.emailed_at = timezone.now()
                note.save(update_fields=["emailed_at"])
        made.append(note)
    return made


def mark_read(note: Notification, *, now: dt.datetime) -> None:
    if note.read_at is None:
        note.read_at = now
        note.save(update_fields=["read_at"])


def mark_all_read(user: Any, *, now: dt.datetime) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=now)


@transaction.atomic
def set_preferences(user: Any, choices: Mapping[str, str], *, language: str | None) -> None:
    """Store the person's channel for each kind of event, and their message language."""
    for kind, channel in choices.items():
        Preference.objects.update_or_create(
            user=user, kind=Kind(kind), defaults={"channel": Channel(channel)}
        )
    if language:
        Language.objects.update_or_create(user=user, defaults={"code": language})


def send_digests(*, now: dt.datetime) -> int:
    """One e-mail per person listing what they chose to receive as a daily digest and have
    not been sent yet; returns how many e-mails were queued."""
    pending = Notification.objects.filter(channel=Channel.DIGEST, emailed_at=None)
    by_user: dict[int, list[Notification]] = {}
    for note in pending.select_related("recipient").order_by("created_at", "id"):
        by_user.setdefault(note.recipient_id, []).append(note)
    languages = languages_of(by_user)
    queued = 0
    for uid, notes in by_user.items():
        with transaction.atomic(), translation.override(languages.get(uid, settings.LANGUAGE_CODE)):
            user = notes[0].recipient
            parts = [f"• {n.title}\n{email_text(n)}" for n in notes]
            subject = _("thidua: %(count)d new notifications") % {"count": len(notes)}
            if queue_email(user, subject, "\n\n".join(parts)):
                queued += 1
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=now)
    return queued
