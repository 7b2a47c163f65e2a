"""Benchmark of the roll-ups (thidua/reporting/rollups.py) at 20,000 units × 100 indicators ×
8 quarters: 16 million values.

    python -m bench.bench_rollups              # SQLite file var/bench/rollups.sqlite3
    python -m bench.bench_rollups --postgres   # database thidua_bench_rollups on 127.0.0.1:5432

Builds a database of its own (never the dev database): the tree of bench_tree scaled to
20,000 units on five levels (half the level-2 units merge into a sibling on 01/07/2025), 100
typed indicators, one approved quarterly report of 100 values per unit open at the end of
each quarter of 2024 and 2025, bulk-loaded (COPY on PostgreSQL, executemany on SQLite), then
rollups.rebuild(). Times query() for one unit, the four quarters of a year and every
indicator — as it was, and 2024 mapped onto the structure of 01/01/2026 — against DuckDB's
GROUP BY over the same raw values held in memory, and approve_report() of a report of 100
values. Exits 1 when a target is missed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import django

from bench import _db
from bench._db import Fresh
from bench.bench_tree import (
    REORG,
    START,
    Node,
    _server_version,
    build,
    plan_merges,
)
from bench.bench_tree import plan_tree as plan_tree_of

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"
PG_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thidua_bench_rollups"

TOTAL_UNITS = 20_000
FANOUT = (30, 10, 10)  # 30 provinces, 300 districts, 3,000 communes, then ~16,670 leaves
SMALL_FANOUT = (6, 5, 5)  # for --units below 10,000 (a quick run)
INDICATORS = 100
YEARS = (2024, 2025)
MAPPED_TO = dt.date(2026, 1, 1)
SUBMITTED = 200  # leaf reports of the last quarter left submitted, approved while timing
REPS = 200
WARMUP = 10
SEED = 20260101
CHUNK = 2_000  # reports per insert batch (200,000 values)
QUERY_TARGET_MS = 50.0
APPROVE_TARGET_MS = 100.0
RATIO_TARGET = 1.0
MAX_CENTS = 1_000_000  # values 0,00 … 9.999,99 (million VND)


# --- database selection (before django.setup) ---------------------------------------------


def configure_database(postgres: bool) -> Fresh:
    """Point DATABASE_URL at a fresh bench database (never the dev one): label and cleanup."""
    return _db.configure_database(
        postgres,
        sqlite_name="rollups.sqlite3",
        url_variable="BENCH_ROLLUPS_DATABASE_URL",
        pg_url=PG_DEFAULT_URL,
    )


# --- the data -------------------------------------------------------------------------------


@dataclass
class World:
    """What was built: ids by tree level, the quarters, the reports and their raw values."""

    nodes: list[Node]
    unit_ids: list[int]  # by node index
    rank: dict[int, int]  # unit id -> level
    periods: list[Any]
    form: Any
    indicators: list[Any]
    report_unit: Any  # numpy arrays, one entry per report
    report_period: Any
    report_id: Any
    cents: Any  # numpy (reports × indicators)
    submitted: list[int]  # report ids left submitted


def setup_catalogue(levels: list[Any]) -> tuple[Any, list[Any], list[Any]]:
    """The real catalogue plus synthetic typed indicators up to 100 typed ones, the quarters
    of 2024–2025 and a quarterly form filled by every level."""
    from thidua.reporting.catalogue import ensure_periods, load_catalogue
    from thidua.reporting.models import (
        FormRow,
        FormSection,
        Indicator,
        IndicatorGroup,
        Period,
        ReportForm,
    )

    load_catalogue()
    ensure_periods(YEARS[0], YEARS[-1])
    group = IndicatorGroup.objects.create(code="bench", name="Chỉ tiêu thử tải", order=99)
    typed = list(Indicator.objects.filter(formula=""))
    Indicator.objects.bulk_create(
        Indicator(
            code=f"BENCH_{k:03d}",
            name=f"Chỉ tiêu thử tải {k}",
            group=group,
            order=k,
            unit=Indicator.Unit.MILLION_VND,
            catalogue_version="bench",
            valid_from=START,
        )
        for k in range(1, INDICATORS - len(typed) + 1)
    )
    typed = list(Indicator.objects.filter(formula="").order_by("pk"))
    form = ReportForm.objects.create(
        code="bench-quy", name="Mẫu thử tải", periodicity="quarter", valid_from=START
    )
    form.levels.set(levels)
    section = FormSection.objects.create(form=form, code="I", name="Thử tải")
    FormRow.objects.bulk_create(
        FormRow(section=section, indicator=ind, order=k) for k, ind in enumerate(typed)
    )
    periods = list(
        Period.objects.filter(kind=Period.Kind.QUARTER, year__in=YEARS).order_by("start")
    )
    return form, typed, periods


def create_reports(
    world_units: list[int], periods: list[Any], form: Any
) -> list[tuple[int, int, int]]:
    """One report per unit open at each quarter's end: (report id, unit id, period id)."""
    from django.db import transaction
    from django.utils import timezone

    from thidua.org.models import OrgUnit
    from thidua.reporting.models import Report

    now = timezone.now()
    out: list[tuple[int, int, int]] = []
    with transaction.atomic():
        for period in periods:
            open_ids = sorted(OrgUnit.objects.at(period.end).values_list("id", flat=True))
            for start in range(0, len(open_ids), 5_000):
                batch = [
                    Report(
                        unit_id=u,
                        form=form,
                        period=period,
                        status=Report.Status.APPROVED,
                        version=3,
                        submitted_at=now,
                        approved_at=now,
                    )
                    for u in open_ids[start : start + 5_000]
                ]
                Report.objects.bulk_create(batch)
                out += [(r.pk, r.unit_id, period.pk) for r in batch]
    return out


