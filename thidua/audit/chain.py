"""Append to and check the audit log's hash chain (DESIGN.md §7, decision 0003).

Every audited change is one `AuditEvent` whose hash covers its fields and the previous hash.
Callers write inside their own `transaction.atomic()`, so the event commits or rolls back with
the change it describes:

    with transaction.atomic():
        report.save()
        record("reporting.report.approve", by=user, object_type="reporting.report",
               object_id=report.pk, before={"status": old}, after={"status": report.status})

Writers are serialised, so two transactions can neither take the same number nor fork the chain:
- PostgreSQL: a transaction-level advisory lock, held until commit or rollback;
- SQLite: the project opens every transaction with BEGIN IMMEDIATE (`transaction_mode` in
  settings), which takes the database's single write lock before the first read.
The primary key on `seq` is the backstop if either ever fails.

The head exists from installation on (`install_head`, run after every migrate), so a missing
head always means rows were deleted, even from an empty log.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import CharField
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.lib.text import nfc

from .models import AuditEvent, AuditEventQuerySet, AuditHead

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
# The advisory lock's key: "thidua" in ASCII, so other advisory locks can keep clear of it.
LOCK_KEY = int.from_bytes(b"thidua", "big")
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "reason",
    "prev_hash",
)


@dataclass(frozen=True)
class Change:
    """One event for `record_many`: what was done to which object, and its state around it."""

    action: str
    object_type: str
    object_id: str | int
    before: Any = None
    after: Any = None


@dataclass(frozen=True)
class BrokenLink:
    """The first place where the chain does not hold; `reason` is in the active language."""

    seq: int
    reason: str
    object_type: str = ""
    object_id: str = ""


@dataclass(frozen=True)
class ChainCheck:
    events: int
    broken: BrokenLink | None


# Exact types only: subclasses (enums, Django choices) are reduced to their value below.
_PLAIN = frozenset({str, int, bool, type(None)})


def canonical(value: Any) -> Any:
    """`value` as plain JSON data that hashes the same however it was produced: Decimal and
    float as normalised decimal text (Decimal("1.50"), Decimal("1.5") and 1.5 all give "1.5"),
    dates and times in ISO 8601 (aware datetimes in UTC), tuples as lists, sets sorted, keys
    as text. Idempotent, so data read back from the database canonicalises to itself."""
    if type(value) in _PLAIN:
        return value
    if type(value) is dict:
        return {str(key): canonical(item) for key, item in value.items()}
    if isinstance(value, Enum):
        return canonical(value.value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, float | Decimal):
        return _decimal_text(value)
    if isinstance(value, dt.datetime):
        return (value.astimezone(dt.UTC) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((canonical(item) for item in value), key=canonical_json)
    raise TypeError(f"{type(value).__name__} cannot go into the audit log; pass plain values.")


def _decimal_text(number: float | Decimal) -> str:
    # repr() gives a float's shortest exact text (0.1, not 0.1000000000000000055…).
    value = Decimal(repr(number)) if isinstance(number, float) else number
    if not value.is_finite():
        return str(value)
    if value.is_zero():
        return "0"
    # A context as wide as the number, so normalising strips zeros and never rounds.
    wide = decimal.Context(
        prec=len(value.as_tuple().digits), Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN
    )
    return f"{value.normalize(wide):f}"


def canonical_json(value: Any) -> str:
    return _dumps(canonical(value))


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(link: Mapping[str, Any]) -> str:
    """sha256 of one event's fields (HASHED_FIELDS, `prev_hash` included) as canonical JSON.
    `before` and `after` are hashed as stored (already canonical): turning the text "1.5" into
    the number 1.5 behind the app's back is an edit like any other."""
    payload = {name: link[name] for name in HASHED_FIELDS}
    payload["at"] = canonical(payload["at"])
    return hashlib.sha256(_dumps(payload).encode("utf-8")).hexdigest()


