"""The bench databases: a fresh SQLite file under var/bench/ or a fresh PostgreSQL database
whose name must contain "bench" (never the dev database). Each helper points DATABASE_URL at
it and returns a label for the report and a cleanup that deletes it."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"

Fresh = tuple[str, Callable[[], None]]


def configure_database(
    postgres: bool, *, sqlite_name: str, url_variable: str, pg_url: str
) -> Fresh:
    """Django settings for a bench run (no query log) and a fresh database: PostgreSQL when
    asked or when `url_variable` holds a URL, otherwise `var/bench/<sqlite_name>`."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "thidua.settings"
    os.environ["THIDUA_DEBUG"] = "False"  # no query log in connection.queries
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    url = os.environ.get(url_variable, "")
    if postgres or url:
        return fresh_postgres(url or pg_url)
    return fresh_sqlite(sqlite_name)


def fresh_sqlite(name: str) -> Fresh:
    """Delete `var/bench/<name>` (and its WAL files); point DATABASE_URL at it."""
    path = BENCH_DIR / name
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    for f in files:
        f.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"

    def cleanup() -> None:
        for f in files:
            f.unlink(missing_ok=True)

    return str(path.relative_to(REPO)), cleanup


def fresh_postgres(url: str, *, keep_query: bool = True) -> Fresh:
    """Drop and create the bench database; point DATABASE_URL at it (with the URL's query
    options unless `keep_query` is False)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "thidua_bench"
    if "bench" not in name:
        sys.exit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    server = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)

    def run(statement: sql.Composed) -> None:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(statement)

    run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    run(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = parts._replace(
        path=f"/{name}", query=parts.query if keep_query else ""
    ).geturl()

    def cleanup() -> None:
        run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    return f"{parts.hostname}:{parts.port or 5432}/{name}", cleanup
