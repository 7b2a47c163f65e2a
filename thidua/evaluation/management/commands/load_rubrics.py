from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thidua.evaluation.catalogue import RUBRICS, load_rubrics


class Command(BaseCommand):
    help = "Load the THTK-CLP evaluation rubrics (Circular 129/2017) from their JSON fixture."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=RUBRICS)

    def handle(self, *args: Any, **options: Any) -> None:
        count = load_rubrics(options["path"])
        self.stdout.write(f"{count} rubrics loaded from {options['path']}")
