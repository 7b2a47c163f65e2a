from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.lib.dates import InvalidDate, parse_vn_date
from thidua.packs.loader import PackError
from thidua.packs.setup import BodySpec, setup_body


class Command(BaseCommand):
    help = (
        "Set up the body of a clean install (no demo): its root unit, its sector pack, the "
        "report periods of its movements and its first administrator. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the body's full name")
        parser.add_argument("--short-name", required=True, help="the root unit's code")
        parser.add_argument("--seat", default="", help="where the body sits, e.g. Hà Nội")
        parser.add_argument("--pack", required=True, help="the sector pack, e.g. ksnd")
        parser.add_argument("--admin-username", required=True)
        parser.add_argument("--admin-name", default="Quản trị hệ thống", help="full name")
        parser.add_argument(
            "--admin-password-file",
            type=Path,
            help="a file whose first line is the password (else it is asked for)",
        )
        parser.add_argument(
            "--founded",
            help="dd/mm/yyyy (default: 1 January of the first year of the pack's movements)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        founded = None
        if options["founded"]:
            try:
                founded = parse_vn_date(options["founded"])
            except InvalidDate as exc:
                raise CommandError(
                    "Ngày thành lập phải viết dd/mm/yyyy.\nThe founding date must read dd/mm/yyyy."
                ) from exc
        spec = BodySpec(
            name=options["name"],
            short_name=options["short_name"],
            seat=options["seat"],
            pack=options["pack"],
            admin_username=options["admin_username"],
            admin_password=self._password(options["admin_password_file"]),
            founded=founded,
            admin_full_name=options["admin_name"],
        )
        try:
            result = setup_body(spec)
        except PackError as exc:
            raise CommandError(exc.bilingual()) from exc
        unit = result.body.unit
        state = "Đã tạo" if result.created else "Đã có sẵn"
        self.stdout.write(
            f"{state}: {unit.name} ({unit.code}), gói {result.pack.name} {result.pack.version}."
        )
        self.stdout.write(", ".join(f"{n} {part}" for part, n in result.counts.items()))
        self.stdout.write(f"{result.periods} kỳ báo cáo mới (new periods).")
        admin = "đã tạo" if result.admin_created else "đã có sẵn"
        self.stdout.write(f"Quản trị viên {spec.admin_username}: {admin}.")
        if result.council is not None:
            self.stdout.write(
                f"Hội đồng theo mẫu của gói (council from the template): {result.council.name}."
            )

    def _password(self, path: Path | None) -> str:
        if path is not None:
            try:
                return path.read_text(encoding="utf-8").splitlines()[0]
            except (OSError, IndexError) as exc:
                raise CommandError(
                    f"Không đọc được mật khẩu từ {path}.\nCannot read the password from {path}."
                ) from exc
        if not sys.stdin.isatty():
            raise CommandError(
                "Cần --admin-password-file khi không nhập được mật khẩu từ bàn phím.\n"
                "Give --admin-password-file when the password cannot be typed."
            )
        first = getpass.getpass("Mật khẩu quản trị viên / administrator password: ")
        if first != getpass.getpass("Nhập lại / again: "):
            raise CommandError("Hai lần nhập không khớp.\nThe two entries differ.")
        return first
