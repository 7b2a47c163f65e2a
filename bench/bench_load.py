"""Cell saves under load: 50 reporters autosaving at once against gunicorn and PostgreSQL.

    python -m bench.bench_load            # database thidua_bench_load on 127.0.0.1:5432

Builds a database of its own (never the dev database): 50 units with a reporter each and an
open quarterly report, a shared report with a few reporters, a unit for the single-user
baseline. Starts gunicorn on a free loopback port, logs every account in through the login
form, measures single-user saves on the idle server, then runs locust (bench/locustfile.py)
headless: one simulated user per reporter saving cells of its own report with the version
the last save returned, plus the shared-report users whose 409s are expected. Afterwards it
checks in the database that every cell holds the last value a client was told was saved and
that its version counts the confirmed saves (no lost write), and that the audit chain holds
one intact event per save. Target: p95 of the saves <= 300 ms, no error, no lost write.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import fcntl
import http.client
import json
import os
import re
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookies import SimpleCookie
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import django

from bench import _db

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"
BIN = Path(sys.executable).parent
PG_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thidua_bench_load"
LOCUSTFILE = REPO / "bench" / "locustfile.py"

TARGET_P95_MS = 300.0
OWN_USERS = 50
SHARED_USERS = 4
SHARED_CELLS = 2
IDLE_SAVES = 50
PASSWORD = "bench-load-2026"  # a throwaway database
START = dt.date(2020, 1, 1)
SEED = 20260701
FORM_CODE = "thtk-quy"
VERSION = re.compile(r'name="version" value="(\d+)"')
ERROR_MARK = 'data-testid="cell-error"'
SAVE = "save cell"
BASELINE = "GET /accounts/login/ (baseline)"


# --- database (before django.setup) --------------------------------------------------------


# --- the data ------------------------------------------------------------------------------


@dataclass
class Account:
    username: str
    pool: str  # "own", "shared" or "solo"
    report: int
    indicators: list[int]
    seed: int
    sessionid: str = ""
    csrftoken: str = ""


@dataclass
class Setup:
    accounts: list[Account]
    period: str
    indicators_typed: int
    indicators_on_form: int
    report_ids: list[int]


def last_ended_quarter(today: dt.date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def build(own: int, shared: int) -> Setup:
    """Units, reporters and open reports; the previous quarter and the same quarter of last
    year filled in, so that the validation rules after each save compare real figures."""
    import random

    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from thidua.accounts.models import Role, RoleAssignment, User
    from thidua.lib.packs import pack_file
    from thidua.org import actions as org
    from thidua.org.models import OrgLevel
    from thidua.reporting import actions
    from thidua.reporting.catalogue import (
        ensure_periods,
        load_catalogue,
        load_default_rules,
        load_forms,
    )
    from thidua.reporting.checks import previous_period, same_period_last_year
    from thidua.reporting.models import DataValue, FormRow, Period, ReportForm

    rng = random.Random(SEED)
    year, quarter = last_ended_quarter(dt.date.today())
    with transaction.atomic():
        levels = {
            code: OrgLevel.objects.create(code=code, name=name, rank=rank)
            for code, name, rank in [
                ("toi-cao", "Viện kiểm sát nhân dân tối cao", 0),
                ("cap-tinh", "VKSND cấp tỉnh", 1),
            ]
        }
        load_catalogue()
        load_forms(pack_file("forms.json"))
        load_default_rules()
        ensure_periods(year - 1, year)
        form = ReportForm.objects.get(code=FORM_CODE)
        period = Period.objects.get(year=year, kind=Period.Kind.QUARTER, number=quarter)
        history = [p for p in (previous_period(period), same_period_last_year(period)) if p]
        root = org.create_unit(
            org.NewUnit("BENCH", "VKSND tối cao (bench)", levels["toi-cao"], None), day=START
        )
        rows = FormRow.objects.filter(section__form=form).select_related("indicator")
        on_form = [r.indicator for r in rows.order_by("section__order", "order")]
        typed = [i for i in on_form if not i.is_derived]
        password = make_password(PASSWORD)  # hashed once: PBKDF2 per user would take minutes
        plan = (
            [(f"T{n:02d}", "own", 1) for n in range(1, own + 1)]
            + [("CHUNG", "shared", shared)]
            + [("SOLO", "solo", 1)]
        )
        accounts: list[Account] = []
        report_ids: list[int] = []
        for code, pool, people in plan:
            unit = org.create_unit(
                org.NewUnit(code, f"VKSND bench {code}", levels["cap-tinh"], root), day=START
            )
            report = actions.open_report(unit, form, period, by="bench")
            report_ids.append(report.pk)
            for past in history:
                old = actions.open_report(unit, form, past, by="bench")
                DataValue.objects.bulk_create(
                    DataValue(
                        report=old,
                        indicator=i,
                        value=Decimal(rng.randrange(1_000, 10_000_000)),
                        version=1,
                    )
                    for i in typed
                )
            cells = [i.pk for i in typed]
            if pool == "shared":
                cells = cells[:SHARED_CELLS]
            for k in range(people):
                username = f"bench-{code.lower()}-{k + 1}"
                user = User.objects.create(username=username, password=password)
                RoleAssignment.objects.create(
                    user=user, role=Role.REPORTER, unit=unit, valid_from=START
                )
                accounts.append(Account(username, pool, report.pk, cells, rng.randrange(2**32)))
    return Setup(accounts, f"Q{quarter}/{year}", len(typed), len(on_form), report_ids)


# --- HTTP from the driver (logins, the idle baseline) ----------------------------------------


class Client:
    """One browser: cookies kept, one fresh loopback connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, Any] | None = None, *, ajax: bool = False
    ) -> tuple[int, str, float]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if ajax:
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["HX-Request"] = "true"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            start = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            ms = (time.perf_counter() - start) * 1000
        finally:
            conn.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text, ms

    def login(self, username: str) -> None:
        status, _page, _ms = self.request("GET", "/accounts/login/")
        token = self.cookies.get("csrftoken", "")
        if status != 200 or not token:
            raise RuntimeError(f"GET /accounts/login/ gave {status} without a CSRF cookie")
        form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        status, _page, _ms = self.request("POST", "/accounts/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} gave {status}, no session")


