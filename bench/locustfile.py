"""Locust users for bench/bench_load.py: reporters autosaving cells of their report.

Not meant to be run alone: bench_load builds the database, starts gunicorn, logs every
account in and writes the plan that this file reads (BENCH_LOAD_PLAN), then runs

    locust -f bench/locustfile.py --headless --users N --spawn-rate N --run-time 60s ...

Each simulated user takes one account of the plan, with its session cookie and CSRF token:

* `OwnReporter` (one per unit): saves cells of its own report, each time with the version the
  previous save returned (`name="version" value="N"` in the row fragment). A 409 here is an
  error: nobody else writes that report. One task in five is instead the baseline request, an
  anonymous GET /accounts/login/.
* `SharedReporter` (a few, all on one shared report): save the same two cells concurrently; a
  409 is an expected outcome whose fragment carries the newer version, used for the next save.

Every outcome goes, one JSON line each, to BENCH_LOAD_LOG: bench_load computes the latencies
from it and checks the database against the saves it confirms.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from decimal import Decimal
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

VERSION = re.compile(r'name="version" value="(\d+)"')
ERROR_MARK = 'data-testid="cell-error"'
SAVE = "save cell"
BASELINE = "GET /accounts/login/ (baseline)"


def _plan() -> dict[str, Any]:
    path = os.environ.get("BENCH_LOAD_PLAN", "")
    if not path:
        raise SystemExit("bench/locustfile.py is run by `python -m bench.bench_load`")
    plan: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return plan


PLAN = _plan()
_LOG = Path(os.environ["BENCH_LOAD_LOG"]).open("a", encoding="utf-8", buffering=1)  # noqa: SIM115
_accounts: dict[str, list[dict[str, Any]]] = {
    "own": list(PLAN["own"]),
    "shared": list(PLAN["shared"]),
}


def log(entry: dict[str, Any]) -> None:
    _LOG.write(json.dumps(entry, ensure_ascii=False) + "\n")


def vn_text(tenths: int) -> str:
    """12345678 -> '1.234.567,8': a figure as a vi-VN user types it."""
    whole, frac = divmod(tenths, 10)
    return f"{whole:,}".replace(",", ".") + f",{frac}"


class Reporter(FastHttpUser):
    abstract = True
    wait_time = between(PLAN["wait_min"], PLAN["wait_max"])
    network_timeout = 60.0
    connection_timeout = 10.0
    pool: str = "own"

    def on_start(self) -> None:
        account = _accounts[self.pool].pop(0)
        self.username: str = account["username"]
        self.report: int = account["report"]
        self.indicators: list[int] = account["indicators"]
        self.versions: dict[int, int] = dict.fromkeys(self.indicators, 0)
        self.rng = random.Random(account["seed"])
        self.auth = {
            "Cookie": f"sessionid={account['sessionid']}; csrftoken={account['csrftoken']}",
            "X-CSRFToken": account["csrftoken"],
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        # Cookies travel in the header above only: the anonymous baseline must stay anonymous.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(allowed_domains=[]))

    def save_cell(self) -> None:
        indicator = self.rng.choice(self.indicators)
        sent = self.versions[indicator]
        tenths = self.rng.randrange(10_000, 10_000_000_000)
        text = vn_text(tenths)
        body = urlencode({"value": text, "version": sent, "comment": ""})
        entry: dict[str, Any] = {
            "kind": "save",
            "pool": self.pool,
            "user": self.username,
            "report": self.report,
            "indicator": indicator,
            "text": text,
            "value": str(Decimal(tenths) / 10),
            "sent_version": sent,
        }
        url = f"/reports/{self.report}/cells/{indicator}/"
        start = time.perf_counter()
        with self.client.post(
            url, data=body, headers=self.auth, name=SAVE, catch_response=True
        ) as response:
            entry["ms"] = (time.perf_counter() - start) * 1000
            entry["at"] = time.time()
            status = response.status_code or 0
            page = (response.text or "") if status else ""
            match = VERSION.search(page)
            got = int(match.group(1)) if match else None
            entry.update(status=status, version=got)
            if status == 200 and got == sent + 1 and ERROR_MARK not in page:
                entry["outcome"] = "saved"
                self.versions[indicator] = got
                response.success()
            elif status == 409 and self.pool == "shared" and got is not None and got > sent:
                entry["outcome"] = "conflict"
                self.versions[indicator] = got
                response.success()
            else:
                entry["outcome"] = "error"
                entry["error"] = _describe(status, response.error, got, sent, page)
                response.failure(entry["error"])
        log(entry)


def _describe(status: int, error: Any, got: int | None, sent: int, page: str) -> str:
    if not status:
        return f"connection: {error!r}"[:300]
    if status == 409:
        return "409 on a report nobody else writes"
    if status == 200 and ERROR_MARK in page:
        return "refused: " + page.split(ERROR_MARK, 1)[1][1:200]
    if status == 200:
        return f"200 but version {got}, expected {sent + 1}"
    return f"HTTP {status}"


class OwnReporter(Reporter):
    """One per unit, on the unit's own report."""

    fixed_count = len(PLAN["own"])
    pool = "own"

    @task(4)
    def save(self) -> None:
        self.save_cell()

    @task(1)
    def baseline(self) -> None:
        start = time.perf_counter()
        with self.client.get(
            "/accounts/login/", name=BASELINE, catch_response=True, allow_redirects=False
        ) as response:
            ms = (time.perf_counter() - start) * 1000
            status = response.status_code or 0
            ok = status == 200
            if ok:
                response.success()
            else:
                response.failure(f"HTTP {status}" if status else f"connection: {response.error!r}")
        log({"kind": "baseline", "status": status, "ms": ms, "at": time.time(), "ok": ok})


class SharedReporter(Reporter):
    """A few users on one shared report, saving the same cells: 409s are expected."""

    fixed_count = len(PLAN["shared"])
    pool = "shared"

    @task
    def save(self) -> None:
        self.save_cell()
