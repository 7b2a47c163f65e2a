"""The hash chain: what it proves, what it catches, and the one thing it needs the head for."""

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import translation

from thidua.audit import chain
from thidua.audit.chain import (
    GENESIS,
    BrokenLink,
    Change,
    canonical,
    canonical_json,
    history,
    link_hash,
    record,
    record_many,
    verify_chain,
)
from thidua.audit.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2025, 7, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)


def record_values(count: int, *, report: int = 7) -> list[AuditEvent]:
    """`count` value changes on one report, one transaction each, as the reporting app does."""
    events = []
    for i in range(1, count + 1):
        with transaction.atomic():
            events.append(
                record(
                    "reporting.value.set",
                    by="reporter",
                    object_type="reporting.report",
                    object_id=report,
                    before={"indicator": f"I-{i}", "value": None},
                    after={"indicator": f"I-{i}", "value": Decimal(f"{i}.50")},
                )
            )
    return events


def verify_in_english() -> BrokenLink | None:
    with translation.override("en"):
        return verify_chain(batch_size=2)


def broken_at() -> tuple[int, str] | None:
    broken = verify_in_english()
    return None if broken is None else (broken.seq, broken.reason)


def test_it_links_each_event_to_the_one_before() -> None:
    events = record_values(5)

    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (5, events[-1].hash)
    assert verify_chain() is None


def test_it_verifies_values_read_back_from_the_database() -> None:
    with transaction.atomic():
        record(
            "org.unit.rename",
            by=None,
            object_type="org.unit",
            object_id="PA",
            before={"name": "Tỉnh Thừa Thiên Huế", "valid_from": dt.date(2020, 1, 1)},
            after={
                "name": "Thành phố Huế",
                "valid_from": dt.date(2025, 1, 1),
                "staff": 120,
                "budget": Decimal("1234567.50"),
                "ratio": 0.1,
                "approved_at": MOMENT,
                "codes": ("B", "A"),
                "flags": {"c", "a"},
            },
            reason="Nghị quyết 1314/NQ-UBTVQH15",
            at=dt.datetime(2025, 1, 1, 7, 0),  # naive: read in the project's time zone
        )

    event = AuditEvent.objects.get()
    after = event.after
    assert isinstance(after, dict)
    assert after["budget"] == "1234567.5"
    assert after["approved_at"] == "2025-07-01T08:30:15.123456+00:00"
    assert after["codes"] == ["B", "A"]
    assert after["flags"] == ["a", "c"]
    assert event.at == dt.datetime(2025, 1, 1, 0, 0, tzinfo=dt.UTC)
    assert verify_chain() is None


def test_it_catches_an_edited_row_at_its_seq() -> None:
    record_values(5)
    AuditEvent.objects.filter(seq=3).update(after={"indicator": "I-3", "value": "999"})

    assert verify_in_english() == BrokenLink(
        3, "Event 3 was changed after it was written.", "reporting.report", "7"
    )


def test_it_catches_an_edit_whose_hash_was_recomputed_at_the_next_link() -> None:
    record_values(5)
    forged = AuditEvent.objects.values().get(seq=3) | {"reason": "sửa lại"}
    AuditEvent.objects.filter(seq=3).update(reason="sửa lại", hash=link_hash(forged))

    assert broken_at() == (4, "Event 4 does not follow on from the event before it.")


def test_it_catches_a_deleted_middle_row() -> None:
    record_values(5)
    AuditEvent.objects.filter(seq=3).delete()

    assert broken_at() == (4, "An event is missing before event 4.")


def test_it_catches_a_deleted_first_row() -> None:
    record_values(3)
    AuditEvent.objects.filter(seq=1).delete()

    assert broken_at() == (2, "An event is missing before event 2.")


def test_it_catches_swapped_rows() -> None:
    record_values(4)
    AuditEvent.objects.filter(seq=2).update(seq=99)
    AuditEvent.objects.filter(seq=3).update(seq=2)
    AuditEvent.objects.filter(seq=99).update(seq=3)

    assert broken_at() == (2, "Event 2 was changed after it was written.")


