"""thidua load_norms: add the norms of oversight's data file that are missing."""

from typing import Any

from django.core.management.base import BaseCommand

from thidua.oversight.models import Norm
from thidua.oversight.norms import load_norms


class Command(BaseCommand):
    help = "Load the oversight norms (travel, procurement thresholds) from the data file."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{load_norms(Norm)}")
