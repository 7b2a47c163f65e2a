"""No 500 under concurrent writes, on either database (issue 8, point 5): writers wait for one
another (SQLite: BEGIN IMMEDIATE and a busy timeout; PostgreSQL: row and advisory locks), and
no single request holds the write lock for long (lists are bounded)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from thidua.tests import concurrent_writers

EXPECTED = {
    "save 200": 2 * concurrent_writers.ROUNDS,
    "oversized 422": 1,
    "login 302": 2 * concurrent_writers.ROUNDS,
    "read 200": concurrent_writers.ROUNDS,
}


def test_it_serves_concurrent_writers_on_a_sqlite_file(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("runs in the SQLite leg of the suite")
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'writers.sqlite3'}",
        "THIDUA_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "thidua.settings",
    }
    run = subprocess.run(
        [sys.executable, "-m", "thidua.tests.concurrent_writers"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )

    assert json.loads(run.stdout) == {"statuses": EXPECTED, "errors": [], "broken": None}


@pytest.mark.django_db(transaction=True)
def test_it_serves_concurrent_writers_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite: see test_it_serves_concurrent_writers_on_a_sqlite_file")

    result = concurrent_writers.run(concurrent_writers.prepare())

    assert result == {"statuses": EXPECTED, "errors": [], "broken": None}
