from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from thidua.packs.setup import is_set_up, new_setup_token


class Command(BaseCommand):
    help = (
        "Print a one-time token for the set-up page /setup/ of a clean install (kept in "
        "var/setup_token until the body is set up; THIDUA_SETUP_TOKEN in the environment "
        "takes precedence). A new call replaces the token."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if is_set_up():
            raise CommandError(
                "Hệ thống đã được thiết lập; trang thiết lập đã đóng.\n"
                "This install is already set up; the set-up page is closed."
            )
        token = new_setup_token()
        self.stdout.write(f"Mã thiết lập (setup token): {token}")
        self.stdout.write("Mở /setup/ và nhập mã này. / Open /setup/ and enter this token.")
