"""Two threads append 50 events each to a SQLite file database with the project's settings
(WAL, BEGIN IMMEDIATE, 20 s busy timeout) and print what they left as JSON. Run by
test_chain in a child process: the in-memory test database is shared-cache, where SQLite
refuses a second writer at once instead of waiting, so it cannot show this."""

import json
import sys
import threading


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from thidua.audit.chain import record, verify_chain
    from thidua.audit.models import AuditEvent

    call_command("migrate", "audit", verbosity=0)
    start = threading.Barrier(2)
    errors: list[str] = []

    def writer(name: str) -> None:
        try:
            start.wait()
            for i in range(50):
                with transaction.atomic():
                    record("test.write", by=name, object_type="test", object_id=i)
        except Exception as exc:  # reported to the test
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    broken = verify_chain()
    result = {"errors": errors, "seqs": seqs, "broken": broken and broken.reason}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
