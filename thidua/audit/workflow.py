"""One step of a workflow, the same everywhere (STYLE: a `status` field, one dict of allowed
moves, one history row per change): check the move, save the new status, write the history
row, record the audit event, all in the caller's transaction.

Used by reporting (reports), evaluation (assessments), awards (proposals, registrations) and
council (sessions). It takes the model instances generically and imports no app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from thidua.lib.text import nfc

from .chain import record

Moves = Mapping[str, Collection[str]]


def check_move(obj: Any, to: str, allowed: Moves, refusal: str) -> None:
    """Refuse (ValidationError with `refusal`) a move that `allowed` does not list."""
    if to not in allowed.get(obj.status, ()):
        raise ValidationError(refusal)


def move_status(
    obj: Any,
    to: str,
    *,
    allowed: Moves,
    refusal: str,
    object_type: str,
    by: Any,
    reason: str = "",
    history: type[Model] | None = None,
    fields: Sequence[str] | None = None,
    after: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
    event: str | None = None,
) -> str:
    """Move `obj.status` to `to` and return the status it had.

    The move must be in `allowed` (otherwise ValidationError(`refusal`), nothing written).
    `obj` is saved with `fields` besides `status` (every field when None); a `history` row is
    written (its link to `obj`, from_status, to_status, by, at, reason) when the workflow keeps
    one; the audit event (`event`, by default "<object_type>.<to>") records the status before
    and after (with `after`'s extra values) and the reason. Call it inside the action's
    transaction."""
    check_move(obj, to, allowed, refusal)
    before = obj.status
    text = nfc(reason.strip())
    obj.status = to
    obj.save(update_fields=None if fields is None else ["status", *fields])
    if history is not None:
        history.objects.create(  # type: ignore[attr-defined]
            **{_link(history, obj): obj},
            from_status=before,
            to_status=to,
            by=by if getattr(by, "pk", None) else None,
            at=at or timezone.now(),
            reason=text,
        )
    record(
        event or f"{object_type}.{to}",
        by=by,
        object_type=object_type,
        object_id=obj.pk,
        before={"status": before},
        after={"status": to, **(after or {})},
        reason=text,
    )
    return str(before)


def _link(history: type[Model], obj: Model) -> str:
    """The name of the history model's foreign key to `obj`'s model."""
    for field in history._meta.get_fields():
        if field.many_to_one and field.related_model is type(obj):
            return field.name
    raise TypeError(f"{history.__name__} has no foreign key to {type(obj).__name__}")
