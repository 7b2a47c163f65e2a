from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from thidua.demo.signing import ensure_demo_pki, sign_latest


class Command(BaseCommand):
    help = (
        "Create the demo's certificate authority and one signing certificate per issuing body "
        "under var/signing/ (never in git), then sign the latest issued decisions."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        directory, created = ensure_demo_pki()
        signed = sign_latest(directory)
        self.stdout.write(
            f"Chữ ký số mẫu: {directory} ({created} chứng thư mới, {signed} quyết định được ký)."
        )
