from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thidua.council.holidays import OFFICIAL, load_holidays


class Command(BaseCommand):
    help = "Load the official public holidays, days off and worked Saturdays (2022–2030)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=OFFICIAL)

    def handle(self, *args: Any, **options: Any) -> None:
        count = load_holidays(options["file"])
        self.stdout.write(f"{count} ngày nghỉ, ngày làm bù đã nạp từ {options['file'].name}")
