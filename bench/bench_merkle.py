"""Benchmark of the public log's proofs (thidua/disclosures/log.py) at 1,000,000 leaves.

    python -m bench.bench_merkle              # SQLite file var/bench/merkle.sqlite3
    python -m bench.bench_merkle --postgres   # database thidua_bench_merkle on 127.0.0.1:5432

Generates the leaves and every perfect-subtree node in bulk (checked first on a small log
against what `log.append` writes), then times, on random sizes and indexes: an inclusion
proof, a consistency proof and one append, against a 20 ms p95 target each, and against the
baseline of recomputing the root from all leaves read from the database (the same run).
Every timed proof is also verified against the root (RFC 9162 verifiers).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import django

from bench import _db

REPO = Path(__file__).resolve().parent.parent
PG_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thidua_bench_merkle"
LEAVES = 1_000_000
TARGET_MS = 20.0
REPS = 300
WARMUP = 20
BATCH = 20_000
SEED = 20261202


def say(text: str) -> None:
    print(f"[bench_merkle] {text}", flush=True)


def p(values: Sequence[float], q: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def generate(count: int) -> bytes:
    """Insert `count` leaves and their nodes in bulk; the root of the whole log."""
    from django.utils import timezone

    from thidua.disclosures import log, merkle
    from thidua.disclosures.models import LogLeaf, LogNode, node_key

    moment = timezone.now()
    level: list[bytes] = []
    leaves, nodes = [], []
    for index in range(count):
        data = log.canonical_bytes({"kind": "bench", "n": index})
        digest = merkle.leaf_hash(data)
        level.append(digest)
        leaves.append(
            LogLeaf(
                index=index,
                kind="publication",
                content=data.decode(),
                leaf_hash=digest,
                appended_at=moment,
            )
        )
        nodes.append(LogNode(key=node_key(0, index), hash=digest))
        if len(leaves) >= BATCH:
            LogLeaf.objects.bulk_create(leaves)
            LogNode.objects.bulk_create(nodes)
            leaves.clear()
            nodes.clear()
    LogLeaf.objects.bulk_create(leaves)
    LogNode.objects.bulk_create(nodes)
    height = 0
    while len(level) > 1:
        height += 1
        level = [merkle.node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        for start in range(0, len(level), BATCH):
            LogNode.objects.bulk_create(
                LogNode(key=node_key(height, start + i), hash=h)
                for i, h in enumerate(level[start : start + BATCH])
            )
    return log.root(count)


def check_generator() -> list[str]:
    """The bulk generator writes exactly the nodes `log.append` writes (on 77 leaves)."""
    from django.db import transaction

    from thidua.disclosures import log
    from thidua.disclosures.models import LogLeaf, LogNode

    with transaction.atomic():
        log.append([("publication", {"kind": "bench", "n": i}) for i in range(77)], sign=False)
        by_append = dict(LogNode.objects.values_list("key", "hash"))
        LogNode.objects.all().delete()
        LogLeaf.objects.all().delete()
        generate(77)
        by_bulk = dict(LogNode.objects.values_list("key", "hash"))
        LogNode.objects.all().delete()
        LogLeaf.objects.all().delete()
    if {k: bytes(v) for k, v in by_append.items()} != {k: bytes(v) for k, v in by_bulk.items()}:
        return ["the nodes differ"]
    return []


def timed(
    reps: int, make: Callable[[random.Random], Any], run: Callable[[Any], Any], rng: random.Random
) -> list[float]:
    out = []
    for rep in range(WARMUP + reps):
        args = make(rng)
        t0 = time.perf_counter()
        run(args)
        if rep >= WARMUP:
            out.append((time.perf_counter() - t0) * 1000)
    return out


def baseline(count: int) -> tuple[float, bytes]:
    """Recompute the root from every leaf hash read from the database."""
    from thidua.disclosures import merkle
    from thidua.disclosures.models import LogLeaf

    t0 = time.perf_counter()
    hashes = [
        bytes(h)
        for h in LogLeaf.objects.order_by("index")
        .values_list("leaf_hash", flat=True)
        .iterator(chunk_size=BATCH)
    ]
    root = merkle.reference_root(hashes)
    return (time.perf_counter() - t0) * 1000, root


def measure(count: int, rng: random.Random) -> dict[str, Any]:
    from thidua.disclosures import log, merkle

    roots: dict[int, bytes] = {}

    def root_of(size: int) -> bytes:
        if size not in roots:
            roots[size] = log.root(size)
        return roots[size]

    def inclusion_args(r: random.Random) -> tuple[int, int]:
        size = r.randint(count // 2, count)
        return r.randrange(size), size

    def consistency_args(r: random.Random) -> tuple[int, int]:
        new = r.randint(count // 2, count)
        return r.randint(1, new), new

    proofs: list[tuple[str, tuple[int, int], list[bytes]]] = []

    def inclusion(args: tuple[int, int]) -> None:
        proofs.append(("inclusion", args, log.inclusion_proof(*args)))

    def consistency(args: tuple[int, int]) -> None:
        proofs.append(("consistency", args, log.consistency_proof(*args)))

    results: dict[str, Any] = {
        "inclusion_ms": timed(REPS, inclusion_args, inclusion, rng),
        "consistency_ms": timed(REPS, consistency_args, consistency, rng),
    }
    bad = 0
    from thidua.disclosures.models import LogLeaf

    for kind, (a, b), proof in proofs[:: max(1, len(proofs) // 60)]:
        if kind == "inclusion":
            leaf = bytes(LogLeaf.objects.values_list("leaf_hash", flat=True).get(index=a))
            bad += not merkle.verify_inclusion(leaf, a, b, proof, root_of(b))
        else:
            bad += not merkle.verify_consistency(a, b, proof, root_of(a), root_of(b))
    results["proofs_failing_verification"] = bad
    n = [count]

    def append(_args: None) -> None:
        log.append([("publication", {"kind": "bench-append", "n": n[0]})], sign=False)
        n[0] += 1

    results["append_ms"] = timed(100, lambda _r: None, append, rng)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_merkle",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--leaves", type=int, default=LEAVES)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args(argv)
    database, cleanup = _db.configure_database(
        args.postgres,
        sqlite_name="merkle.sqlite3",
        url_variable="BENCH_DATABASE_URL",
        pg_url=PG_DEFAULT_URL,
    )
    os.environ.setdefault("THIDUA_LOG_KEY", "11" * 32)  # a throwaway key, not var/log_key.pem
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        mismatches = check_generator()
        say(f"generating {args.leaves:,} leaves in {database}")
        t0 = time.perf_counter()
        root = generate(args.leaves)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        build = time.perf_counter() - t0
        say("baseline: the root from all leaves")
        base_ms, base_root = baseline(args.leaves)
        say("measuring")
        results = measure(args.leaves, random.Random(SEED))
        summary = {
            name: {"p50": p(v, 50), "p95": p(v, 95), "max": max(v)}
            for name, v in results.items()
            if isinstance(v, list)
        }
        ok = (
            not mismatches
            and base_root == root
            and results["proofs_failing_verification"] == 0
            and all(s["p95"] <= TARGET_MS for s in summary.values())
        )
        for name, s in summary.items():
            print(
                f"{name:16} p50 {s['p50']:7.2f} ms  p95 {s['p95']:7.2f} ms  "
                f"baseline/p95 {base_ms / s['p95']:9.0f}×  "
                f"{'PASS' if s['p95'] <= TARGET_MS else 'FAIL'}"
            )
        print(
            f"baseline (root from {args.leaves:,} leaves): {base_ms:,.0f} ms; "
            f"root matches: {base_root == root}; generator matches append: {not mismatches}; "
            f"proofs failing verification: {results['proofs_failing_verification']}"
        )
        print("PASS" if ok else "FAIL")
        out = _db.BENCH_DIR / f"merkle-{connection.vendor}.json"
        out.write_text(
            json.dumps(
                {
                    "vendor": connection.vendor,
                    "leaves": args.leaves,
                    "build_seconds": build,
                    "baseline_ms": base_ms,
                    "summary": summary,
                    "pass": ok,
                    "statistics_mean_inclusion_ms": statistics.mean(results["inclusion_ms"]),
                    "load": os.getloadavg(),
                },
                indent=2,
            )
            + "\n"
        )
        return 0 if ok else 1
    finally:
        connection.close()
        if not args.keep:
            cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