def test_it_catches_an_inserted_row_that_does_not_link() -> None:
    events = record_values(3)
    fields = {name: getattr(events[1], name) for name in ("at", "action", "object_type")}
    forged = AuditEvent(seq=4, object_id="7", prev_hash=events[1].hash, **fields)
    forged.hash = link_hash(vars(forged))
    AuditEvent.objects.bulk_create([forged])

    assert broken_at() == (4, "Event 4 does not follow on from the event before it.")


def test_it_needs_the_head_to_see_a_deleted_tail() -> None:
    record_values(5)
    AuditEvent.objects.filter(seq=5).delete()

    # Events 1-4 still form a perfect chain: only the head knows there was a fifth.
    assert verify_in_english() == BrokenLink(
        5, "The log ends at event 4 but its head is event 5: events were deleted."
    )
    # Rewriting the head to match is out of scope: that is what publishing the head is for.
    last = AuditEvent.objects.get(seq=4)
    AuditHead.objects.update(seq=4, hash=last.hash)
    assert verify_in_english() is None


def test_it_keeps_a_deleted_tail_missing_when_new_events_follow() -> None:
    record_values(5)
    AuditEvent.objects.filter(seq__gte=4).delete()

    (event,) = record_values(1)

    assert event.seq == 6
    assert broken_at() == (6, "An event is missing before event 6.")


def test_it_catches_a_tail_that_differs_from_the_head() -> None:
    record_values(3)
    AuditHead.objects.update(hash="f" * 64)

    assert broken_at() == (3, "Event 3 is not the one recorded as the chain head.")


def test_it_reports_a_missing_head() -> None:
    record_values(2)
    AuditHead.objects.all().delete()

    assert verify_in_english() == BrokenLink(2, "The chain head is missing.")


def test_it_verifies_an_empty_log() -> None:
    assert verify_chain() is None


def test_it_records_many_events_in_one_batch() -> None:
    record_values(1)
    changes = [
        Change("reporting.value.lock", "reporting.value", 1000 + i, after={"locked": True})
        for i in range(150)
    ]

    with transaction.atomic():
        events = record_many(changes, by="approver", reason="Phê duyệt báo cáo")

    assert [e.seq for e in events] == list(range(2, 152))
    assert AuditEvent.objects.filter(reason="Phê duyệt báo cáo").count() == 150
    assert AuditHead.objects.get().seq == 151
    assert verify_chain(batch_size=7) is None
    with transaction.atomic():
        assert record_many([], by=None) == []


def test_it_names_the_actor(django_user_model: Any) -> None:
    user = django_user_model.objects.create_user(username="nguyen.van.a", password="x" * 12)

    with transaction.atomic():
        by_user = record("org.unit.rename", by=user, object_type="org.unit", object_id=1)
        by_system = record("org.unit.rename", by="system", object_type="org.unit", object_id=1)
        by_nobody = record("org.unit.rename", by=None, object_type="org.unit", object_id=1)

    assert (by_user.actor_id, by_user.actor_label) == (user.pk, "nguyen.van.a")
    assert (by_system.actor_id, by_system.actor_label) == (None, "system")
    assert (by_nobody.actor_id, by_nobody.actor_label) == (None, "")


def test_it_lists_an_objects_history_newest_first() -> None:
    record_values(2, report=7)
    record_values(1, report=8)
    record_values(1, report=7)

    assert [e.seq for e in history("reporting.report", 7)] == [4, 2, 1]
    assert [e.seq for e in history("reporting.report", "8")] == [3]


def test_it_refuses_what_postgresql_would_refuse() -> None:
    with transaction.atomic(), pytest.raises(ValueError, match="object_type"):
        record("x", by=None, object_type="t" * 101, object_id=1)
    with transaction.atomic(), pytest.raises(TypeError, match="object"):
        record("x", by=None, object_type="t", object_id=1, after={"obj": object()})


