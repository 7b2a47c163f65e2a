from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.lib.dates import InvalidDate, parse_vn_date
from thidua.lib.numbers import format_vn_number
from thidua.reporting import rollups


class Command(BaseCommand):
    help = (
        "Recompute the roll-ups from the approved reports: all periods, the periods ending on "
        "or after --from (dd/mm/yyyy), or only what reorganisations recorded since the last "
        "build changed (--pending)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--from", dest="day", help="first day, dd/mm/yyyy")
        group.add_argument("--pending", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["pending"]:
            written = rollups.ensure_current()
        elif options["day"]:
            try:
                day = parse_vn_date(options["day"])
            except InvalidDate as exc:
                raise CommandError(f"Ngày không hợp lệ / invalid date: {options['day']}") from exc
            written = rollups.rebuild_from(day)
        else:
            written = rollups.rebuild()
        self.stdout.write(
            f"Đã ghi {format_vn_number(written)} dòng tổng hợp trong "
            f"{time.perf_counter() - started:.1f} giây."
        )
