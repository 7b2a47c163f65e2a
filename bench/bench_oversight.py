"""Check a whole sector's year of oversight records, and re-check one unit after a save.

    python -m bench.bench_oversight              # SQLite file var/bench/oversight.sqlite3
    python -m bench.bench_oversight --postgres   # PostgreSQL database thidua_bench_oversight
    python -m bench.bench_oversight --scale 0.1  # a tenth of the volume (quick look)

Generates, in a fresh database, 1,100 units (bulk rows: the checks read only the unit and its
level) and one year of records at the volume of issue 13: 200,000 travel claims and 50,000
procurement packages (times --scale), about 1 % of them irregular. Then times
`thidua.oversight.actions.recheck_year(year)` (every rule over every record, the findings
written) against a baseline measured in the same run that reads the same rows and columns
with Django's plain `values_list` (without checking anything; `records_of(year)`, the rules'
own read, is timed beside it); the year again after a norm is edited (the allowance rate
raised by 1 đ: every allowance finding's figures change, diffed against the stored
findings); and the save of one travel claim and of one conference of one unit
(`save_record` / `save_asset_record`: validation, audit event, re-check of the unit and of
the peers from the per-unit totals).
Targets (issue 13): the year ≤ 10 s, also after the norm edit; each save ≤ 200 ms. The volume
also holds 20,000 conferences and the fleets of the 1,100 units (3 cars each; units have
staff counts), about 1 % irregular (`build_assets`). Exit status 0 only when every target is
met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import django

from bench import _db
from bench._db import Fresh
from bench.bench_tree import _server_version

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"
PG_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thidua_bench_oversight"
YEAR = 2026
UNITS = 1_100
TRAVEL = 200_000
PACKAGES = 50_000
CONFERENCES = 20_000
CARS_PER_UNIT = 3
YEAR_TARGET_S = 10.0
SAVE_TARGET_S = 0.2
SEED = 2026


def say(message: str) -> None:
    print(f"bench_oversight: {message}", file=sys.stderr, flush=True)


def configure_database(postgres: bool) -> Fresh:
    return _db.configure_database(
        postgres,
        sqlite_name="oversight.sqlite3",
        url_variable="BENCH_OVERSIGHT_DATABASE_URL",
        pg_url=PG_DEFAULT_URL,
    )


def build(scale: float, rng: random.Random) -> list[int]:
    """Units and one year of records; returns the unit ids."""
    from thidua.org.models import OrgLevel, OrgUnit
    from thidua.oversight.models import ProcurementPackage, TravelClaim

    levels = [OrgLevel.objects.create(code=f"l{i}", name=f"Cấp {i}", rank=i) for i in (1, 2)]
    start = dt.date(2015, 1, 1)
    OrgUnit.objects.bulk_create(
        OrgUnit(
            code=f"U{i:04d}",
            name=f"Đơn vị {i}",
            level=levels[0 if i < 100 else 1],
            valid_from=start,
            search_key=f"don vi {i}",
        )
        for i in range(UNITS)
    )
    ids = list(OrgUnit.objects.values_list("pk", flat=True))
    travel = []
    for n in range(int(TRAVEL * scale)):
        first = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(340))
        days = rng.randint(1, 4)
        per_day = 450_000 if rng.random() < 0.01 else 300_000
        travel.append(
            TravelClaim(
                unit_id=ids[n % UNITS],
                year=YEAR,
                person=f"Cán bộ {n % 9000}",
                start=first,
                end=first + dt.timedelta(days=days - 1),
                destination="town",
                allowance_paid=Decimal(per_day * days),
                lodging_mode="invoice",
                lodging_paid=Decimal(500_000 * (days - 1)),
                transport_paid=Decimal(500_000),
            )
        )
    TravelClaim.objects.bulk_create(travel, batch_size=5000)
    packages = []
    for n in range(int(PACKAGES * scale)):
        award = dt.date(YEAR, 1, 1) + dt.timedelta(days=40 + rng.randrange(300))
        estimate = Decimal(rng.randint(4, 40) * 50_000_000)
        single = rng.random() < 0.01
        packages.append(
            ProcurementPackage(
                unit_id=ids[n % UNITS],
                year=YEAR,
                item="Hàng hóa",
                category="goods",
                method="open",
                estimate=estimate,
                award_price=(estimate * Decimal("0.9")).quantize(Decimal(1)),
                bidders=1 if single else 3,
                supplier_tax_code=f"{n:010d}",
                notice_date=award - dt.timedelta(days=40),
                bid_closing=award - dt.timedelta(days=20),
                award_date=award,
            )
        )
    ProcurementPackage.objects.bulk_create(packages, batch_size=5000)
    build_assets(ids, scale, rng)
    return ids


def build_assets(ids: list[int], scale: float, rng: random.Random) -> None:
    """Conferences (times `scale`) and every unit's fleet; staff counts on the units."""
    from thidua.org.models import OrgUnit
    from thidua.oversight.models_assets import Conference, Vehicle

    OrgUnit.objects.filter(pk__in=ids).update(staff_count=150)  # 3 general-service cars
    conferences = []
    for n in range(int(CONFERENCES * scale)):
        on, off, days = rng.randint(20, 80), rng.randint(0, 15), rng.randint(1, 2)
        meal = 200_000 if rng.random() < 0.01 else 150_000
        conferences.append(
            Conference(
                unit_id=ids[n % UNITS],
                year=YEAR,
                title="Hội nghị",
                start=dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(340)),
                days=days,
                level="province",
                on_payroll=on,
                off_payroll=off,
                meals_paid=Decimal(meal * off * days),
                refreshments_paid=Decimal(80_000 * (on + off) * days),
                venue_paid=Decimal(rng.randint(3, 8) * 1_000_000),
            )
        )
    Conference.objects.bulk_create(conferences, batch_size=5000)
    cars = []
    for n, unit_id in enumerate(ids):
        for c in range(CARS_PER_UNIT + (1 if n % 100 == 0 else 0)):
            cars.append(
                Vehicle(
                    unit_id=unit_id,
                    year=YEAR,
                    plate=f"{n:04d}-{c}",
                    seats=7,
                    kind="general",
                    purchase_date=dt.date(2020 + c, 3, 1),
                    price=Decimal(850_000_000),
                    odometer=40_000 * (c + 1),
                )
            )
    Vehicle.objects.bulk_create(cars, batch_size=5000)


