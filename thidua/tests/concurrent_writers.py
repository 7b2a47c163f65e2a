"""Saves, logins and API reads at once, against one database, with one oversized save among
them (issue 8, point 5). Run by test_concurrent_writes: in a child process on a SQLite file
(the in-memory test database is shared-cache, where SQLite refuses a second writer at once
instead of waiting) and in-process on PostgreSQL. Prints or returns what each request
answered; the bar is no 500 and no exception."""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

ROUNDS = 15


def prepare() -> dict[str, Any]:
    """The standard cast, three open reports of the regional unit and tokens."""
    from thidua.accounts.tokens import issue_token
    from thidua.reporting import actions
    from thidua.reporting.models import Period
    from thidua.reporting.testing import build_reporting
    from thidua.testing import build_cast

    rcast = build_reporting(build_cast())
    c = rcast.cast
    reports = [
        actions.open_report(c.regional, rcast.form, period, by=c.reporter).pk
        for period in (
            rcast.q3_2025,
            Period.objects.get(year=2025, kind="quarter", number=4),
            Period.objects.get(year=2026, kind="quarter", number=1),
        )
    ]
    return {
        "reports": reports,
        "reporter": issue_token(c.reporter, "a")[1],
        "head": issue_token(rcast.head, "b")[1],
    }


def run(setup: dict[str, Any], rounds: int = ROUNDS) -> dict[str, Any]:
    """Six threads at once; returns the status codes seen and any exception."""
    from django.db import connection
    from django.test import Client

    from thidua.testing import PASSWORD

    statuses: Counter[str] = Counter()
    errors: list[str] = []
    start = threading.Barrier(6)

    def put(client: Client, secret: str, report: int, entries: list[dict[str, Any]]) -> int:
        return client.put(
            f"/api/v1/reports/{report}/values",
            entries,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        ).status_code

    def saver(client: Client, secret: str, report: int) -> None:
        for i in range(rounds):
            entry = {"indicator": "EST_RECURRENT", "value": str(i + 1), "version": i}
            statuses[f"save {put(client, secret, report, [entry])}"] += 1

    def oversized(client: Client) -> None:
        rows = ["EST_RECURRENT", "SETTLE_RECURRENT"]
        entries = [
            {"indicator": code, "value": "1", "version": i} for i in range(4000) for code in rows
        ]
        answer = put(client, setup["reporter"], setup["reports"][2], entries)
        statuses[f"oversized {answer}"] += 1

    def login(client: Client, username: str) -> None:
        for _ in range(rounds):
            answer = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
            statuses[f"login {answer.status_code}"] += 1
            client.logout()

    def reader(client: Client) -> None:
        for _ in range(rounds):
            answer = client.get("/api/v1/reports", HTTP_AUTHORIZATION=f"Bearer {setup['head']}")
            statuses[f"read {answer.status_code}"] += 1

    def thread(work: Callable[..., None], *args: Any) -> threading.Thread:
        def body() -> None:
            try:
                start.wait()
                work(Client(), *args)
            except Exception as exc:  # reported to the test
                errors.append(repr(exc))
            finally:
                connection.close()

        return threading.Thread(target=body)

    threads = [
        thread(saver, setup["reporter"], setup["reports"][0]),
        thread(saver, setup["head"], setup["reports"][1]),
        thread(oversized),
        thread(login, "reviewer"),
        thread(login, "supervisor"),
        thread(reader),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    from thidua.audit.chain import verify_chain

    broken = verify_chain()
    return {"statuses": dict(statuses), "errors": errors, "broken": broken and broken.reason}


def main() -> None:
    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    sys.stdout.write(json.dumps(run(prepare())))


if __name__ == "__main__":
    main()