def value_rows(world: World) -> Iterator[tuple[Any, Any, Any]]:
    """(report ids, indicator ids, cents) per chunk of reports, as flat numpy arrays."""
    import numpy as np

    ind = np.array([i.pk for i in world.indicators], dtype=np.int64)
    for start in range(0, len(world.report_id), CHUNK):
        rids = world.report_id[start : start + CHUNK]
        yield (
            np.repeat(rids, len(ind)),
            np.tile(ind, len(rids)),
            world.cents[start : start + CHUNK].ravel(),
        )


def load_values_sqlite(world: World) -> int:
    """executemany in one transaction, the journal and fsync off for the build only."""
    from django.db import connection, transaction

    sql = (
        "INSERT INTO reporting_datavalue (report_id, indicator_id, value, comment, version, "
        "updated_by_id, updated_at) VALUES (?, ?, ?, '', 1, NULL, '2026-01-05 00:00:00')"
    )
    count = 0
    with transaction.atomic():
        raw = connection.connection.cursor()
        for rids, inds, cents in value_rows(world):
            raw.executemany(
                sql, zip(rids.tolist(), inds.tolist(), (cents / 100).tolist(), strict=True)
            )
            count += len(rids)
    return count


def load_values_postgres(world: World) -> int:
    """COPY … FROM STDIN through psycopg, text format."""
    from django.db import connection, transaction

    count = 0
    copy_sql = (
        "COPY reporting_datavalue (report_id, indicator_id, value, comment, version, "
        "updated_by_id, updated_at) FROM STDIN"
    )
    with transaction.atomic(), connection.cursor() as cur, cur.cursor.copy(copy_sql) as copy:
        for rids, inds, cents in value_rows(world):
            block = "".join(
                f"{r}\t{i}\t{c // 100}.{c % 100:02d}\t\t1\t\\N\t2026-01-05 00:00:00+00\n"
                for r, i, c in zip(rids.tolist(), inds.tolist(), cents.tolist(), strict=True)
            )
            copy.write(block)
            count += len(rids)
    return count