def vn_text(tenths: int) -> str:
    """12345678 -> '1.234.567,8' (as bench/locustfile.py types figures)."""
    whole, frac = divmod(tenths, 10)
    return f"{whole:,}".replace(",", ".") + f",{frac}"


def idle_saves(
    client: Client,
    account: Account,
    count: int,
    versions: dict[int, int],
    log: list[dict[str, Any]],
    seed: int,
) -> None:
    """Sequential saves by one user on the otherwise idle server, logged like locust's;
    `versions` holds the version of each cell that the last save returned."""
    import random

    rng = random.Random(seed)
    for _ in range(count):
        indicator = rng.choice(account.indicators)
        tenths = rng.randrange(10_000, 10_000_000_000)
        sent = versions[indicator]
        form = {"value": vn_text(tenths), "version": sent, "comment": ""}
        path = f"/reports/{account.report}/cells/{indicator}/"
        status, page, ms = client.request("POST", path, form, ajax=True)
        match = VERSION.search(page)
        got = int(match.group(1)) if match else None
        ok = status == 200 and got == sent + 1 and ERROR_MARK not in page
        if ok and got is not None:
            versions[indicator] = got
        log.append(
            {
                "kind": "save",
                "pool": "solo",
                "user": account.username,
                "report": account.report,
                "indicator": indicator,
                "value": str(Decimal(tenths) / 10),
                "sent_version": sent,
                "status": status,
                "version": got,
                "ms": ms,
                "at": time.time(),
                "outcome": "saved" if ok else "error",
                **({} if ok else {"error": f"HTTP {status}, version {got}"}),
            }
        )


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_gunicorn(
    env: dict[str, str], workers: int, threads: int, app_dir: Path, keep_alive: int
) -> Server:
    port = free_port()
    log = BENCH_DIR / "load-gunicorn.log"
    command = [
        str(BIN / "gunicorn"),
        "thidua.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        "--timeout=120",
        f"--keep-alive={keep_alive}",
        "--no-control-socket",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=app_dir, env=env, stdout=out, stderr=out)
    server = Server(process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log}")
        try:
            if Client(port).request("GET", "/accounts/login/")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer within 60 s; see {log}")


# --- locust ----------------------------------------------------------------------------------


