from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.dashboards.reminders import run_reminders
from thidua.lib.dates import InvalidDate, parse_vn_date, today


class Command(BaseCommand):
    help = "Send the deadline reminders due today (or on --day dd/mm/yyyy); never twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = parse_vn_date(options["day"]) if options["day"] else today()
        except InvalidDate as exc:
            raise CommandError(
                f"Ngày không hợp lệ: {options['day']} (viết dd/mm/yyyy). / Not a date."
            ) from exc
        told = run_reminders(day)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(told.items())) or "0")