def record(
    action: str,
    *,
    by: Any,
    object_type: str,
    object_id: str | int,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction. `by` is a user, a
    label such as "system", or None; `before` and `after` are plain values (see `canonical`)."""
    change = Change(action, object_type, object_id, before, after)
    return record_many([change], by=by, reason=reason, at=at)[0]


def record_many(
    changes: Iterable[Change],
    *,
    by: Any,
    reason: str = "",
    at: dt.datetime | None = None,
) -> list[AuditEvent]:
    """Append one event per change, in order, under one lock and in one INSERT batch: for
    actions that touch many objects at once, such as approving a report."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("Record audit events inside the change's atomic block.")
    pending = list(changes)
    if not pending:
        return []
    actor_id, actor_label = _actor(by)
    reason = nfc(reason)
    seq, prev_hash, head_exists = _lock_and_read_head()
    moment = _aware(at) if at is not None else timezone.now()
    events = []
    for change in pending:
        seq += 1
        event = AuditEvent(
            seq=seq,
            at=moment,
            actor_id=actor_id,
            actor_label=actor_label,
            action=change.action,
            object_type=change.object_type,
            object_id=str(change.object_id),
            before=canonical(change.before),
            after=canonical(change.after),
            reason=reason,
            prev_hash=prev_hash,
        )
        _check_lengths(event)
        event.hash = prev_hash = link_hash(vars(event))
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    _move_head(seq, prev_hash, head_exists)
    return events


def _actor(by: Any) -> tuple[int | None, str]:
    if by is None:
        return None, ""
    if isinstance(by, str):
        return None, nfc(by)
    pk = getattr(by, "pk", None)
    get_username = getattr(by, "get_username", None)
    label = get_username() if callable(get_username) else str(by)
    return (pk if isinstance(pk, int) else None), nfc(str(label))


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


_MAX_LENGTHS = {
    field.name: field.max_length
    for field in AuditEvent._meta.concrete_fields
    if isinstance(field, CharField) and field.max_length is not None
}


def _check_lengths(event: AuditEvent) -> None:
    # SQLite would store an over-long value that PostgreSQL refuses; refuse it on both.
    for name, limit in _MAX_LENGTHS.items():
        if len(getattr(event, name)) > limit:
            raise ValueError(f"Audit {name} is longer than {limit} characters.")


def _lock_and_read_head() -> tuple[int, str, bool]:
    """Take the writers' lock, then read the last link: from the head, so that events deleted
    from the tail stay missing (the next event links past them) instead of being reused."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    elif connection.vendor == "sqlite":
        if connection.settings_dict["OPTIONS"].get("transaction_mode") != "IMMEDIATE":
            raise ImproperlyConfigured("The audit chain needs SQLite's IMMEDIATE transactions.")
    else:
        raise NotImplementedError(f"No audit chain lock for {connection.vendor}.")
    head = _read_head()
    if head is None:
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        return (last[0], last[1], False) if last is not None else (0, GENESIS, False)
    beyond = AuditEvent.objects.filter(seq__gt=head[0]).order_by("-seq").values_list("seq")
    intruder = beyond.first()
    if intruder is not None:
        # Rows the application did not write sit past the head: number past them, so audited
        # writes go on (linking to the head, which keeps the break visible to audit_verify).
        logger.warning("Audit events beyond the chain head up to %s; run audit_verify.", intruder)
        return intruder[0], head[1], True
    return head[0], head[1], True


def _read_head() -> tuple[int, str] | None:
    return AuditHead.objects.filter(pk=AuditHead.SINGLETON).values_list("seq", "hash").first()


def install_head(using: str = DEFAULT_DB_ALIAS) -> None:
    """Give a new, empty log its head (number 0, the genesis hash), so that a log emptied
    later, head and all, is told apart from one never written. Runs after every migrate;
    changes nothing once the log has a head or any event."""
    heads, events = AuditHead.objects.using(using), AuditEvent.objects.using(using)
    if not heads.exists() and not events.exists():
        heads.create(pk=AuditHead.SINGLETON, seq=0, hash=GENESIS)


def _move_head(seq: int, hash_: str, exists: bool) -> None:
    if exists:
        AuditHead.objects.filter(pk=AuditHead.SINGLETON).update(seq=seq, hash=hash_)
    else:
        AuditHead.objects.create(pk=AuditHead.SINGLETON, seq=seq, hash=hash_)


def history(object_type: str, object_id: str | int) -> AuditEventQuerySet:
    """The events about one object, newest first."""
    return AuditEvent.objects.for_object(object_type, object_id)


def verify_chain(batch_size: int = 5000) -> BrokenLink | None:
    """The first broken link, or None when every event is intact, in order, and the last one
    is the recorded head."""
    return check_chain(batch_size).broken


def check_chain(batch_size: int = 5000) -> ChainCheck:
    """Stream the events in order (`batch_size` rows in memory at a time), recompute each hash
    and its link to the one before, and compare with the head. The head is read first: events
    appended while the check runs are checked like the others, once the head shows them."""
    head = _read_head()
    rows = (
        AuditEvent.objects.order_by("seq")
        .values(*HASHED_FIELDS, "hash")
        .iterator(chunk_size=batch_size)
    )
    count, prev_hash = 0, GENESIS
    for row in rows:
        if head is not None and row["seq"] > head[0]:
            head = _read_head()  # a writer may have moved it since the check began
        broken = (
            _check_link(row, count + 1, prev_hash)
            or _check_beyond_head(row, head)
            or _check_against_head(row, head)
        )
        if broken is not None:
            return ChainCheck(count, broken)
        count, prev_hash = count + 1, row["hash"]
    return ChainCheck(count, _check_end(count, head))


def _broken(row: Mapping[str, Any], reason: str) -> BrokenLink:
    return BrokenLink(row["seq"], reason, row["object_type"], row["object_id"])


def _check_link(row: Mapping[str, Any], expected_seq: int, prev_hash: str) -> BrokenLink | None:
    seq = row["seq"]
    if link_hash(row) != row["hash"]:
        return _broken(row, _("Event %(seq)s was changed after it was written.") % {"seq": seq})
    if seq > expected_seq:
        return _broken(row, _("An event is missing before event %(seq)s.") % {"seq": seq})
    if seq < expected_seq or row["prev_hash"] != prev_hash:
        return _broken(
            row,
            _("Event %(seq)s does not follow on from the event before it.") % {"seq": seq},
        )
    return None


def _check_beyond_head(row: Mapping[str, Any], head: tuple[int, str] | None) -> BrokenLink | None:
    if head is None or row["seq"] <= head[0]:
        return None
    return _broken(
        row,
        _(
            "Event %(seq)s comes after the chain head (event %(head)s): "
            "the application did not write it."
        )
        % {"seq": row["seq"], "head": head[0]},
    )


def _check_against_head(row: Mapping[str, Any], head: tuple[int, str] | None) -> BrokenLink | None:
    if head is None or row["seq"] != head[0] or row["hash"] == head[1]:
        return None
    return _broken(
        row, _("Event %(seq)s is not the one recorded as the chain head.") % {"seq": row["seq"]}
    )


def _check_end(last_seq: int, head: tuple[int, str] | None) -> BrokenLink | None:
    if head is None:
        # The head is installed with the database: without it, rows were deleted.
        return BrokenLink(last_seq, _("The chain head is missing."))
    if last_seq >= head[0]:
        return None
    return BrokenLink(
        last_seq + 1,
        _("The log ends at event %(last)s but its head is event %(head)s: events were deleted.")
        % {"last": last_seq, "head": head[0]},
    )


def check_anchors(anchors: Iterable[tuple[int, str]]) -> BrokenLink | None:
    """The first anchor (seq, hash) published outside the database (the public log of
    disclosures) that the events no longer match: with an intact chain, a matching anchored
    event proves every event up to it unchanged, even if the tail and the head were rewritten."""
    for seq, anchored in anchors:
        if seq == 0:
            continue
        found = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
        if found is None:
            return BrokenLink(
                seq, _("Event %(seq)s, anchored in the public log, is missing.") % {"seq": seq}
            )
        if found != anchored:
            return BrokenLink(
                seq,
                _("Event %(seq)s does not match the hash anchored in the public log.")
                % {"seq": seq},
            )
    return None
