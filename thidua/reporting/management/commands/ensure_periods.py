from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from thidua.reporting.catalogue import ensure_periods
from thidua.reporting.models import Period


class Command(BaseCommand):
    help = (
        "Create every report period (quarters, half-year, nine months, year) up to a year "
        "(idempotent), from the earliest existing period's year or --from."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--until", type=int, required=True, help="the last year, e.g. 2030")
        parser.add_argument("--from", dest="first", type=int, help="the first year")

    def handle(self, *args: Any, **options: Any) -> None:
        earliest = Period.objects.order_by("year").values_list("year", flat=True).first()
        first = options["first"] or earliest or timezone.localdate().year
        if not 2000 <= first <= options["until"] <= 2100:
            raise CommandError(
                "Năm phải từ 2000 đến 2100 và năm đầu không sau năm cuối.\n"
                "Years run from 2000 to 2100, the first not after the last."
            )
        before = Period.objects.count()
        ensure_periods(first, options["until"])
        self.stdout.write(
            f"{Period.objects.count() - before} kỳ mới (new periods), {first}–{options['until']}."
        )
