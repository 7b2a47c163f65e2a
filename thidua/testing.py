"""The standard cast for tests: a small effective-dated tree with a reorganisation, and a user
for each role — a reporter in one unit, a reviewer above it, an outsider who must get 404.

    root (ROOT)
    ├── province A (PA) ─ district A1 (PA-1), district A2 (PA-2)   until 01/07/2025
    ├── province B (PB) ─ district B1 (PB-1)                         until 01/07/2025, merged into PA
    └── province C (PC) ─ district C1 (PC-1)
    From 01/07/2025: PA-1 + PA-2 + PB-1 merge into the new regional unit PA-R1 under PA.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.lib.packs import pack_file
from thidua.org import actions
from thidua.org.actions import NewUnit
from thidua.org.body import Body, wording_from_pack
from thidua.org.models import OrgLevel, OrgUnit

START = dt.date(2020, 1, 1)
MERGER = dt.date(2025, 7, 1)
BEFORE = dt.date(2025, 6, 30)
PASSWORD = "test-password-123"


@dataclass
class Cast:
    root: OrgUnit
    pa: OrgUnit
    pb: OrgUnit
    pc: OrgUnit
    pa1: OrgUnit
    pa2: OrgUnit
    pb1: OrgUnit
    pc1: OrgUnit
    regional: OrgUnit
    admin: User
    secretary: User
    reviewer: User
    reporter: User
    supervisor: User
    outsider: User
    levels: dict[str, OrgLevel]


def _user(username: str, role: str, unit: OrgUnit) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=role, unit=unit, valid_from=START)
    return user


def build_cast() -> Cast:
    levels = {
        code: OrgLevel.objects.create(code=code, name=name, rank=rank)
        for code, name, rank in [
            ("top", "Trung ương", 0),
            ("province", "Cấp tỉnh", 1),
            ("district", "Cấp huyện", 2),
            ("regional", "Khu vực", 2),
        ]
    }
    root = actions.create_unit(
        NewUnit("ROOT", "Cơ quan trung ương", levels["top"], None), day=START
    )

    def unit(code: str, name: str, level: str, parent: OrgUnit) -> OrgUnit:
        return actions.create_unit(NewUnit(code, name, levels[level], parent), day=START)

    pa = unit("PA", "Tỉnh Hà Giang", "province", root)
    pb = unit("PB", "Tỉnh Bắc Kạn", "province", root)
    pc = unit("PC", "Tỉnh Cà Mau", "province", root)
    pa1, pa2 = unit("PA-1", "Huyện A1", "district", pa), unit("PA-2", "Huyện A2", "district", pa)
    pb1, pc1 = unit("PB-1", "Huyện B1", "district", pb), unit("PC-1", "Huyện C1", "district", pc)
    regional = actions.create_unit(
        NewUnit("PA-R1", "Khu vực 1", levels["regional"], pa), day=MERGER
    )
    actions.merge_units([pa1, pa2, pb1], into=regional, day=MERGER)
    actions.merge_units([pb], into=pa, day=MERGER)
    for u in (root, pa, pb, pc, pa1, pa2, pb1, pc1, regional):
        u.refresh_from_db()
    # The root is the body of an install on the default pack, with that pack's wording.
    manifest = json.loads(pack_file("pack.json").read_text(encoding="utf-8"))
    Body.objects.create(
        unit=root,
        pack=manifest["name"],
        pack_version=manifest["version"],
        wording=wording_from_pack(manifest["body"]),
    )
    return Cast(
        root=root,
        pa=pa,
        pb=pb,
        pc=pc,
        pa1=pa1,
        pa2=pa2,
        pb1=pb1,
        pc1=pc1,
        regional=regional,
        admin=_user("admin", Role.ADMIN, root),
        secretary=_user("secretary", Role.COUNCIL_SECRETARY, root),
        reviewer=_user("reviewer", Role.REVIEWER, pa),
        reporter=_user("reporter", Role.REPORTER, regional),
        supervisor=_user("supervisor", Role.SUPERVISOR, pa),
        outsider=_user("outsider", Role.REPORTER, pc1),
        levels=levels,
    )


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()
