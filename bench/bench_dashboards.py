"""The sector dashboard (root unit, a whole phase, every chart) and the sector's sơ kết report.

    python -m bench.bench_dashboards              # SQLite file var/bench/dashboards.sqlite3
    python -m bench.bench_dashboards --postgres   # PostgreSQL database thidua_bench_dashboards

Builds the demo sector (`thidua.demo.build.build_demo`) in a fresh database, then times, as
the sector's council secretary, GET /dashboards/?period=phase-1 at the root on today's
structure (server time through Django's test client, median of REPS after a first load that
fills the dashboard's cache — each year's figures are reused until a report of that year
changes; the first load on the empty cache is reported too, and the median load right after a
report of the phase's last year changed), and the
roll-up queries alone that the page's figures come from (reporting.exports.rollup_table for
each year of the phase over the root and its children, and the quarterly query) as the
baseline measured in the same run; then the whole-sector sơ kết report job (figures, charts,
.docx and .pdf). Targets (issue 11): page ≤ 300 ms, report ≤ 30 s. Exit 0 only when both are met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import django

from bench import _db
from bench._db import Fresh
from bench.bench_tree import _server_version

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"
PG_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thidua_bench_dashboards"
PAGE_TARGET_MS = 300.0
REVIEW_TARGET_S = 30.0
REPS = 5
SEED = 2023


def say(message: str) -> None:
    print(f"bench_dashboards: {message}", file=sys.stderr, flush=True)


def configure_database(postgres: bool) -> Fresh:
    return _db.configure_database(
        postgres,
        sqlite_name="dashboards.sqlite3",
        url_variable="BENCH_DASHBOARDS_DATABASE_URL",
        pg_url=PG_DEFAULT_URL,
    )


def median_ms(run: Callable[[], object], reps: int = REPS) -> float:
    median, _first = timed_ms(run, reps)
    return median


def timed_ms(run: Callable[[], object], reps: int = REPS) -> tuple[float, float]:
    """(median of `reps` runs after a first one, the first run's time)."""
    started = time.perf_counter()
    run()  # the first run fills the dashboard's cache (series._cached)
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), first


def after_change_ms(page: Callable[[], None], year: int, reps: int = REPS) -> float:
    """The median load right after a report of `year` changed (as an approval, a return or
    a saved value changes it): the figures that change touched are computed again, the other
    years' are reused."""
    from django.utils import timezone

    from thidua.reporting.models import Report

    reports = list(
        Report.objects.filter(period__year=year).order_by("pk").values_list("pk", flat=True)
    )
    times = []
    for n in range(reps):
        Report.objects.filter(pk=reports[n % len(reports)]).update(updated_at=timezone.now())
        started = time.perf_counter()
        page()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure() -> dict[str, Any]:
    from django.test import Client

    from thidua.accounts.models import User
    from thidua.dashboards import review_jobs, series, views
    from thidua.lib.dates import today
    from thidua.movements.models import Phase
    from thidua.org import tree
    from thidua.reporting.exports import rollup_table

    secretary = User.objects.get(username="thuky")
    client = Client()
    client.force_login(secretary)
    root = tree.roots(today())[0]
    phase = Phase.objects.order_by("movement_id", "number").first()
    assert phase is not None
    url = f"/dashboards/?unit={root}&period=phase-{phase.number}"

    def page() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    from thidua.org.models import OrgUnit

    unit = OrgUnit.objects.get(pk=root)
    children = tree.children_ids(root, today())
    choice = series.Choice(
        unit,
        list(range(phase.start_year, phase.end_year + 1)),
        children,
        tree.names_at([root, *children], today()),
        today(),
        series.KeyIndicators.of(phase.movement),
    )

    def baseline() -> None:
        for year in choice.years:
            quarters = series.quarters([year])
            if quarters:
                rollup_table(
                    unit, quarters, mapped_to=today(), include_unapproved=False, child_ids=children
                )
        series.quarter_figures(choice, choice.keys.disbursement or "")

    page_ms, cold_ms = timed_ms(page)
    base_ms = median_ms(baseline)
    changed_ms = after_change_ms(page, phase.end_year)
    job = review_jobs.new_job(secretary.pk, choice, phase)
    started = time.perf_counter()
    review_jobs.run(job.token, today=today())
    review_s = time.perf_counter() - started
    assert views  # the page module is what the client exercised
    return {
        "page_ms": page_ms,
        "cold_page_ms": cold_ms,
        "changed_page_ms": changed_ms,
        "changed_year": phase.end_year,
        "baseline_ms": base_ms,
        "ratio": page_ms / base_ms if base_ms else 0.0,
        "review_s": review_s,
        "children": len(children),
        "pass": page_ms <= PAGE_TARGET_MS and review_s <= REVIEW_TARGET_S,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_dashboards",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL")
    args = parser.parse_args(argv)
    database, cleanup = configure_database(args.postgres)
    django.setup()
    import tempfile

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from thidua.demo.build import build_demo

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-dashboards-")
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    say(f"building the demo sector in {database}")
    started = time.perf_counter()
    build_demo(seed=SEED)
    build_s = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    say(f"built in {build_s:.0f} s; measuring")
    result = measure()
    meta = {
        "vendor": connection.vendor,
        "server_version": _server_version(),
        "database": database,
        "build_s": build_s,
        "cpus": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    print(
        f"bench_dashboards on {meta['vendor']} {meta['server_version']}: sector dashboard "
        f"(root, {result['children']} units below, a whole phase) {result['page_ms']:.0f} ms "
        f"(right after a report of {result['changed_year']} changed: "
        f"{result['changed_page_ms']:.0f} ms; the first load on an empty cache: "
        f"{result['cold_page_ms']:.0f} ms); "
        f"baseline (the roll-up queries alone) {result['baseline_ms']:.0f} ms; "
        f"ratio {result['ratio']:.2f}; target ≤ {PAGE_TARGET_MS:g} ms. Sector sơ kết report "
        f"{result['review_s']:.1f} s; target ≤ {REVIEW_TARGET_S:g} s: "
        f"{'PASS' if result['pass'] else 'FAIL'}"
    )
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    out = BENCH_DIR / f"dashboards-{meta['vendor']}.json"
    out.write_text(json.dumps({"meta": meta, "result": result}, indent=2))
    cleanup()
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
