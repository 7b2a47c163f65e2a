"""Benchmark of the org-tree queries in thidua/org/tree.py on a 100,000-unit tree.

    python -m bench.bench_tree              # SQLite file var/bench/tree.sqlite3
    python -m bench.bench_tree --postgres   # database thidua_bench on 127.0.0.1:5432

Builds the tree in a database of its own (never the dev database), checks first on a small
tree that the bulk generator writes exactly the rows that thidua.org.actions would, then times
each query against a 10 ms p95 target and against naive baselines. See bench/README.md.
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import django
from django.db import models

from bench import _db
from bench._db import Fresh

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"
PG_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thidua_bench"

START = dt.date(2020, 1, 1)  # every unit opens here
REORG = dt.date(2025, 7, 1)  # half the level-2 units merge into a sibling
DAYS = (dt.date(2024, 1, 1), dt.date(2026, 1, 1))
TOTAL_UNITS = 100_000
FANOUT = (60, 20, 10)  # provinces, districts per province, communes per district; leaves fill up
TARGET_MS = 10.0
REPS = 200
WARMUP = 20
SEED = 20250701
BATCH = 5_000
LEVEL_NAMES = ("Toàn ngành", "Tỉnh", "Huyện", "Xã", "Đơn vị cơ sở", "Tổ")

M = TypeVar("M", bound=models.Model)
Rows = Sequence[tuple[Any, ...]]


@dataclass(eq=False)
class Node:
    """One planned unit; `index` is its position in creation order."""

    code: str
    name: str
    rank: int
    parent: Node | None
    index: int = -1
    children: list[Node] = field(default_factory=list)

    def chain(self) -> list[Node]:
        """The node, its parent, … up to the root (position = depth)."""
        out: list[Node] = []
        node: Node | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out


Merge = tuple[Node, list[Node]]  # (target that continues, sources that close)


# --- database selection (before django.setup) ---------------------------------------------


def configure_database(postgres: bool) -> Fresh:
    """Point DATABASE_URL at a fresh bench database (never the dev one): label and cleanup."""
    return _db.configure_database(
        postgres,
        sqlite_name="tree.sqlite3",
        url_variable="BENCH_DATABASE_URL",
        pg_url=PG_DEFAULT_URL,
    )


# --- the synthetic tree -------------------------------------------------------------------


def plan_tree(fanout: Sequence[int], total: int, rng: random.Random) -> list[Node]:
    """Root, then `fanout[i]` children per unit at each level, then leaves spread evenly under
    the last level until there are `total` units. Ids follow creation order: level by level,
    shuffled inside each level (units are not created in tree order in real life)."""
    root = Node("VN", LEVEL_NAMES[0], 0, None)
    levels = [[root]]

    def add(parent: Node, number: int) -> Node:
        code = f"{parent.code}-{number:02d}"
        rank = parent.rank + 1
        node = Node(code, f"{LEVEL_NAMES[rank]} {code[3:]}", rank, parent)
        parent.children.append(node)
        return node

    for k in fanout:
        levels.append([add(p, j + 1) for p in levels[-1] for j in range(k)])
    above, leaves = levels[-1], total - sum(map(len, levels))
    # parent i gets the leaves numbered leaves*i//n .. leaves*(i+1)//n: spread evenly
    share = [leaves * (i + 1) // len(above) - leaves * i // len(above) for i in range(len(above))]
    levels.append([add(p, j + 1) for p, k in zip(above, share, strict=True) for j in range(k)])
    nodes: list[Node] = []
    for level in levels:
        rng.shuffle(level)
        nodes.extend(level)
    for i, node in enumerate(nodes):
        node.index = i
    return nodes


def plan_merges(nodes: Sequence[Node]) -> list[Merge]:
    """In every level-1 unit, each odd-numbered level-2 unit merges into the one before it."""
    merges: list[Merge] = []
    for province in (n for n in nodes if n.rank == 1):
        kids = sorted(province.children, key=lambda n: n.code)
        merges += [(kids[i], [kids[i + 1]]) for i in range(0, len(kids) - 1, 2)]
    return merges


def _insert(model: type[M], objs: Iterable[M]) -> int:
    count, it = 0, iter(objs)
    while chunk := list(islice(it, BATCH)):
        model._default_manager.bulk_create(chunk)
        count += len(chunk)
    return count


def build(nodes: Sequence[Node], merges: Sequence[Merge]) -> dict[str, int]:
    """Write the rows that create_unit() for every node on START and then merge_units() for
    every merge on REORG would write, in bulk."""
    from django.db import transaction

    from thidua.lib.dates import OPEN_END
    from thidua.lib.text import fold
    from thidua.org.models import (
        OrgLevel,
        OrgUnit,
        OrgUnitVersion,
        Reorganisation,
        ReorgLink,
        TreePath,
    )

    closed = {s.index for _, sources in merges for s in sources}
    moved_to = {c.index: t for t, sources in merges for s in sources for c in s.children}

    def inside_depth(node: Node) -> int | None:
        """Depth of the node under the root of the subtree that a merge moves, if any."""
        return next((k for k, a in enumerate(node.chain()) if a.index in moved_to), None)

    with transaction.atomic():
        depth = max(n.rank for n in nodes) + 1
        levels = OrgLevel.objects.bulk_create(
            OrgLevel(code=f"bench-{r}", name=LEVEL_NAMES[r], rank=r) for r in range(depth)
        )
        units = [
            OrgUnit(
                code=n.code,
                name=n.name,
                level=levels[n.rank],
                valid_from=START,
                valid_to=REORG if n.index in closed else OPEN_END,
                search_key=fold(f"{n.code} {n.name}")[:1000],
            )
            for n in nodes
        ]
        counts = {"units": _insert(OrgUnit, units)}
        ids = [u.pk for u in units]

        def versions() -> Iterator[OrgUnitVersion]:
            for n in nodes:
                unit, parent = ids[n.index], ids[n.parent.index] if n.parent else None
                end = REORG if n.index in closed or n.index in moved_to else OPEN_END
                yield OrgUnitVersion(
                    unit_id=unit, name=n.name, parent_id=parent, valid_from=START, valid_to=end
                )
                if n.index in moved_to:  # _reparent: close the version, open one under target
                    yield OrgUnitVersion(
                        unit_id=unit,
                        name=n.name,
                        valid_from=REORG,
                        parent_id=ids[moved_to[n.index].index],
                    )

        def paths() -> Iterator[TreePath]:
            for n in nodes:  # as created; the merge closed some of these rows on REORG
                cut = inside_depth(n)
                for k, a in enumerate(n.chain()):
                    outside = cut is not None and k > cut
                    end = REORG if n.index in closed or outside else OPEN_END
                    yield TreePath(
                        ancestor_id=ids[a.index],
                        descendant_id=ids[n.index],
                        depth=k,
                        valid_from=START,
                        valid_to=end,
                    )
            for n in nodes:  # and opened these: the moved subtree under the target's ancestors
                cut = inside_depth(n)
                if cut is None:
                    continue
                target = moved_to[n.chain()[cut].index]
                for k, a in enumerate(target.chain()):
                    yield TreePath(
                        ancestor_id=ids[a.index],
                        descendant_id=ids[n.index],
                        depth=cut + 1 + k,
                        valid_from=REORG,
                    )

        counts["versions"] = _insert(OrgUnitVersion, versions())
        counts["tree_paths"] = _insert(TreePath, paths())
        created = (
            Reorganisation(kind=Reorganisation.Kind.CREATE, date=START, subject_id=i) for i in ids
        )
        events = [
            Reorganisation(
                kind=Reorganisation.Kind.MERGE,
                date=REORG,
                subject_id=ids[t.index],
                details={"sources": [s.code for s in sources]},
            )
            for t, sources in merges
        ]
        counts["events"] = _insert(Reorganisation, created) + _insert(Reorganisation, events)
        counts["reorg_links"] = _insert(
            ReorgLink,
            (
                ReorgLink(
                    event=e, predecessor_id=ids[s.index], successor_id=ids[t.index], date=REORG
                )
                for e, (t, sources) in zip(events, merges, strict=True)
                for s in sources
            ),
        )
    return counts


def build_with_actions(nodes: Sequence[Node], merges: Sequence[Merge]) -> None:
    """The same tree through thidua.org.actions, one event at a time (small trees only)."""
    from thidua.org import actions
    from thidua.org.models import OrgLevel, OrgUnit

    depth = max(n.rank for n in nodes) + 1
    levels = [
        OrgLevel.objects.create(code=f"bench-{r}", name=LEVEL_NAMES[r], rank=r)
        for r in range(depth)
    ]
    units: dict[int, OrgUnit] = {}
    for n in nodes:
        parent = units[n.parent.index] if n.parent else None
        spec = actions.NewUnit(code=n.code, name=n.name, level=levels[n.rank], parent=parent)
        units[n.index] = actions.create_unit(spec, day=START)
    for target, sources in merges:
        fresh = [OrgUnit.objects.get(pk=units[s.index].pk) for s in sources]
        actions.merge_units(fresh, day=REORG, into=OrgUnit.objects.get(pk=units[target.index].pk))


def snapshot() -> dict[str, Rows]:
    """Every org row, with ids replaced by codes so two builds compare."""
    from thidua.org.models import (
        OrgLevel,
        OrgUnit,
        OrgUnitVersion,
        Reorganisation,
        ReorgLink,
        TreePath,
    )

    code: dict[int | None, str] = dict(OrgUnit.objects.values_list("id", "code"))
    code[None] = ""
    level = dict(OrgLevel.objects.values_list("id", "code"))
    events = {
        e.pk: (
            e.kind,
            e.date,
            code[e.subject_id],
            json.dumps(e.details, sort_keys=True),
            e.legal_basis,
            e.note,
            e.created_by_id,
        )
        for e in Reorganisation.objects.all()
    }
    return {
        "units": sorted(
            (
                u.code,
                u.name,
                level[u.level_id],
                u.kind,
                u.budget_role,
                u.staff_count,
                u.valid_from,
                u.valid_to,
                u.search_key,
            )
            for u in OrgUnit.objects.all()
        ),
        "versions": sorted(
            (code[v.unit_id], v.name, code[v.parent_id], v.valid_from, v.valid_to)
            for v in OrgUnitVersion.objects.all()
        ),
        "tree_paths": sorted(
            (code[a], code[d], depth, vf, vt)
            for a, d, depth, vf, vt in TreePath.objects.values_list(
                "ancestor_id", "descendant_id", "depth", "valid_from", "valid_to"
            )
        ),
        "events": sorted(events.values()),
        "reorg_links": sorted(
            (code[p], code[s], day, events[e])
            for p, s, day, e in ReorgLink.objects.values_list(
                "predecessor_id", "successor_id", "date", "event_id"
            )
        ),
    }


def verify_generator() -> list[str]:
    """Build a small tree both ways (each rolled back) and list the tables that differ."""
    from django.db import transaction

    nodes = plan_tree((2, 4, 2), 67, random.Random(SEED))
    merges = plan_merges(nodes)
    got: list[dict[str, Rows]] = []
    for how in (build, build_with_actions):
        with transaction.atomic():
            how(nodes, merges)
            got.append(snapshot())
            transaction.set_rollback(True)
    ours, theirs = got
    return [
        f"{k}: {len(set(ours[k]) ^ set(theirs[k]))} rows differ"
        for k in ours
        if ours[k] != theirs[k]
    ]


# --- measurement --------------------------------------------------------------------------


def naive_subtree_ids(unit_id: int, day: dt.date) -> list[int]:
    """Baseline: walk OrgUnitVersion parent pointers down, one query per level."""
    from thidua.org.models import OrgUnitVersion

    found, frontier = [unit_id], [unit_id]
    while frontier:
        frontier = list(
            OrgUnitVersion.objects.at(day)
            .filter(parent_id__in=frontier)
            .order_by()
            .values_list("unit_id", flat=True)
        )
        found += frontier
    return found


def naive_ancestor_ids(unit_id: int, day: dt.date) -> list[int]:
    """Baseline: walk OrgUnitVersion parent pointers up, one query per level."""
    from thidua.org.models import OrgUnitVersion

    found: list[int] = []
    current: int | None = unit_id
    while current is not None:
        rows = list(
            OrgUnitVersion.objects.at(day)
            .filter(unit_id=current)
            .order_by()
            .values_list("parent_id", flat=True)[:1]
        )
        current = rows[0] if rows else None
        if current is not None:
            found.append(current)
    return found[::-1]


def pk_fetch(unit_id: int) -> list[int]:
    from thidua.org.models import OrgUnit

    return [OrgUnit.objects.get(pk=unit_id).pk]


QueryFn = Callable[..., list[int]]


@dataclass
class Result:
    query: str
    day: dt.date | None
    rows: list[int]
    ours_ms: list[float]
    naive_ms: list[float] | None = None

    @staticmethod
    def p(xs: Sequence[float], pct: int) -> float:
        return statistics.quantiles(xs, n=100, method="inclusive")[pct - 1]

    def summary(self, pk_p50: float) -> dict[str, Any]:
        out: dict[str, Any] = {
            "query": self.query,
            "date": self.day.isoformat() if self.day else None,
            "n": len(self.ours_ms),
            "rows_median": statistics.median(self.rows),
            "rows_min": min(self.rows),
            "rows_max": max(self.rows),
            "p50_ms": self.p(self.ours_ms, 50),
            "p95_ms": self.p(self.ours_ms, 95),
        }
        if self.naive_ms:
            out["naive_p50_ms"] = self.p(self.naive_ms, 50)
            out["naive_p95_ms"] = self.p(self.naive_ms, 95)
            out["ratio_p50"] = out["p50_ms"] / out["naive_p50_ms"]
        out["vs_pk_fetch_p50"] = out["p50_ms"] / pk_p50
        out["target_ms"] = TARGET_MS
        out["pass"] = out["p95_ms"] < TARGET_MS
        return out


def timed(fn: QueryFn, calls: Sequence[tuple[Any, ...]]) -> tuple[list[float], list[int]]:
    """Milliseconds and row count per call, after warm-up; the garbage collector is off while
    timing (as in timeit) so that a collection of the build's leftovers lands in no sample."""
    for args in calls[:WARMUP]:
        fn(*args)
    times, rows = [], []
    gc.collect()
    gc.disable()
    try:
        for args in calls:
            t0 = time.perf_counter()
            n = len(fn(*args))
            times.append((time.perf_counter() - t0) * 1000)
            rows.append(n)
    finally:
        gc.enable()
    return times, rows