def run_locust(
    port: int, users: int, run_time: int, plan: Path, log: Path
) -> tuple[int, float, Path]:
    """Locust headless, in a process of its own (gevent); return its exit code, its CPU
    seconds and the prefix of its CSV files."""
    prefix = BENCH_DIR / "load"
    command = [
        str(BIN / "locust"),
        f"--locustfile={LOCUSTFILE}",
        "--headless",
        f"--users={users}",
        f"--spawn-rate={users}",
        f"--run-time={run_time}s",
        f"--host=http://127.0.0.1:{port}",
        f"--csv={prefix}",
        "--stop-timeout=30",  # let in-flight saves finish: their outcome must be known
        "--exit-code-on-error=0",  # errors are counted from the log below
        "--only-summary",
        "--loglevel=WARNING",
    ]
    env = {**os.environ, "BENCH_LOAD_PLAN": str(plan), "BENCH_LOAD_LOG": str(log)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with (BENCH_DIR / "load-locust.log").open("wb") as out:
        code = subprocess.call(command, cwd=REPO, env=env, stdout=out, stderr=out)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return code, cpu, prefix


def locust_csv(prefix: Path) -> dict[str, dict[str, str]]:
    path = Path(f"{prefix}_stats.csv")
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def process_cpu_s(pid: int) -> float:
    """CPU seconds of a process and of its living children (gunicorn: master + workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(x) for x in children.read_text().split()]
    total = 0
    for p in pids:
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


# --- results ---------------------------------------------------------------------------------


def pct(xs: Sequence[float], p: int) -> float:
    if len(xs) < 2:
        return xs[0] if xs else float("nan")
    return statistics.quantiles(xs, n=100, method="inclusive")[p - 1]


def latency(xs: Sequence[float]) -> dict[str, float | int]:
    return {
        "n": len(xs),
        "p50_ms": pct(xs, 50),
        "p95_ms": pct(xs, 95),
        "p99_ms": pct(xs, 99),
        "max_ms": max(xs) if xs else float("nan"),
    }


@dataclass
class Check:
    cells: int = 0
    saves: int = 0
    problems: list[str] = field(default_factory=list)
    audit_events: int = 0
    audit_broken: str | None = None


def check_writes(entries: Iterable[dict[str, Any]], report_ids: Sequence[int]) -> Check:
    """Every cell holds the value of the save that a client was told got the highest version,
    and its version is the number of saves the clients were told succeeded: versions 1..n
    each confirmed exactly once. A duplicate version means two clients were both told their
    save landed on the same version (one was lost); a gap, a save nobody was told about."""
    from thidua.audit.chain import verify_chain
    from thidua.audit.models import AuditEvent
    from thidua.reporting.models import DataValue

    saved: dict[tuple[int, int], list[tuple[int, Decimal]]] = defaultdict(list)
    for e in entries:
        if e["kind"] == "save" and e["outcome"] == "saved":
            saved[(e["report"], e["indicator"])].append((e["version"], Decimal(e["value"])))
    stored = {
        (r, i): (v, value)
        for r, i, v, value in DataValue.objects.filter(report_id__in=report_ids).values_list(
            "report_id", "indicator_id", "version", "value"
        )
    }
    check = Check(cells=len(set(saved) | set(stored)), saves=sum(map(len, saved.values())))
    for cell in sorted(set(saved) | set(stored)):
        confirmed = sorted(saved.get(cell, []))
        versions = [v for v, _value in confirmed]
        db_version, db_value = stored.get(cell, (0, None))
        where = f"report {cell[0]} indicator {cell[1]}"
        if versions != list(range(1, len(versions) + 1)):
            dupes = sorted(v for v, k in Counter(versions).items() if k > 1)
            check.problems.append(f"{where}: confirmed versions not 1..n (duplicates {dupes})")
        if db_version != len(versions):
            check.problems.append(f"{where}: version {db_version}, {len(versions)} confirmed")
        if confirmed and db_value != confirmed[-1][1]:
            check.problems.append(
                f"{where}: holds {db_value}, last confirmed save wrote {confirmed[-1][1]}"
            )
    check.audit_events = AuditEvent.objects.filter(action="reporting.value.set").count()
    broken = verify_chain()
    check.audit_broken = f"event {broken.seq}: {broken.reason}" if broken else None
    if check.audit_events != check.saves:
        check.problems.append(f"{check.audit_events} audit events for {check.saves} saves")
    if check.audit_broken:
        check.problems.append(f"audit chain broken at {check.audit_broken}")
    return check


def report(meta: dict[str, Any], res: dict[str, Any]) -> str:
    def line(label: str, s: dict[str, Any]) -> str:
        return (
            f"{label:<44} {s['n']:>6} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} "
            f"{s['p99_ms']:>8.1f} {s['max_ms']:>8.1f}"
        )

    lat = res["latency"]
    head = f"{'requests (ms)':<44} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}"
    out = [
        f"thidua cell-save load bench: PostgreSQL {meta['server_version']} "
        f"({meta['database']}), gunicorn {meta['gunicorn']} {meta['workers']} workers x "
        f"{meta['threads']} threads (gthread), locust {meta['locust']}"
        + (f"; app from {meta['app_dir']}" if meta["app_dir"] != str(REPO) else "")
        + (f"; DATABASE_URL ?{meta['db_options']}" if meta["db_options"] else ""),
        f"{meta['users']} simulated users for {meta['run_time_s']} s (spawn rate "
        f"{meta['users']}/s): {meta['own_users']} reporters each on their own report + "
        f"{meta['shared_users']} on one shared report ({SHARED_CELLS} cells); wait "
        f"{meta['wait_min_s']:g}-{meta['wait_max_s']:g} s between tasks; form {FORM_CODE} "
        f"({meta['typed_cells']} typed cells), period {meta['period']}",
        f"{meta['cpus']} CPUs, load average {meta['load_average_1min'][0]:.1f} -> "
        f"{meta['load_average_1min'][1]:.1f}; CPU busy during the run "
        f"{meta['cpu_busy_pct']:.0f}%; CPU seconds: gunicorn {meta['gunicorn_cpu_s']:.1f} "
        f"({res['gunicorn_cpu_ms_per_request']:.1f} ms per request), locust "
        f"{meta['locust_cpu_s']:.1f}",
        *(
            [
                "WARNING: the machine was busy before the run (load average above the number "
                "of CPUs): latencies include waiting for a CPU; compare runs on an idle machine"
            ]
            if meta["load_average_1min"][0] > (meta["cpus"] or 1)
            else []
        ),
        head,
        "-" * len(head),
        line("save cell, all (200 + 409)", lat["save_all"]),
        line("  saved (200), own report", lat["save_own"]),
        line("  shared report (200 and 409)", lat["save_shared"]),
        line("GET /accounts/login/ under the same load", lat["baseline_load"]),
        line("save cell, 1 user, idle server (baseline)", lat["save_idle"]),
        line("GET /accounts/login/, 1 user, idle server", lat["baseline_idle"]),
        "",
        f"throughput: {res['requests_per_s']:.1f} requests/s, {res['saves_per_s']:.1f} saves/s "
        f"over {res['window_s']:.1f} s",
        f"saves: {res['saved']} saved, {res['conflicts']} answered 409 (expected: shared "
        f"report), {res['errors']} errors{res['error_summary']}",
        f"no lost write: {res['check']['cells']} cells, {res['check']['saves']} confirmed "
        f"saves, {res['check']['audit_events']} audit events, chain "
        f"{'intact' if not res['check']['audit_broken'] else 'BROKEN'}; "
        f"{len(res['check']['problems'])} mismatches",
        *(f"  {p}" for p in res["check"]["problems"][:20]),
        f"ratios: save p95 / login p95 under load = {res['ratio_vs_baseline']:.1f}; "
        f"save p95 under load / idle = {res['ratio_vs_idle']:.1f}",
        f"locust's own CSV (rounded): save p95 {res['locust']['save_p95_ms']} ms, "
        f"login p95 {res['locust']['baseline_p95_ms']} ms",
        "",
        f"p95 of saves {lat['save_all']['p95_ms']:.1f} ms <= {TARGET_P95_MS:g} ms: "
        f"{'PASS' if res['pass_p95'] else 'FAIL'}",
        f"errors {res['errors']} == 0: {'PASS' if res['errors'] == 0 else 'FAIL'}",
        f"lost writes {len(res['check']['problems'])} == 0: "
        f"{'PASS' if not res['check']['problems'] else 'FAIL'}",
        f"RESULT: {'PASS' if res['pass'] else 'FAIL'}",
    ]
    return "\n".join(out)


def summarise(
    entries: list[dict[str, Any]], idle: list[dict[str, Any]], idle_get: list[float]
) -> dict[str, Any]:
    load = [e for e in entries if e.get("pool") != "solo"]
    saves = [e for e in load if e["kind"] == "save"]
    base = [e for e in load if e["kind"] == "baseline"]
    ms = {
        "save_all": [e["ms"] for e in saves],
        "save_own": [e["ms"] for e in saves if e["pool"] == "own" and e["outcome"] == "saved"],
        "save_shared": [e["ms"] for e in saves if e["pool"] == "shared"],
        "baseline_load": [e["ms"] for e in base],
        "save_idle": [e["ms"] for e in idle],
        "baseline_idle": idle_get,
    }
    errors = [e for e in entries if e["kind"] == "save" and e["outcome"] == "error"]
    errors += [e for e in base if not e["ok"]]
    kinds = Counter(str(e.get("error", f"baseline HTTP {e['status']}"))[:80] for e in errors)
    stamps = [e["at"] for e in load]
    window = (max(stamps) - min(stamps)) if len(stamps) > 1 else float("nan")
    return {
        "latency": {k: latency(v) for k, v in ms.items()},
        "saved": sum(e["outcome"] == "saved" for e in saves),
        "conflicts": sum(e["outcome"] == "conflict" for e in saves),
        "errors": len(errors),
        "error_kinds": dict(kinds.most_common()),
        "error_summary": "".join(f"; {k}: {n}" for k, n in kinds.most_common(5)),
        "window_s": window,
        "requests_per_s": len(load) / window,
        "saves_per_s": len(saves) / window,
    }


# --- main ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--users", type=int, default=OWN_USERS, help="reporters, one unit each")
    parser.add_argument("--shared-users", type=int, default=SHARED_USERS)
    parser.add_argument("--run-time", type=int, default=60, help="seconds of load")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--wait-min", type=float, default=1.0, help="think time, seconds")
    parser.add_argument("--wait-max", type=float, default=2.0, help="think time, seconds")
    parser.add_argument(
        "--db-options",
        default="",
        help="query string added to the server's DATABASE_URL, e.g. conn_max_age=600",
    )
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=REPO,
        help="serve the app from another copy of the source tree (same migrations), to "
        "measure a change side by side; the data is built by this checkout",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args(argv)

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    lock = (BENCH_DIR / "load.lock").open("w")  # held until exit
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit("another bench_load is running: it would drop this run's database")
    os.environ["DJANGO_SETTINGS_MODULE"] = "thidua.settings"
    os.environ["THIDUA_DEBUG"] = "False"
    os.environ["THIDUA_VAR_DIR"] = str(BENCH_DIR / "load-var")
    os.environ["THIDUA_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["THIDUA_ALLOWED_HOSTS"] = "127.0.0.1"
    database, cleanup = _db.fresh_postgres(
        os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT_URL), keep_query=False
    )
    servers: list[Server] = []
    try:
        return measure(args, database, servers)
    finally:
        for server in servers:
            server.stop()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            cleanup()


def measure(args: argparse.Namespace, database: str, servers: list[Server]) -> int:
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    say(f"building {args.users} units, reporters and reports in {database}")
    setup = build(args.users, args.shared_users)
    with connection.cursor() as cur:  # what autovacuum would leave
        cur.execute("VACUUM ANALYZE")
        cur.execute("SHOW server_version")
        server_version = str(cur.fetchone()[0])
    connection.close()

    env = dict(os.environ)
    app_dir = args.app_dir.resolve()
    if app_dir != REPO:  # ahead of the editable install of this checkout
        env["PYTHONPATH"] = os.pathsep.join([str(app_dir), env.get("PYTHONPATH", "")])
    if args.db_options:
        env["DATABASE_URL"] += "?" + args.db_options
    say(f"starting gunicorn: {args.workers} workers x {args.threads} threads")
    # Idle connections outlive the think time, as behind a proxy: otherwise a client reuses
    # a connection just as gunicorn closes it, and a POST fails for no fault of the app.
    keep_alive = int(args.wait_max) + 3
    server = start_gunicorn(env, args.workers, args.threads, app_dir, keep_alive)
    servers.append(server)
    for _ in range(4 * args.workers * args.threads):  # every worker imports, loads templates
        Client(server.port).request("GET", "/accounts/login/")
    say(f"logging {len(setup.accounts)} accounts in through the login form")
    clients: dict[str, Client] = {}
    for account in setup.accounts:
        client = clients[account.username] = Client(server.port)
        client.login(account.username)
        account.sessionid = client.cookies["sessionid"]
        account.csrftoken = client.cookies["csrftoken"]

    say("idle baseline: one user saving, then one anonymous GET /accounts/login/ at a time")
    solo = next(a for a in setup.accounts if a.pool == "solo")
    versions = dict.fromkeys(solo.indicators, 0)
    warm: list[dict[str, Any]] = []  # the first requests of each worker thread
    idle_saves(clients[solo.username], solo, 2 * args.workers * args.threads, versions, warm, 1)
    idle: list[dict[str, Any]] = []
    idle_saves(clients[solo.username], solo, IDLE_SAVES, versions, idle, 2)
    idle_get = [Client(server.port).request("GET", "/accounts/login/")[2] for _ in range(50)]

    plan_path, log_path = BENCH_DIR / "load-plan.json", BENCH_DIR / "load-saves.jsonl"
    log_path.unlink(missing_ok=True)
    users = [a for a in setup.accounts if a.pool in {"own", "shared"}]
    plan = {
        "wait_min": args.wait_min,
        "wait_max": args.wait_max,
        "own": [vars(a) for a in users if a.pool == "own"],
        "shared": [vars(a) for a in users if a.pool == "shared"],
    }
    plan_path.write_text(json.dumps(plan, indent=1), encoding="utf-8")
    say(f"locust: {len(users)} users for {args.run_time} s")
    load_before, cpu_before = os.getloadavg()[0], cpu_times()
    app_cpu_before = process_cpu_s(server.process.pid)
    code, locust_cpu, prefix = run_locust(
        server.port, len(users), args.run_time, plan_path, log_path
    )
    app_cpu = process_cpu_s(server.process.pid) - app_cpu_before
    cpu_after, load_after = cpu_times(), os.getloadavg()[0]
    server.stop()
    plan_path.unlink(missing_ok=True)  # it holds session cookies
    if code != 0:
        say(f"locust exited with {code}; see {BENCH_DIR / 'load-locust.log'}")
    entries = [json.loads(x) for x in log_path.read_text(encoding="utf-8").splitlines() if x]

    say("checking the cells and the audit chain")
    res = summarise(entries, idle, idle_get)
    res["errors"] += sum(e["outcome"] == "error" for e in warm + idle)
    check = check_writes(warm + idle + entries, setup.report_ids)
    lat = res["latency"]
    save_p95 = lat["save_all"]["p95_ms"]
    stats = locust_csv(prefix)
    res |= {
        "check": vars(check),
        "ratio_vs_baseline": save_p95 / lat["baseline_load"]["p95_ms"],
        "ratio_vs_idle": save_p95 / lat["save_idle"]["p95_ms"],
        "locust": {
            "exit_code": code,
            "save_p95_ms": stats.get(SAVE, {}).get("95%", "-"),
            "baseline_p95_ms": stats.get(BASELINE, {}).get("95%", "-"),
            "rows": list(stats.values()),
        },
        "server_tracebacks": server.log.read_text(errors="replace").count("Traceback"),
    }
    if res["server_tracebacks"]:
        res["errors"] += res["server_tracebacks"]
        res["error_summary"] += (
            f"; server tracebacks: {res['server_tracebacks']} (see {server.log})"
        )
    res["gunicorn_cpu_ms_per_request"] = 1000 * app_cpu / max(1, len(entries))
    res["pass_p95"] = save_p95 <= TARGET_P95_MS
    res["pass"] = res["pass_p95"] and res["errors"] == 0 and not check.problems and code == 0
    busy, total = (a - b for a, b in zip(cpu_after, cpu_before, strict=True))
    meta = {
        "database": database,
        "server_version": server_version,
        "gunicorn": package_version("gunicorn"),
        "locust": package_version("locust"),
        "workers": args.workers,
        "threads": args.threads,
        "db_options": args.db_options,
        "app_dir": str(app_dir),
        "users": len(users),
        "own_users": args.users,
        "shared_users": args.shared_users,
        "run_time_s": args.run_time,
        "wait_min_s": args.wait_min,
        "wait_max_s": args.wait_max,
        "typed_cells": setup.indicators_typed,
        "cells_on_form": setup.indicators_on_form,
        "period": setup.period,
        "target_p95_ms": TARGET_P95_MS,
        "cpus": os.cpu_count(),
        "load_average_1min": (load_before, load_after),
        "cpu_busy_pct": 100 * busy / total if total else float("nan"),
        "locust_cpu_s": locust_cpu,
        "gunicorn_cpu_s": app_cpu,
        "gunicorn_keep_alive_s": keep_alive,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    print(report(meta, res))
    out = BENCH_DIR / "load.json"
    out.write_text(json.dumps({**meta, "results": res}, indent=2, ensure_ascii=False) + "\n")
    print(f"results written to {out.relative_to(REPO)}")
    return 0 if res["pass"] else 1


def say(message: str) -> None:
    print(f"bench_load: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
