from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from thidua.accounts.models import Role
from thidua.demo.build import DEMO_PASSWORD, build_demo, is_loaded
from thidua.demo.reports import describe
from thidua.lib.numbers import format_vn_number

SECTORS = ["ksnd", "province"]


class Command(BaseCommand):
    help = (
        "Load a demo into an empty database: --sector ksnd (default; the KSND sector: tree, "
        "staff, users, movement plan, THTK-CLP reports 2022 Q1 – 2026 Q3 with fictitious "
        "figures) or --sector province (a small province on the province pack)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already holds data",
        )
        parser.add_argument(
            "--sector",
            choices=SECTORS,
            default="ksnd",
            help="the demo to build: ksnd (default) or province",
        )
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument(
            "--without-reports",
            action="store_true",
            help="skip the reports (the catalogue, forms and periods are still loaded)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("vi")
        if is_loaded():
            if options["if_empty"]:
                self.stdout.write("Dữ liệu mẫu đã có sẵn; không nạp lại.")
                if options["sector"] == "province":
                    self._province_logins()
                else:
                    self._print_logins()
                return
            raise CommandError("The database is not empty; load the demo into a fresh database.")
        started = time.perf_counter()
        if options["sector"] == "province":
            self._province(options["seed"], started)
            return
        demo = build_demo(options["seed"], with_reports=not options["without_reports"])
        from thidua.org.models import OrgUnit, Person

        self.stdout.write(
            f"Đã nạp ngành KSND mẫu trong {time.perf_counter() - started:.1f} giây: "
            f"{format_vn_number(OrgUnit.objects.count())} đơn vị, "
            f"{format_vn_number(Person.objects.count())} cán bộ."
        )
        if demo.reports is not None:
            for line in describe(demo.reports):
                self.stdout.write(line)
        for line in demo.emulation:
            self.stdout.write(line)
        self._print_logins()

    def _province(self, seed: int, started: float) -> None:
        from thidua.demo.province import build_province_demo

        demo = build_province_demo(seed)
        self.stdout.write(
            f"Đã nạp tỉnh mẫu ({demo.root.name}, gói province) trong "
            f"{time.perf_counter() - started:.1f} giây: {format_vn_number(len(demo.units))} "
            f"đơn vị, {format_vn_number(demo.staff)} cán bộ."
        )
        for line in demo.lines:
            self.stdout.write(line)
        self._province_logins()

    def _province_logins(self) -> None:
        from thidua.demo.province import COUNCIL_USERS, ROOT, USERS

        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        self.stdout.write(f"  {'admin':<18} {Role.ADMIN.label:<22} {ROOT}")
        for username, _first, _last, role, code in USERS:
            self.stdout.write(f"  {username:<18} {role.label:<22} {code}")
        self.stdout.write("Thành viên Hội đồng Thi đua - Khen thưởng tỉnh (cùng mật khẩu):")
        for username, first, _last, _seat in COUNCIL_USERS:
            self.stdout.write(f"  {username:<18} {first:<22} {ROOT}")

    def _print_logins(self) -> None:
        from thidua.demo.build import USERS

        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, _first, _last, role, code in USERS:
            self.stdout.write(f"  {username:<18} {role.label:<22} {code}")
        from thidua.demo.awards import COUNCIL_USERS

        self.stdout.write("Thành viên Hội đồng Thi đua - Khen thưởng (cùng mật khẩu):")
        for username, first, _last, code, _seat in COUNCIL_USERS:
            self.stdout.write(f"  {username:<18} {first:<22} {code}")