def measure(nodes: Sequence[Node], merges: Sequence[Merge], rng: random.Random) -> list[Result]:
    from thidua.org import tree
    from thidua.org.models import OrgLevel, OrgUnit

    code_to_id = dict(OrgUnit.objects.values_list("code", "id"))
    by_rank: dict[int, list[int]] = {}
    for n in nodes:
        by_rank.setdefault(n.rank, []).append(code_to_id[n.code])
    leaf_rank = max(by_rank)
    merged = [code_to_id[s.code] for _, sources in merges for s in sources]
    mid_level = OrgLevel.objects.get(rank=2).pk
    results: list[Result] = []

    def run(
        name: str,
        day: dt.date | None,
        fn: QueryFn,
        pool: Sequence[int],
        naive: QueryFn | None = None,
    ) -> None:
        picks = rng.choices(pool, k=REPS)
        calls = [(i, day) if day else (i,) for i in picks]
        if naive is not None:  # same answer, or the comparison means nothing
            for args in calls[:WARMUP]:
                if sorted(fn(*args)) != sorted(naive(*args)):
                    sys.exit(f"{name}: naive answer differs for {args}")
        ours, rows = timed(fn, calls)
        naive_ms = timed(naive, calls)[0] if naive is not None else None
        results.append(Result(name, day, rows, ours, naive_ms))

    run("pk fetch OrgUnit", None, pk_fetch, list(code_to_id.values()))
    for day in DAYS:
        open_ids = set(OrgUnit.objects.at(day).values_list("id", flat=True))

        def opened(rank: int, day_ids: set[int] = open_ids) -> list[int]:
            return [i for i in by_rank[rank] if i in day_ids]

        run("subtree_ids(level 1)", day, tree.subtree_ids, opened(1), naive_subtree_ids)
        run("subtree_ids(level 2)", day, tree.subtree_ids, opened(2), naive_subtree_ids)
        run("ancestor_ids(leaf)", day, tree.ancestor_ids, opened(leaf_rank), naive_ancestor_ids)
        run("level_ids(level 2)", day, tree.level_ids, [mid_level])
    run("successor_ids(merged)", DAYS[-1], tree.successor_ids, merged)
    return results


