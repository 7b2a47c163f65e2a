"""Public consultation of a session's passed nominees (Decree 98/2023 Art. 46, Decree
152/2025 Art. 60(3)): which items are under consultation, when it is open, and the comments
received (the public portal's form calls `add_comment`; the council sees them on the session
page and the minutes count them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.audit import chain

from .models import AgendaItem, ConsultationComment, CouncilSession

NAME_MAX, CONTACT_MAX, TEXT_MIN, TEXT_MAX = 120, 200, 10, 4000


def consulted_items(session: CouncilSession) -> QuerySet[AgendaItem]:
    """The session's passed items with a public consultation, in agenda order."""
    return (
        session.items.filter(result=AgendaItem.Result.PASSED, consultation_ends_on__isnull=False)
        .select_related("proposal__title", "proposal__person", "proposal__unit")
        .select_related("proposal__proposing_unit")
        .order_by("position", "id")
    )


def opens_on(item: AgendaItem) -> dt.date:
    """The consultation starts the day the ballot is counted (the session's closing day)."""
    session = item.session
    return session.closed_on or session.date


def is_open(item: AgendaItem, day: dt.date) -> bool:
    return (
        item.consultation_ends_on is not None
        and item.result == AgendaItem.Result.PASSED
        and opens_on(item) <= day <= item.consultation_ends_on
    )


def add_comment(
    item: AgendaItem, *, name: str, contact: str, text: str, day: dt.date
) -> ConsultationComment:
    """Record one comment on `item` while its consultation is open on `day`; refused with a
    message otherwise, or when a field is out of its limits (nothing is written then)."""
    name, contact, text = name.strip(), contact.strip(), text.strip()
    if item.consultation_ends_on is None or item.result != AgendaItem.Result.PASSED:
        raise ValidationError(_("This nominee is not under public consultation."))
    if day > item.consultation_ends_on:
        raise ValidationError(
            _("The public consultation ended on %(date)s: comments are no longer received.")
            % {"date": f"{item.consultation_ends_on:%d/%m/%Y}"}
        )
    if day < opens_on(item):
        raise ValidationError(_("The public consultation has not started yet."))
    if len(text) < TEXT_MIN:
        raise ValidationError(
            _("Write your comment (at least %(n)d characters).") % {"n": TEXT_MIN}
        )
    if len(text) > TEXT_MAX or len(name) > NAME_MAX or len(contact) > CONTACT_MAX:
        raise ValidationError(_("The comment or a field is too long."))
    with transaction.atomic():
        comment = ConsultationComment.objects.create(
            item=item, received_at=timezone.now(), name=name, contact=contact, text=text
        )
        chain.record(
            "council.consultation_comment",
            by="public",
            object_type="council.agendaitem",
            object_id=item.pk,
            after={"comment": comment.pk, "length": len(text)},
        )
    return comment


def comment_counts(items: Iterable[AgendaItem]) -> dict[int, int]:
    ids = [i.pk for i in items]
    rows = (
        ConsultationComment.objects.filter(item_id__in=ids)
        .values("item_id")
        .annotate(n=Count("id"))
        .values_list("item_id", "n")
    )
    return dict(rows)


def comments_by_item(session: CouncilSession) -> dict[int, list[ConsultationComment]]:
    out: dict[int, list[ConsultationComment]] = {}
    for comment in ConsultationComment.objects.filter(item__session=session):
        out.setdefault(comment.item_id, []).append(comment)
    return out
