from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thidua.awards.catalogue import CATALOGUE, load_catalogue


class Command(BaseCommand):
    help = "Load the titles, award forms, their dated rules and the base salary (titles.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=CATALOGUE)

    def handle(self, *args: Any, **options: Any) -> None:
        count = load_catalogue(options["file"])
        self.stdout.write(f"{count} rules loaded from {options['file']}")
