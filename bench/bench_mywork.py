""" "Việc của tôi" and the deadline reminders on the demo sector (issue 10).

    python -m bench.bench_mywork                      # SQLite file var/bench/mywork.sqlite3
    python -m bench.bench_mywork --postgres           # PostgreSQL database thidua_bench_mywork
    python -m bench.bench_mywork --reuse URL          # an existing demo database (left as it was)

Builds the demo sector in a fresh database (unless --reuse), then measures:

1. the personal page `/` for the sector secretary (`thuky`, target ≤ 150 ms server time, the
   median of 15 requests) and, for the record, the other demo roles; baseline in the same run:
   the API tokens page of the same user (the same frame, session, scope and navbar, no work);
2. one reminder run over the whole sector on a busy day (a quarter's deadline passed 8 days
   ago: "passed" and "escalated" reminders for every unit still owing), target ≤ 30 s, and a
   second run the same day (it must tell nobody: idempotent); baseline: reading what the run
   reads (every report owed by every open unit). The reminder runs are rolled back.

Exit status 0 only when both targets are met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

import django

from bench import _db
from bench._db import BENCH_DIR, REPO

PG_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thidua_bench_mywork"
PAGE_TARGET_MS = 150.0
REMINDER_TARGET_S = 30.0
ROLES = ["thuky", "duyet.vkstc", "duyet.tq", "thutruong.kv1tq", "nhaplieu.kv1tq", "uyvien"]
REPEAT = 15


def say(message: str) -> None:
    print(f"bench_mywork: {message}", file=sys.stderr, flush=True)


def _median_ms(client: Any, url: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200  # warm: the scope cache, templates
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries)


def measure_pages() -> dict[str, Any]:
    from django.test import Client

    from thidua.accounts.models import User

    out: dict[str, Any] = {}
    for name in ROLES:
        client = Client()
        client.force_login(User.objects.get(username=name))
        page_ms, page_q = _median_ms(client, "/")
        frame_ms, frame_q = _median_ms(client, "/accounts/tokens/")
        out[name] = {
            "page_ms": page_ms,
            "queries": page_q,
            "baseline_ms": frame_ms,
            "baseline_queries": frame_q,
            "ratio": page_ms / frame_ms if frame_ms else None,
        }
        say(f"{name}: {page_ms:.0f} ms, {page_q} queries (baseline {frame_ms:.0f} ms)")
    return out


def busy_day() -> dt.date:
    """Eight days after the latest quarterly deadline already passed today."""
    from thidua.lib.dates import today
    from thidua.reporting.models import Report

    deadline = (
        Report.objects.filter(period__kind="quarter", deadline__lt=today())
        .order_by("-deadline")
        .values_list("deadline", flat=True)
        .first()
    )
    return (deadline or today()) + dt.timedelta(days=8)


class Rollback(Exception):
    pass


def measure_reminders() -> dict[str, Any]:
    from django.db import transaction

    from thidua.dashboards.reminders import SOON_DAYS, run_reminders
    from thidua.org.models import OrgUnit
    from thidua.reporting.queries import reports_to_file

    day = busy_day()
    out: dict[str, Any] = {"day": day.isoformat()}
    units = list(
        OrgUnit.objects.filter(valid_from__lte=day, valid_to__gt=day).values_list("id", flat=True)
    )
    started = time.perf_counter()
    owed = reports_to_file(units, day, horizon=SOON_DAYS)
    out["baseline_s"] = time.perf_counter() - started
    out["owed"] = len(owed)
    try:
        with transaction.atomic():
            started = time.perf_counter()
            first = run_reminders(day)
            out["run_s"] = time.perf_counter() - started
            started = time.perf_counter()
            second = run_reminders(day)
            out["second_run_s"] = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    out["told"] = dict(first)
    out["told_again"] = sum(second.values())
    out["ratio"] = out["run_s"] / out["baseline_s"] if out["baseline_s"] else None
    say(f"reminders on {day:%d/%m/%Y}: {dict(first)} in {out['run_s']:.2f} s; again: {second}")
    return out


def report(meta: dict[str, Any], pages: dict[str, Any], rem: dict[str, Any]) -> str:
    lines = [
        f"bench_mywork on {meta['vendor']} ({meta['database']}), "
        f"{meta['units']:,} units; demo {'reused' if meta['reused'] else 'built'}",
        f"{'user':<18} {'page ms':>8} {'queries':>8} {'baseline ms':>12} {'ratio':>6}",
    ]
    for name, r in pages.items():
        lines.append(
            f"{name:<18} {r['page_ms']:>8.0f} {r['queries']:>8} {r['baseline_ms']:>12.0f} "
            f"{r['ratio']:>6.1f}"
        )
    secretary = pages["thuky"]["page_ms"]
    lines.append(
        f"sector secretary (thuky): {secretary:.0f} ms; target ≤ {PAGE_TARGET_MS:g} ms: "
        f"{'PASS' if secretary <= PAGE_TARGET_MS else 'FAIL'}"
    )
    lines.append(
        f"reminders on {rem['day']}: {rem['owed']:,} reports owed, told {rem['told']} in "
        f"{rem['run_s']:.2f} s = {rem['ratio']:.1f} × baseline ({rem['baseline_s']:.2f} s); "
        f"second run told {rem['told_again']} in {rem['second_run_s']:.2f} s; "
        f"target ≤ {REMINDER_TARGET_S:g} s: "
        f"{'PASS' if rem['run_s'] <= REMINDER_TARGET_S and not rem['told_again'] else 'FAIL'}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_mywork",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--postgres", action="store_true", help="fresh PostgreSQL database")
    parser.add_argument("--reuse", default="", help="DATABASE_URL of a demo database to read")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args(argv)
    if args.reuse:
        os.environ["DJANGO_SETTINGS_MODULE"] = "thidua.settings"
        os.environ["DATABASE_URL"] = args.reuse
        database, cleanup = args.reuse, (lambda: None)
    else:
        database, cleanup = _db.configure_database(
            args.postgres,
            sqlite_name="mywork.sqlite3",
            url_variable="BENCH_MYWORK_DATABASE_URL",
            pg_url=PG_DEFAULT_URL,
        )
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from thidua.org.models import OrgUnit

    settings.ALLOWED_HOSTS = ["*"]
    if not args.reuse:
        from thidua.demo.build import build_demo

        call_command("migrate", verbosity=0)
        say(f"building the demo sector in {database}")
        build_demo()
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    pages = measure_pages()
    rem = measure_reminders()
    meta = {
        "vendor": connection.vendor,
        "database": database,
        "reused": bool(args.reuse),
        "units": OrgUnit.objects.count(),
        "load_average_1min": os.getloadavg()[0],
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    print(report(meta, pages, rem))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    out = BENCH_DIR / f"mywork-{connection.vendor}.json"
    out.write_text(json.dumps({**meta, "pages": pages, "reminders": rem}, indent=2) + "\n")
    print(f"results written to {out.relative_to(REPO)}")
    connection.close()
    if not args.keep and not args.reuse:
        cleanup()
    ok = pages["thuky"]["page_ms"] <= PAGE_TARGET_MS
    ok = ok and rem["run_s"] <= REMINDER_TARGET_S and not rem["told_again"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
