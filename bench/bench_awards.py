"""Recompute every eligibility and every score of the demo sector for 2022–2025.

    python -m bench.bench_awards              # SQLite file var/bench/awards.sqlite3
    python -m bench.bench_awards --postgres   # PostgreSQL database thidua_bench_awards

Builds the demo sector (`thidua.demo.build.build_demo`: ~16,000 people, ~800 units, the reports,
the evaluation, the awards history and facts) in a fresh database, then times, for each of the
four years, `thidua.evaluation.actions.recompute_scores(year)` and
`thidua.awards.actions.recompute_eligibility(year)` (each commits its own transaction). The
target (issue 4) is ≤ 10 s in all on SQLite. The baseline, measured in the same run, reads the
same input rows without computing anything: staff at the year's end, people, ratings,
absences, discipline, open cases, award history, initiatives and their authors, and the
assessments, scores and targets of the year. Exit status 0 only when the target is met.
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
from pathlib import Path
from typing import Any

import django

from bench import _db
from bench._db import Fresh
from bench.bench_tree import _server_version

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"
PG_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thidua_bench_awards"
YEARS = (2022, 2023, 2024, 2025)
TARGET_S = 10.0
SEED = 2023


def say(message: str) -> None:
    print(f"bench_awards: {message}", file=sys.stderr, flush=True)


def configure_database(postgres: bool) -> Fresh:
    """Point DATABASE_URL at a fresh bench database (never the dev one): label and cleanup."""
    return _db.configure_database(
        postgres,
        sqlite_name="awards.sqlite3",
        url_variable="BENCH_AWARDS_DATABASE_URL",
        pg_url=PG_DEFAULT_URL,
    )


def read_inputs(year: int) -> int:
    """The baseline: fetch the rows both recomputations read, and nothing else."""
    from django.db.models import Q

    from thidua.awards import models as awards
    from thidua.evaluation.models import Assessment, Score, Target
    from thidua.org.models import OrgUnitVersion, Person, Position

    end = dt.date(year, 12, 31)
    queries: list[Any] = [
        Position.objects.filter(valid_from__lte=end, valid_to__gt=end).values_list(
            "person_id", "unit_id"
        ),
        Person.objects.values_list("id", "joined_on"),
        awards.PerformanceRating.objects.filter(year__gte=year - 2, year__lte=year).values_list(
            "person_id", "year", "level"
        ),
        awards.Absence.objects.filter(year=year).values_list("person_id", "months", "reason"),
        awards.Discipline.objects.filter(decided_on__lte=end).values_list(
            "person_id", "level", "decided_on", "served_until", "used_to_refuse_year"
        ),
        awards.OpenCase.objects.values_list("person_id", "unit_id", "opened_on", "closed_on"),
        awards.AwardRecord.objects.filter(revoked_on__isnull=True, year__lte=year)
        .filter(Q(year__gte=year - 2) | Q(title__code="KNC_VSNKS"))
        .values_list("person_id", "unit_id", "year", "title__code"),
        awards.Initiative.objects.filter(recognised_on__lte=end).values_list(
            "id", "level", "recognised_on", "used_for__title__code", "used_for__year"
        ),
        awards.Initiative.authors.through.objects.values_list("initiative_id", "person_id"),
        OrgUnitVersion.objects.at(end).values_list("unit_id", "parent_id"),
        Assessment.objects.filter(year=year).values_list("id", "unit_id", "total"),
        Score.objects.filter(assessment__year=year).values_list(
            "id", "assessment_id", "computed_points", "value"
        ),
        Target.objects.filter(programme__year=year).values_list("id", "status"),
    ]
    return sum(len(list(q)) for q in queries)


def measure() -> dict[str, Any]:
    from thidua.awards.actions import recompute_eligibility
    from thidua.evaluation.actions import recompute_scores

    out: dict[str, Any] = {"years": {}}
    t0 = time.perf_counter()
    rows = sum(read_inputs(y) for y in YEARS)
    out["baseline_s"] = time.perf_counter() - t0
    out["baseline_rows"] = rows
    total_scores = total_elig = 0.0
    for year in YEARS:
        t = time.perf_counter()
        scores = recompute_scores(year)
        t_scores = time.perf_counter() - t
        t = time.perf_counter()
        answers = recompute_eligibility(year)
        t_elig = time.perf_counter() - t
        total_scores += t_scores
        total_elig += t_elig
        out["years"][year] = {
            "scores_changed": scores,
            "scores_s": t_scores,
            "eligibility_rows": answers,
            "eligibility_s": t_elig,
        }
        say(
            f"{year}: scores {t_scores:.2f} s ({scores} changed), eligibility {t_elig:.2f} s "
            f"({answers:,} answers)"
        )
    out["scores_s"] = total_scores
    out["eligibility_s"] = total_elig
    out["total_s"] = total_scores + total_elig
    out["ratio"] = out["total_s"] / out["baseline_s"] if out["baseline_s"] else None
    out["pass"] = out["total_s"] <= TARGET_S
    return out


def report(meta: dict[str, Any], r: dict[str, Any]) -> str:
    lines = [
        f"bench_awards on {meta['vendor']} {meta['server_version']} ({meta['database']}), "
        f"{meta['counts']['people']:,} people, {meta['counts']['units']:,} units, "
        f"years {YEARS[0]}–{YEARS[-1]}; demo built in {meta['build_s']:.0f} s",
        f"{'year':<6} {'scores s':>9} {'eligibility s':>14} {'answers':>9}",
    ]
    for year, y in r["years"].items():
        lines.append(
            f"{year:<6} {y['scores_s']:>9.2f} {y['eligibility_s']:>14.2f} "
            f"{y['eligibility_rows']:>9,}"
        )
    lines.append(f"{'total':<6} {r['scores_s']:>9.2f} {r['eligibility_s']:>14.2f}")
    lines.append(
        f"baseline (reading the same {r['baseline_rows']:,} input rows): {r['baseline_s']:.2f} s; "
        f"recompute {r['total_s']:.2f} s = {r['ratio']:.1f} × baseline; "
        f"target ≤ {TARGET_S:g} s: {'PASS' if r['pass'] else 'FAIL'}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_awards",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help=f"use PostgreSQL (BENCH_AWARDS_DATABASE_URL, default {PG_DEFAULT_URL})",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args(argv)
    database, cleanup = configure_database(args.postgres)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from thidua.demo.build import build_demo
    from thidua.org.models import OrgUnit, Person

    call_command("migrate", verbosity=0)
    say(f"building the demo sector in {database}")
    started = time.perf_counter()
    build_demo(seed=SEED)
    build_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    say(f"built in {build_s:.0f} s; measuring")
    load_before = os.getloadavg()[0]
    random.seed(SEED)
    result = measure()
    meta = {
        "vendor": connection.vendor,
        "server_version": _server_version(),
        "database": database,
        "build_s": build_s,
        "counts": {"people": Person.objects.count(), "units": OrgUnit.objects.count()},
        "load_average_1min": (load_before, os.getloadavg()[0]),
        "cpus": os.cpu_count(),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    print(report(meta, result))
    out = BENCH_DIR / f"awards-{connection.vendor}.json"
    out.write_text(json.dumps({**meta, **result}, indent=2, default=str) + "\n")
    print(f"results written to {out.relative_to(REPO)}")
    connection.close()
    if not args.keep:
        cleanup()
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
