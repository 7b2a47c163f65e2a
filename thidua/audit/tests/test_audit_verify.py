"""`thidua audit_verify`: a line for an intact chain, status 1 and the first broken link if not."""

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import translation

from thidua.audit.chain import Change, record_many
from thidua.audit.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db


def record_events(count: int) -> None:
    changes = [
        Change("org.unit.rename", "org.unit", i, after={"name": f"Huyện {i}"}) for i in range(count)
    ]
    with transaction.atomic():
        record_many(changes, by="admin")


def test_it_reports_an_intact_chain_in_vietnamese(capsys: Any) -> None:
    record_events(1234)

    call_command("audit_verify")

    assert capsys.readouterr().out == "Chuỗi nhật ký toàn vẹn: 1.234 sự kiện.\n"


def test_it_reports_in_english_when_the_language_is_english(capsys: Any) -> None:
    record_events(1)

    with translation.override("en"):
        call_command("audit_verify")
    call_command("audit_verify", language="en")

    out = capsys.readouterr().out
    assert out == "Audit log chain intact: 1 event.\n" * 2


def test_it_reports_an_empty_log(capsys: Any) -> None:
    call_command("audit_verify")

    assert capsys.readouterr().out == "Chuỗi nhật ký toàn vẹn: 0 sự kiện.\n"


def test_it_exits_with_status_1_at_an_edited_event(capsys: Any) -> None:
    record_events(5)
    AuditEvent.objects.filter(seq=2).update(after={"name": "Huyện X"})

    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", batch_size=2)

    assert failure.value.returncode == 1
    assert str(failure.value) == (
        "Chuỗi nhật ký bị đứt tại sự kiện 2 (org.unit 1): Sự kiện 2 đã bị sửa sau khi được ghi."
    )
    assert capsys.readouterr().out == ""


def test_it_names_a_deleted_tail_in_english() -> None:
    record_events(3)
    AuditEvent.objects.filter(seq=3).delete()

    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", language="en")

    assert failure.value.returncode == 1
    assert str(failure.value) == (
        "Audit log chain broken at event 3: "
        "The log ends at event 2 but its head is event 3: events were deleted."
    )


def test_it_fails_on_an_empty_log_without_its_head() -> None:
    AuditHead.objects.all().delete()

    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", language="en")

    assert failure.value.returncode == 1
    assert str(failure.value) == "Audit log chain broken: The chain head is missing."
