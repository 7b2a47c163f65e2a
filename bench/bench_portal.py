"""The public portal under 200 anonymous readers (issue 12): gunicorn + PostgreSQL + locust.

    python -m bench.bench_portal      # database thidua_bench_portal on 127.0.0.1:5432

Builds a database of its own, publishes 100 items (figures with 25 indicators, decisions)
through `disclosures.actions.publish`, starts gunicorn on a free loopback port, measures the
idle latency of the home page (baseline, one reader), then runs locust headless
(bench/locustfile_portal.py): 200 readers browsing the portal and verifying items. Target:
p95 <= 200 ms over every request, no error. Results in var/bench/portal-postgresql.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import django

from bench import _db

REPO = Path(__file__).resolve().parent.parent
PG_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thidua_bench_portal"
TARGET_MS = 200.0


def say(text: str) -> None:
    print(f"[bench_portal] {text}", flush=True)


def publish(count: int) -> list[int]:
    from thidua.disclosures import actions
    from thidua.disclosures.sources import Draft

    out = []
    for n in range(count):
        rows = [
            {
                "indicator": f"Chỉ tiêu {i}",
                "indicator_en": f"Indicator {i}",
                "group": "Nhóm",
                "unit_of_measure": "triệu đồng",
                "legal_basis": "",
                "value": str(1000 * n + i),
            }
            for i in range(25)
        ]
        content = {
            "kind": "figures",
            "unit": f"Đơn vị {n}",
            "year": 2025,
            "quarters": [1, 2, 3, 4],
            "figures": rows,
        }
        draft = Draft("figures", f"figures/U{n}/2025", f"Số liệu 2025: Đơn vị {n}", 2025, content)
        out.append(actions.publish(draft, by="bench").leaf_id)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from bench.bench_load import BENCH_DIR, BIN, Client, locust_csv, start_gunicorn

    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_portal",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--run-time", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    database, cleanup = _db.configure_database(
        True, sqlite_name="", url_variable="BENCH_PORTAL_DATABASE_URL", pg_url=PG_DEFAULT_URL
    )
    os.environ.setdefault("THIDUA_LOG_KEY", "22" * 32)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    server = None
    try:
        call_command("migrate", verbosity=0)
        say(f"publishing 100 items in {database}")
        items = publish(100)
        connection.close()
        server = start_gunicorn(dict(os.environ), args.workers, args.threads, REPO, 5)
        idle = []
        for _ in range(50):
            t0 = time.perf_counter()
            Client(server.port).request("GET", "/public/")
            idle.append((time.perf_counter() - t0) * 1000)
        prefix = BENCH_DIR / "portal"
        command = [
            str(BIN / "locust"),
            f"--locustfile={REPO / 'bench' / 'locustfile_portal.py'}",
            "--headless",
            f"--users={args.users}",
            f"--spawn-rate={args.users // 10}",
            f"--run-time={args.run_time}s",
            f"--host=http://127.0.0.1:{server.port}",
            f"--csv={prefix}",
            "--only-summary",
            "--loglevel=WARNING",
        ]
        say(f"locust: {args.users} readers for {args.run_time} s")
        env = {**os.environ, "BENCH_PORTAL_ITEMS": ",".join(map(str, items))}
        with (BENCH_DIR / "portal-locust.log").open("wb") as out:
            subprocess.call(command, cwd=REPO, env=env, stdout=out, stderr=out)
        stats = locust_csv(prefix)
        total = stats.get("Aggregated", {})
        p95 = float(total.get("95%", "inf"))
        failures = int(total.get("Failure Count", "1"))
        requests = int(total.get("Request Count", "0"))
        idle_p95 = sorted(idle)[int(0.95 * (len(idle) - 1))]
        ok = p95 <= TARGET_MS and failures == 0 and requests > 0
        for name, row in stats.items():
            print(
                f"{name:28} n={row['Request Count']:>6} p50 {row['50%']:>5} ms "
                f"p95 {row['95%']:>5} ms  failures {row['Failure Count']}"
            )
        print(
            f"idle home page p95 {idle_p95:.1f} ms (baseline); under {args.users} readers "
            f"p95 {p95:.0f} ms = {p95 / max(idle_p95, 0.001):.1f}× the baseline; "
            f"{'PASS' if ok else 'FAIL'} (target p95 <= {TARGET_MS:.0f} ms, no failure)"
        )
        (BENCH_DIR / "portal-postgresql.json").write_text(
            json.dumps(
                {
                    "users": args.users,
                    "requests": requests,
                    "failures": failures,
                    "p95_ms": p95,
                    "idle_p95_ms": idle_p95,
                    "pass": ok,
                    "load": os.getloadavg(),
                },
                indent=2,
            )
            + "\n"
        )
        return 0 if ok else 1
    finally:
        if server is not None:
            server.stop()
        cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