# --- report ---------------------------------------------------------------------------------


def report(meta: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'query':<22} {'date':<10} {'rows':>6} {'p50':>7} {'p95':>7} {'naive50':>8} "
        f"{'naive95':>8} {'ours/naive':>10} {'x pk':>6}  p95 < {TARGET_MS:g} ms"
    )
    lines = [
        f"thidua org tree bench: {meta['vendor']} {meta['server_version']} ({meta['database']})",
        f"{meta['counts']['units']:,} units, {meta['counts']['tree_paths']:,} closure rows, "
        f"{meta['counts']['versions']:,} versions; built in {meta['build_seconds']:.1f} s; "
        f"generator matches actions.py: {'yes' if meta['generator_matches_actions'] else 'NO'}",
        f"{REPS} timed calls per line after {WARMUP} warm-up, seed {SEED}; times in ms; "
        f"load average {meta['load_average_1min'][0]:.1f} -> {meta['load_average_1min'][1]:.1f}"
        f" on {meta['cpus']} CPUs",
        head,
        "-" * len(head),
    ]

    def num(key: str, r: dict[str, Any], fmt: str = ".2f") -> str:
        return format(r[key], fmt) if key in r else "-"

    for r in rows:
        lines.append(
            f"{r['query']:<22} {r['date'] or '-':<10} {r['rows_median']:>6,.0f} "
            f"{num('p50_ms', r):>7} {num('p95_ms', r):>7} {num('naive_p50_ms', r):>8} "
            f"{num('naive_p95_ms', r):>8} {num('ratio_p50', r):>10} "
            f"{num('vs_pk_fetch_p50', r, '.1f'):>6}  {'PASS' if r['pass'] else 'FAIL'}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_tree",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help=f"use PostgreSQL (BENCH_DATABASE_URL, default {PG_DEFAULT_URL})",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args(argv)

    database, cleanup = configure_database(args.postgres)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    say("checking the bulk generator against thidua.org.actions on a small tree")
    mismatches = verify_generator()
    for line in mismatches:
        print(f"generator differs from actions.py: {line}")
    rng = random.Random(SEED)
    nodes = plan_tree(FANOUT, TOTAL_UNITS, rng)
    merges = plan_merges(nodes)
    say(f"building {len(nodes):,} units in {database}")
    t0 = time.perf_counter()
    counts = build(nodes, merges)
    with connection.cursor() as cur:  # what autovacuum / PRAGMA optimize would leave
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    build_seconds = time.perf_counter() - t0
    say("measuring")
    load_before = os.getloadavg()[0]
    results = measure(nodes, merges, rng)
    load = (load_before, os.getloadavg()[0])
    pk_p50 = Result.p(results[0].ours_ms, 50)
    rows = [r.summary(pk_p50) for r in results]
    meta = {
        "vendor": connection.vendor,
        "server_version": _server_version(),
        "database": database,
        "counts": counts,
        "build_seconds": build_seconds,
        "generator_matches_actions": not mismatches,
        "generator_mismatches": mismatches,
        "reps": REPS,
        "warmup": WARMUP,
        "seed": SEED,
        "dates": [d.isoformat() for d in DAYS],
        "reorganisation": REORG.isoformat(),
        "target_ms": TARGET_MS,
        "load_average_1min": load,
        "cpus": os.cpu_count(),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    print(report(meta, rows))
    out = BENCH_DIR / f"tree-{connection.vendor}.json"
    out.write_text(json.dumps({**meta, "results": rows}, indent=2, ensure_ascii=False) + "\n")
    print(f"results written to {out.relative_to(REPO)}")
    if not args.keep:
        connection.close()
        cleanup()
    return 0 if not mismatches and all(r["pass"] for r in rows) else 1


def say(message: str) -> None:
    print(f"bench_tree: {message}", file=sys.stderr, flush=True)


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
        else:
            cur.execute("SELECT sqlite_version()")
        return str(cur.fetchone()[0])


if __name__ == "__main__":
    sys.exit(main())