def baseline_read() -> None:
    """Django's plain read of the rows and columns the rules use (values_list): the yardstick
    for the ratios, the same whatever `records_of` does."""
    from thidua.oversight.actions import PACKAGE_COLUMNS, TRAVEL_COLUMNS
    from thidua.oversight.actions_assets import CAR_COLUMNS, CONF_COLUMNS
    from thidua.oversight.models import ProcurementPackage, TravelClaim
    from thidua.oversight.models_assets import Conference, Vehicle

    for model, columns in (
        (TravelClaim, TRAVEL_COLUMNS),
        (ProcurementPackage, PACKAGE_COLUMNS),
        (Conference, CONF_COLUMNS),
        (Vehicle, CAR_COLUMNS),
    ):
        list(model.objects.filter(year=YEAR).values_list(*columns))


def measure(unit_ids: list[int]) -> dict[str, object]:
    from thidua.oversight.actions import recheck_year, records_of, save_record
    from thidua.oversight.actions_assets import save_asset_record
    from thidua.oversight.models import Finding, Norm, TravelClaim
    from thidua.oversight.models_assets import Conference

    started = time.perf_counter()
    baseline_read()
    baseline_s = time.perf_counter() - started
    started = time.perf_counter()
    records = records_of(YEAR)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    recheck_year(YEAR)
    year_s = time.perf_counter() - started
    findings = Finding.objects.count()
    # A norm edited: the allowance rate in force raised by 1 đ, so that every allowance
    # finding's figures change and the year is diffed against the stored findings.
    rate = Norm.objects.filter(kind="travel.allowance").order_by("-valid_from").first()
    assert rate is not None
    Norm.objects.filter(pk=rate.pk).update(value=rate.value + 1)
    started = time.perf_counter()
    recheck_year(YEAR)
    again_s = time.perf_counter() - started
    claim = TravelClaim(
        unit_id=unit_ids[500],
        year=YEAR,
        person="Cán bộ mới",
        start=dt.date(YEAR, 6, 1),
        end=dt.date(YEAR, 6, 3),
        destination="town",
        allowance_paid=Decimal(900_000),
    )
    started = time.perf_counter()
    save_record(claim, by=None)
    save_s = time.perf_counter() - started
    meeting = Conference(
        unit_id=unit_ids[501],
        year=YEAR,
        title="Hội nghị mới",
        start=dt.date(YEAR, 6, 2),
        days=1,
        level="province",
        on_payroll=40,
        off_payroll=5,
        meals_paid=Decimal(750_000),
        refreshments_paid=Decimal(3_600_000),
    )
    started = time.perf_counter()
    save_asset_record(meeting, by=None)
    save_conference_s = time.perf_counter() - started
    return {
        "travel": len(records.travel),
        "packages": len(records.packages),
        "conferences": len(records.conferences),
        "vehicles": len(records.vehicles),
        "findings": findings,
        "baseline_s": baseline_s,
        "read_s": read_s,
        "year_s": year_s,
        "ratio": year_s / baseline_s if baseline_s else None,
        "norm_edit_s": again_s,
        "save_s": save_s,
        "save_conference_s": save_conference_s,
        "pass": year_s <= YEAR_TARGET_S
        and again_s <= YEAR_TARGET_S
        and max(save_s, save_conference_s) <= SAVE_TARGET_S,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_oversight",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--postgres", action="store_true", help=f"default {PG_DEFAULT_URL}")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the volume")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args(argv)
    database, cleanup = configure_database(args.postgres)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    say(f"building {args.scale:g} × the volume in {database}")
    started = time.perf_counter()
    ids = build(args.scale, random.Random(SEED))
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    say(f"built in {time.perf_counter() - started:.0f} s; measuring")
    load_before = os.getloadavg()[0]
    result = measure(ids)
    meta = {
        "vendor": connection.vendor,
        "server_version": _server_version(),
        "database": database,
        "scale": args.scale,
        "load_average_1min": (load_before, os.getloadavg()[0]),
        "cpus": os.cpu_count(),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    verdict = "PASS" if result["pass"] else "FAIL"
    save_ms = float(str(result["save_s"])) * 1000
    conference_ms = float(str(result["save_conference_s"])) * 1000
    print(
        f"oversight ({meta['vendor']}, scale {args.scale:g}): {result['travel']} travel claims,"
        f" {result['packages']} packages, {result['conferences']} conferences,"
        f" {result['vehicles']} cars → {result['findings']} findings; whole year"
        f" {result['year_s']:.2f} s (target ≤ {YEAR_TARGET_S:g} s), baseline read"
        f" {result['baseline_s']:.2f} s, ratio {result['ratio']:.1f} (records read"
        f" {result['read_s']:.2f} s); after a norm edit {result['norm_edit_s']:.2f} s;"
        f" one save {save_ms:.0f} ms (travel), {conference_ms:.0f} ms (conference)"
        f" (target ≤ {SAVE_TARGET_S * 1000:g} ms): {verdict}"
    )
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    out = BENCH_DIR / f"oversight-{connection.vendor}.json"
    out.write_text(json.dumps({**meta, **result}, indent=2, default=str) + "\n")
    connection.close()
    if not args.keep:
        cleanup()
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