def test_it_never_saves_or_deletes_an_event_instance() -> None:
    (event,) = record_values(1)

    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_record_outside_a_transaction() -> None:
    with pytest.raises(TransactionManagementError, match="atomic"):
        record("x", by=None, object_type="t", object_id=1)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1.50"), "1.5"),
        (Decimal("1.5"), "1.5"),
        (1.5, "1.5"),
        (Decimal("100"), "100"),
        (Decimal("1E+2"), "100"),
        (Decimal("-0.00"), "0"),
        (0.0, "0"),
        (0.1, "0.1"),
        (1e20, "100000000000000000000"),
        (Decimal("1234567890.12345678901234567890123400"), "1234567890.123456789012345678901234"),
        (7, 7),
        (True, True),
        ("1.50", "1.50"),
        (dt.date(2025, 7, 1), "2025-07-01"),
        (
            dt.datetime(2025, 7, 1, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=7))),
            "2025-07-01T08:30:00+00:00",
        ),
    ],
)
def test_it_canonicalises_numbers_and_dates(value: Any, expected: Any) -> None:
    assert canonical(value) == expected
    assert canonical(canonical(value)) == expected


def first_hash(value: Any) -> str:
    """The hash of event 1 recording `value`, then forget the event."""
    with transaction.atomic():
        event = record(
            "reporting.value.set",
            by=None,
            object_type="reporting.report",
            object_id=7,
            after={"value": value, "unit": "kWh"},
            at=MOMENT,
        )
        transaction.set_rollback(True)
    return event.hash


def test_it_hashes_equal_numbers_alike() -> None:
    as_decimal = first_hash(Decimal("1.50"))

    assert as_decimal == first_hash(Decimal("1.5")) == first_hash(1.5) == first_hash("1.5")
    assert as_decimal != first_hash(Decimal("1.51"))
    assert canonical_json({"b": "Đ", "a": [1, 2]}) == '{"a":[1,2],"b":"Đ"}'


def test_it_catches_a_stored_text_turned_into_a_number() -> None:
    record_values(2)
    AuditEvent.objects.filter(seq=2).update(after={"indicator": "I-2", "value": 2.5})

    assert broken_at() == (2, "Event 2 was changed after it was written.")


@pytest.mark.django_db(transaction=True)
def test_it_serialises_concurrent_writers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite: see test_it_serialises_concurrent_writers_on_a_sqlite_file")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            start.wait()
            for i in range(50):
                with transaction.atomic():
                    record("test.write", by=name, object_type="test", object_id=i)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 101)
    )
    assert AuditEvent.objects.filter(actor_label="a").count() == 50
    assert verify_chain() is None


def test_it_serialises_concurrent_writers_on_a_sqlite_file(tmp_path: Path) -> None:
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'audit.sqlite3'}",
        "THIDUA_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "thidua.settings",
    }
    run = subprocess.run(
        [sys.executable, "-m", "thidua.audit.tests.sqlite_writers"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    result = json.loads(run.stdout)
    assert result == {"errors": [], "seqs": list(range(1, 101)), "broken": None}


def forge_after(event: AuditEvent) -> AuditEvent:
    """An event appended after `event` with a correctly computed hash, behind the app's back."""
    fields = {name: getattr(event, name) for name in ("at", "action", "object_type")}
    forged = AuditEvent(seq=event.seq + 1, object_id="7", prev_hash=event.hash, **fields)
    forged.hash = link_hash(vars(forged))
    AuditEvent.objects.bulk_create([forged])
    return forged


def test_it_catches_an_event_appended_after_the_head() -> None:
    events = record_values(3)
    forge_after(events[-1])

    assert broken_at() == (
        4,
        "Event 4 comes after the chain head (event 3): the application did not write it.",
    )


def test_it_goes_on_recording_past_an_event_beyond_the_head() -> None:
    events = record_values(3)
    forge_after(events[-1])

    (event,) = record_values(1)

    assert event.seq == 5
    assert event.prev_hash == events[-1].hash
    assert broken_at() is not None


def test_it_accepts_events_appended_while_it_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    events = record_values(3)
    real = chain._read_head
    heads = iter([(2, events[1].hash)])  # the head as it was when the check began
    monkeypatch.setattr(chain, "_read_head", lambda: next(heads, None) or real())

    assert broken_at() is None


def test_it_installs_the_head_of_a_new_log() -> None:
    assert AuditHead.objects.get().seq == 0
    assert AuditHead.objects.get().hash == GENESIS
    (event,) = record_values(1)
    assert event.seq == 1
    assert verify_chain() is None


def test_it_reports_an_emptied_log_without_its_head() -> None:
    record_values(2)
    AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()

    assert verify_in_english() == BrokenLink(0, "The chain head is missing.")