def build_world(nodes: list[Node], rng: random.Random) -> tuple[World, dict[str, float]]:
    import numpy as np
    from django.db import connection

    from thidua.org.models import OrgLevel, OrgUnit
    from thidua.reporting.models import Report

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    build(nodes, plan_merges(nodes))
    timings["tree_s"] = time.perf_counter() - t0
    code_to_id = dict(OrgUnit.objects.values_list("code", "id"))
    unit_ids = [code_to_id[n.code] for n in nodes]
    rank = {code_to_id[n.code]: n.rank for n in nodes}
    form, indicators, periods = setup_catalogue(list(OrgLevel.objects.all()))

    t0 = time.perf_counter()
    reports = create_reports(unit_ids, periods, form)
    timings["reports_s"] = time.perf_counter() - t0
    leaf_rank = max(rank.values())
    last = periods[-1].pk
    leaves_last = [rid for rid, u, p in reports if p == last and rank[u] == leaf_rank]
    submitted = rng.sample(leaves_last, SUBMITTED)
    Report.objects.filter(pk__in=submitted).update(
        status=Report.Status.SUBMITTED, approved_at=None, version=2
    )
    gen = np.random.default_rng(SEED)
    world = World(
        nodes=nodes,
        unit_ids=unit_ids,
        rank=rank,
        periods=periods,
        form=form,
        indicators=indicators,
        report_id=np.array([r for r, _u, _p in reports], dtype=np.int64),
        report_unit=np.array([u for _r, u, _p in reports], dtype=np.int64),
        report_period=np.array([p for _r, _u, p in reports], dtype=np.int64),
        cents=gen.integers(0, MAX_CENTS, size=(len(reports), len(indicators)), dtype=np.int64),
        submitted=submitted,
    )
    say(f"loading {world.cents.size:,} values")
    t0 = time.perf_counter()
    indexes = drop_secondary_indexes("reporting_datavalue")
    if connection.vendor == "postgresql":
        timings["values"] = load_values_postgres(world)
    else:
        timings["values"] = load_values_sqlite(world)
    timings["values_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for statement in indexes:
            cur.execute(statement)
    timings["indexes_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    analyze()
    timings["analyze_s"] = time.perf_counter() - t0
    return world, timings


def drop_secondary_indexes(table: str) -> list[str]:
    """Drop the table's plain indexes (not its primary key or unique constraints) and return
    the statements that create them again exactly as migrate did: loading first and indexing
    after is several times faster."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c "
                "ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid "
                "WHERE i.tablename = %s AND NOT x.indisunique",
                [table],
            )
        else:
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
                [table],
            )
        found = cur.fetchall()
        for name, _sql in found:
            cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [statement for _name, statement in found]


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def build_mode(on: bool) -> None:
    """Settings for the build only, back to the project's own while measuring. SQLite: no
    rollback journal, no fsync, no foreign-key checks, a 2 GB page cache (the project runs
    WAL, synchronous=NORMAL, foreign keys on, the default cache). PostgreSQL, for this
    session: no foreign-key triggers (session_replication_role = replica, as pg_restore
    does), no wait for the WAL flush at commit, more memory for sorts and index builds."""
    from django.db import connection

    sqlite = {
        True: [
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-2000000",
            "temp_store=MEMORY",
            "foreign_keys=OFF",
        ],
        False: [
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "cache_size=-2000",
            "temp_store=DEFAULT",
            "foreign_keys=ON",
        ],
    }
    postgres = {
        True: [
            "SET session_replication_role = replica",
            "SET synchronous_commit = off",
            "SET work_mem = '256MB'",
            "SET maintenance_work_mem = '1GB'",
        ],
        False: [
            "RESET session_replication_role",
            "RESET synchronous_commit",
            "RESET work_mem",
            "RESET maintenance_work_mem",
        ],
    }
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            for pragma in sqlite[on]:
                cur.execute(f"PRAGMA {pragma}")
        else:
            for statement in postgres[on]:
                cur.execute(statement)


# --- DuckDB, the baseline -------------------------------------------------------------------


def duckdb_baseline(world: World) -> Any:
    """An in-memory DuckDB holding the same approved raw values, the subtree membership of
    every unit at each quarter's end and on MAPPED_TO, and where each unit's work is on
    MAPPED_TO (`land`: unit → carrier, share)."""
    import duckdb
    import numpy as np
    import pyarrow as pa  # type: ignore[import-untyped]

    from thidua.org.models import TreePath

    approved = ~np.isin(world.report_id, np.array(world.submitted, dtype=np.int64))
    n = len(world.indicators)
    ind = np.array([i.pk for i in world.indicators], dtype=np.int32)
    values = pa.table(
        {
            "unit": np.repeat(world.report_unit[approved].astype(np.int32), n),
            "period": np.repeat(world.report_period[approved].astype(np.int32), n),
            "indicator": np.tile(ind, int(approved.sum())),
            "cents": world.cents[approved].ravel(),
        }
    )
    con = duckdb.connect()
    con.register("values_arrow", values)
    con.execute(
        "CREATE TABLE v AS SELECT unit, period, indicator, "
        "(cents::DECIMAL(18,0) / 100)::DECIMAL(18,2) AS value FROM values_arrow"
    )
    con.unregister("values_arrow")
    member: list[tuple[int, int, int]] = []
    for period in world.periods:
        member += [
            (period.pk, a, d)
            for a, d in TreePath.objects.at(period.end).values_list("ancestor_id", "descendant_id")
        ]
    con.register(
        "member_arrow",
        pa.table(
            {
                "period": [m[0] for m in member],
                "ancestor": [m[1] for m in member],
                "unit": [m[2] for m in member],
            }
        ),
    )
    con.execute("CREATE TABLE member AS SELECT * FROM member_arrow")
    con.unregister("member_arrow")
    later = list(TreePath.objects.at(MAPPED_TO).values_list("ancestor_id", "descendant_id"))
    con.register(
        "later_arrow",
        pa.table({"ancestor": [a for a, _d in later], "unit": [d for _a, d in later]}),
    )
    con.execute("CREATE TABLE member_later AS SELECT * FROM later_arrow")
    con.unregister("later_arrow")
    land = landing_table(world)
    con.register(
        "land_arrow",
        pa.table(
            {
                "unit": [u for u, _c, _s in land],
                "carrier": [c for _u, c, _s in land],
                "share": [float(s) for _u, _c, s in land],
            }
        ),
    )
    con.execute(
        "CREATE TABLE land AS SELECT unit, carrier, share::DECIMAL(18,6) AS share FROM land_arrow"
    )
    con.unregister("land_arrow")
    return con


def landing_table(world: World) -> list[tuple[int, int, Decimal]]:
    """unit → the unit carrying its work on MAPPED_TO, from the planned merges (bench_tree's
    plan: a merged level-2 unit's work goes to the sibling it merged into)."""
    code_id = {n.code: world.unit_ids[n.index] for n in world.nodes}
    into = {
        code_id[s.code]: code_id[t.code] for t, sources in plan_merges(world.nodes) for s in sources
    }
    return [(u, into.get(u, u), Decimal(1)) for u in world.unit_ids]


AS_WAS_SQL = """
SELECT v.indicator, SUM(v.value) FROM v
JOIN member m ON m.unit = v.unit AND m.period = v.period
WHERE m.ancestor = ? AND v.period IN ({periods})
GROUP BY v.indicator
"""
MAPPED_SQL = """
SELECT v.indicator, SUM(v.value * l.share) FROM v
JOIN land l ON l.unit = v.unit
JOIN member_later m ON m.unit = l.carrier
WHERE m.ancestor = ? AND v.period IN ({periods})
GROUP BY v.indicator
"""


def duck_query(con: Any, mapped: bool, periods: list[Any]) -> Callable[[int], dict[int, Decimal]]:
    sql = (MAPPED_SQL if mapped else AS_WAS_SQL).format(
        periods=", ".join(str(p.pk) for p in periods)
    )

    def run(unit_id: int) -> dict[int, Decimal]:
        return dict(con.execute(sql, [unit_id]).fetchall())

    return run


# --- measurement ----------------------------------------------------------------------------


def percentile(xs: Sequence[float], pct: int) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[pct - 1]


def timed(fn: Callable[[Any], Any], args: Sequence[Any], warmup: int = WARMUP) -> list[float]:
    """Milliseconds per call after warm-up, the garbage collector off (as in timeit)."""
    for a in args[:warmup]:
        fn(a)
    times: list[float] = []
    gc.collect()
    gc.disable()
    try:
        for a in args:
            t0 = time.perf_counter()
            fn(a)
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        gc.enable()
    return times


def check_same(
    ours: dict[str, Decimal | None], duck: dict[int, Decimal], world: World
) -> str | None:
    """Our figures equal DuckDB's sums for every summed indicator (LAST ones are the last
    quarter's figure, not a sum, so they are left out); None when they agree."""
    from thidua.reporting.models import Indicator

    for ind in world.indicators:
        if ind.aggregation != Indicator.Aggregation.SUM:
            continue
        a, b = ours.get(ind.code), duck.get(ind.pk)
        if a is None and b is None:
            continue
        if a is None or b is None or abs(a - b) > Decimal("1e-9") * max(abs(b), Decimal(1)):
            return f"{ind.code}: ours {a} DuckDB {b}"
    return None


def measure_queries(world: World, con: Any, rng: random.Random) -> list[dict[str, Any]]:
    from thidua.org.models import OrgUnit
    from thidua.reporting import rollups
    from thidua.reporting.models import Indicator

    catalogue = list(Indicator.objects.all())
    by_year = {y: [p for p in world.periods if p.year == y] for y in YEARS}
    open_later = set(OrgUnit.objects.at(MAPPED_TO).values_list("id", flat=True))
    open_last = set(OrgUnit.objects.at(world.periods[-1].end).values_list("id", flat=True))
    root = world.unit_ids[0]
    lines = []
    plans = [
        ("as it was", YEARS[-1], None, open_last),
        (f"mapped to {MAPPED_TO:%d/%m/%Y}", YEARS[0], MAPPED_TO, open_later),
    ]
    for structure, year, mapped_to, pool in plans:
        periods = by_year[year]
        duck = duck_query(con, mapped_to is not None, periods)

        def ours(unit_id: int, p: list[Any] = periods, m: dt.date | None = mapped_to) -> Any:
            return rollups.query(unit_id, p, catalogue, mapped_to=m)

        for label, level in (("root", 0), ("level 1", 1), ("level 2", 2)):
            units = [u for u, r in world.rank.items() if r == level and u in pool]
            picks = [root] * REPS if level == 0 else rng.choices(units, k=REPS)
            for unit_id in picks[:WARMUP]:
                problem = check_same(ours(unit_id).values, duck(unit_id), world)
                if problem:
                    sys.exit(f"{label} {structure}: DuckDB disagrees for unit {unit_id}: {problem}")
            ours_ms = timed(ours, picks)
            duck_ms = timed(duck, picks)
            lines.append(query_line(f"query {label}", f"{year}, {structure}", ours_ms, duck_ms))
    return lines


def query_line(name: str, what: str, ours_ms: list[float], duck_ms: list[float]) -> dict[str, Any]:
    line: dict[str, Any] = {
        "line": name,
        "what": what,
        "n": len(ours_ms),
        "p50_ms": percentile(ours_ms, 50),
        "p95_ms": percentile(ours_ms, 95),
        "duckdb_p50_ms": percentile(duck_ms, 50),
        "duckdb_p95_ms": percentile(duck_ms, 95),
        "target_ms": QUERY_TARGET_MS,
    }
    line["ratio_p50"] = line["p50_ms"] / line["duckdb_p50_ms"]
    line["ratio_p95"] = line["p95_ms"] / line["duckdb_p95_ms"]
    line["pass"] = line["p95_ms"] <= QUERY_TARGET_MS and line["ratio_p50"] <= RATIO_TARGET
    return line


def measure_approvals(world: World) -> list[dict[str, Any]]:
    """approve_report() on each submitted report of 100 values, one at a time, then
    return_report() on the same ones; the share spent in rollups.apply_report is timed too."""
    from thidua.reporting import actions, rollups
    from thidua.reporting.models import Report

    spent: list[float] = []
    apply = rollups.apply_report

    def timed_apply(report: Report, *, sign: int) -> int:
        t0 = time.perf_counter()
        try:
            return apply(report, sign=sign)
        finally:
            spent.append((time.perf_counter() - t0) * 1000)

    reports = list(Report.objects.filter(pk__in=world.submitted).order_by("pk"))
    rollups.apply_report = timed_apply
    try:
        approve_ms = timed(lambda r: actions.approve_report(r, by=None), reports, warmup=0)
        approve_apply = list(spent)
        spent.clear()
        back_ms = timed(
            lambda r: actions.return_report(r, by=None, reason="Kiểm tra lại"), reports, warmup=0
        )
        back_apply = list(spent)
    finally:
        rollups.apply_report = apply
    return [
        approval_line("approve_report", approve_ms, approve_apply),
        approval_line("return_report", back_ms, back_apply),
    ]


def approval_line(name: str, total_ms: list[float], apply_ms: list[float]) -> dict[str, Any]:
    line: dict[str, Any] = {
        "line": name,
        "what": "one report of 100 values, leaf unit",
        "n": len(total_ms),
        "p50_ms": percentile(total_ms, 50),
        "p95_ms": percentile(total_ms, 95),
        "apply_report_p50_ms": percentile(apply_ms, 50),
        "apply_report_p95_ms": percentile(apply_ms, 95),
        "target_ms": APPROVE_TARGET_MS,
    }
    line["pass"] = line["p95_ms"] <= APPROVE_TARGET_MS
    return line


# --- report ---------------------------------------------------------------------------------


def report(meta: dict[str, Any], lines: list[dict[str, Any]]) -> str:
    c = meta["counts"]
    b = meta["build"]
    out = [
        f"thidua roll-up bench: {meta['vendor']} {meta['server_version']} ({meta['database']}),"
        f" DuckDB {meta['duckdb_version']} in memory ({meta['duckdb_threads']} threads)",
        f"{c['units']:,} units on 5 levels, {c['indicators']} typed indicators, {c['quarters']} "
        f"quarters, {c['reports']:,} reports, {c['values']:,} values, {c['rollups']:,} roll-up "
        f"rows",
        f"build: tree {b['tree_s']:.0f} s, reports {b['reports_s']:.0f} s, values "
        f"{b['values_s']:.0f} s ({c['values'] / b['values_s']:,.0f}/s) + indexes "
        f"{b['indexes_s']:.0f} s, ANALYZE "
        f"{b['analyze_s']:.0f} s, rollups.rebuild() {b['rebuild_s']:.0f} s; DuckDB load "
        f"{b['duckdb_s']:.0f} s; total {b['total_s'] / 60:.1f} min",
        f"{REPS} timed calls per query line after {WARMUP} warm-up, seed {SEED}; times in ms;"
        f" load average {meta['load_average_1min'][0]:.1f} -> "
        f"{meta['load_average_1min'][1]:.1f} on {meta['cpus']} CPUs",
    ]
    head = (
        f"{'line':<16} {'what':<26} {'p50':>7} {'p95':>7} {'duck50':>7} {'duck95':>7} "
        f"{'ours/duck':>9}  target"
    )
    out += [head, "-" * len(head)]
    for r in lines:
        if "duckdb_p50_ms" in r:
            out.append(
                f"{r['line']:<16} {r['what']:<26} {r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} "
                f"{r['duckdb_p50_ms']:>7.2f} {r['duckdb_p95_ms']:>7.2f} {r['ratio_p50']:>9.2f}  "
                f"p95 ≤ {r['target_ms']:g}, ratio ≤ {RATIO_TARGET:g}: "
                f"{'PASS' if r['pass'] else 'FAIL'}"
            )
        else:
            out.append(
                f"{r['line']:<16} {r['what']:<26} {r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} "
                f"{'':>7} {'':>7} {'':>9}  p95 ≤ {r['target_ms']:g}: "
                f"{'PASS' if r['pass'] else 'FAIL'} (apply_report p50 "
                f"{r['apply_report_p50_ms']:.2f}, p95 {r['apply_report_p95_ms']:.2f})"
            )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_rollups",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help=f"use PostgreSQL (BENCH_ROLLUPS_DATABASE_URL, default {PG_DEFAULT_URL})",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument(
        "--units", type=int, default=TOTAL_UNITS, help="units in the tree (a smaller, quick run)"
    )
    args = parser.parse_args(argv)

    database, cleanup = configure_database(args.postgres)
    django.setup()
    import duckdb
    from django.core.management import call_command
    from django.db import connection

    from thidua.reporting import actions, rollups  # noqa: F401 - fail early, not after the build
    from thidua.reporting.models import Rollup

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    fanout = FANOUT if args.units >= 10_000 else SMALL_FANOUT
    nodes = plan_tree_of(fanout, args.units, rng)
    say(f"building {len(nodes):,} units and their reports in {database}")
    build_mode(True)
    world, build_times = build_world(nodes, rng)
    say(f"built in {time.perf_counter() - started:.0f} s; rollups.rebuild()")
    t0 = time.perf_counter()
    rebuilt = rollups.rebuild()
    build_times["rebuild_s"] = time.perf_counter() - t0
    analyze()
    build_mode(False)
    say(f"rebuilt in {build_times['rebuild_s']:.0f} s; loading DuckDB")
    t0 = time.perf_counter()
    con = duckdb_baseline(world)
    build_times["duckdb_s"] = time.perf_counter() - t0
    build_times["total_s"] = time.perf_counter() - started
    say("measuring")
    load_before = os.getloadavg()[0]
    lines = measure_queries(world, con, rng)
    for line in lines:
        say(f"{line['line']} {line['what']}: p50 {line['p50_ms']:.2f} p95 {line['p95_ms']:.2f} ms")
    lines += measure_approvals(world)
    load = (load_before, os.getloadavg()[0])
    meta = {
        "vendor": connection.vendor,
        "server_version": _server_version(),
        "database": database,
        "duckdb_version": duckdb.__version__,
        "duckdb_threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
        "counts": {
            "units": len(nodes),
            "indicators": len(world.indicators),
            "quarters": len(world.periods),
            "reports": len(world.report_id),
            "values": int(build_times.pop("values")),
            "rollups": rebuilt,
            "rollups_after": Rollup.objects.count(),
        },
        "build": build_times,
        "reps": REPS,
        "warmup": WARMUP,
        "seed": SEED,
        "reorganisation": REORG.isoformat(),
        "mapped_to": MAPPED_TO.isoformat(),
        "load_average_1min": load,
        "cpus": os.cpu_count(),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    print(report(meta, lines))
    out = BENCH_DIR / f"rollups-{connection.vendor}.json"
    out.write_text(json.dumps({**meta, "results": lines}, indent=2, ensure_ascii=False) + "\n")
    print(f"results written to {out.relative_to(REPO)}")
    con.close()
    if not args.keep:
        connection.close()
        cleanup()
    return 0 if all(r["pass"] for r in lines) else 1


def say(message: str) -> None:
    print(f"bench_rollups: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
