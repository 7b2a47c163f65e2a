"""Benchmark of the Excel import (thidua/reporting/importing.py) on a zip of 400 filled templates.

    python -m bench.bench_excel              # SQLite file var/bench/excel.sqlite3
    python -m bench.bench_excel --postgres   # database thidua_bench_excel on 127.0.0.1:5432

Builds 100 units × 4 quarters of the real quarterly form (thtk-quy, 24 rows) in a database of
its own, writes each report's template filled with figures and notes, zips the 400 files, then
times (a) merely opening and reading every file of the zip with openpyxl in read-only mode and
(b) our whole import of the zip: checks, reading, scope, writing and auditing, one transaction
per report. Prints the ratio (a)/(b); the target is ≥ 0.7. See bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import django

from bench import _db
from bench._db import Fresh

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"
PG_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thidua_bench_excel"
UNITS = 100
QUARTERS = 4
TARGET = 0.7
RUNS = 3
SEED = 20251001


def configure_database(postgres: bool) -> Fresh:
    """Point DATABASE_URL at a fresh bench database (never the dev one): label and cleanup."""
    return _db.configure_database(
        postgres,
        sqlite_name="excel.sqlite3",
        url_variable="BENCH_DATABASE_URL",
        pg_url=PG_DEFAULT_URL,
    )


def build_reports() -> tuple[Any, list[Any]]:
    """100 regional units with a reporter on each, and their reports for 2025 Q1–Q4."""
    import datetime as dt

    from thidua.accounts.models import Role, RoleAssignment, User
    from thidua.lib.packs import pack_file
    from thidua.org import actions as org
    from thidua.org.actions import NewUnit
    from thidua.org.models import OrgLevel
    from thidua.reporting import actions
    from thidua.reporting.catalogue import ensure_periods, load_catalogue, load_forms
    from thidua.reporting.models import Period, ReportForm

    start = dt.date(2020, 1, 1)
    top = OrgLevel.objects.create(code="toi-cao", name="Tối cao", rank=0)
    regional = OrgLevel.objects.create(code="khu-vuc", name="Khu vực", rank=1)
    load_catalogue()
    ensure_periods(2025, 2025)
    load_forms(pack_file("forms.json"))
    form = ReportForm.objects.get(code="thtk-quy")
    root = org.create_unit(NewUnit("ROOT", "Viện kiểm sát nhân dân tối cao", top, None), day=start)
    user = User.objects.create_user("bench-reporter", password="bench-password-123")
    units = []
    for n in range(UNITS):
        unit = org.create_unit(
            NewUnit(f"KV-{n:03d}", f"Viện kiểm sát khu vực {n + 1}", regional, root), day=start
        )
        RoleAssignment.objects.create(user=user, role=Role.REPORTER, unit=unit, valid_from=start)
        units.append(unit)
    quarters = list(Period.objects.filter(year=2025, kind="quarter").order_by("number"))
    reports = [
        actions.open_report(unit, form, period, by=user)
        for unit in units
        for period in quarters[:QUARTERS]
    ]
    return user, reports


def filled_zip(reports: list[Any]) -> tuple[bytes, int]:
    """Every report's template filled with figures and a few notes, in one zip. The figures are
    stored, the templates written (they come prefilled), then the figures removed again, so
    that the import writes them all."""
    from django.db import transaction

    from thidua.reporting.excel import build_template, template_filename
    from thidua.reporting.importing import form_indicators
    from thidua.reporting.models import DataValue

    rng = random.Random(SEED)
    indicators = [i for i in form_indicators(reports[0]).values() if not i.is_derived]
    buffer = io.BytesIO()
    figures = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for report in reports:
            with transaction.atomic():
                cells = [
                    DataValue(
                        report=report,
                        indicator_id=ind.pk,
                        value=Decimal(rng.randrange(0, 10**9)) / 10,
                        comment="Đã rà soát" if rng.random() < 0.1 else "",
                    )
                    for ind in indicators
                ]
                DataValue.objects.bulk_create(cells)
                content = build_template(report)
                DataValue.objects.filter(report=report).delete()
            archive.writestr(f"{template_filename(report)}.xlsx", content)
            figures += len(cells)
    return buffer.getvalue(), figures


def read_with_openpyxl(data: bytes) -> int:
    """The baseline: open every file of the zip with openpyxl (read-only) and read every cell."""
    import openpyxl

    cells = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            book = openpyxl.load_workbook(
                io.BytesIO(archive.read(info)), read_only=True, data_only=True
            )
            for ws in book.worksheets:
                for row in ws.iter_rows(values_only=True):
                    cells += len(row)
            book.close()
    return cells


def reset(reports: list[Any]) -> None:
    """Back to empty reports, so that every timed import writes every figure."""
    from thidua.audit.models import AuditEvent, AuditHead
    from thidua.reporting.models import DataValue

    DataValue.objects.filter(report__in=reports).delete()
    AuditEvent.objects.filter(action="reporting.value.set").delete()
    AuditHead.objects.all().delete()


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    label, cleanup = configure_database(args.postgres)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from thidua.reporting.models import DataValue
    from thidua.reporting.uploads import import_upload

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({label})")
    setup_s, (user, reports) = timed(build_reports)
    zip_s, (data, figures) = timed(lambda: filled_zip(reports))
    print(
        f"{len(reports)} reports in {setup_s:.1f} s; zip of {len(reports)} templates "
        f"({len(data) / 1e6:.1f} MB, {figures} figures) in {zip_s:.1f} s"
    )
    baseline, ours = [], []
    for _run in range(RUNS):
        baseline.append(timed(lambda: read_with_openpyxl(data))[0])
        reset(reports)
        seconds, results = timed(lambda: import_upload("bench.zip", data, by=user))
        ours.append(seconds)
        bad = [r for r in results if not r.ok]
        stored = DataValue.objects.filter(report__in=reports).count()
        if bad or stored != figures:
            print(f"import failed: {len(bad)} files refused ({bad[:1]}), {stored}/{figures} stored")
            return 1
    again_s, again = timed(lambda: import_upload("bench.zip", data, by=user))
    changed_again = sum(r.changed for r in again)
    base, mine = statistics.median(baseline), statistics.median(ours)
    ratio = base / mine
    rows = [
        ("openpyxl read-only, open + read all cells", base),
        ("thidua import (check, read, scope, write, audit)", mine),
        ("thidua import again (nothing changes)", again_s),
    ]
    print(f"\n{'median of ' + str(RUNS) + ' runs, 400 files':<52}{'seconds':>9}{'ms/file':>9}")
    for name, seconds in rows:
        print(f"{name:<52}{seconds:>9.2f}{seconds * 1000 / len(reports):>9.1f}")
    verdict = "meets" if ratio >= TARGET else "MISSES"
    print(
        f"\nratio openpyxl / import = {ratio:.2f} ({verdict} the target ≥ {TARGET}); "
        f"second import changed {changed_again} figures"
    )
    out = BENCH_DIR / f"excel-{connection.vendor}.json"
    out.write_text(
        json.dumps(
            {
                "database": connection.vendor,
                "files": len(reports),
                "figures": figures,
                "openpyxl_s": baseline,
                "import_s": ours,
                "again_s": again_s,
                "ratio": ratio,
                "target": TARGET,
                "changed_again": changed_again,
            },
            indent=2,
        )
    )
    connection.close()
    if not args.keep:
        cleanup()
    return 0 if ratio >= TARGET and changed_again == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
