from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.packs.loader import PackError
from thidua.packs.setup import install_pack


class Command(BaseCommand):
    help = (
        "Load (or reload) a sector pack: levels, indicator catalogue, forms, deadline and "
        "validation rules, rubrics, titles and their rules, movements (docs/packs.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the pack's folder under thidua/packs, e.g. ksnd")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pack, counts = install_pack(options["name"], by="load_pack")
        except PackError as exc:
            raise CommandError(exc.bilingual()) from exc
        parts = ", ".join(f"{n} {part}" for part, n in counts.items())
        self.stdout.write(f"{pack.name} {pack.version}: {parts}")
