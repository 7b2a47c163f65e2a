"""The province of a waste report (and of a confirmed violation) in the public monthly counts:
the unit's ancestor at the level the pack marks `"province": true`, for both packs' layouts —
the KSND pack (provincial procuracies below the supreme one) and the province pack (the
province is the root)."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.accounts.models import User
from thidua.lib.dates import today
from thidua.lib.packs import pack_file
from thidua.org import actions as org
from thidua.org import tree
from thidua.org.actions import NewUnit
from thidua.org.body import Body
from thidua.org.levels import load_levels
from thidua.org.models import OrgUnit
from thidua.oversight import actions, reports
from thidua.oversight.models import Finding, WasteReport
from thidua.oversight.queries import public_monthly_counts, waste_report_counts

START = dt.date(2020, 1, 1)


def _tree(pack: str, rows: list[tuple[str, str, str, str | None]]) -> dict[str, OrgUnit]:
    """Units (code, name, level code, parent code) on the pack's own levels, its body set up."""
    levels = load_levels(pack_file("levels.json", pack))
    units: dict[str, OrgUnit] = {}
    for code, name, level, parent in rows:
        spec = NewUnit(code, name, levels[level], units[parent] if parent else None)
        units[code] = org.create_unit(spec, day=START)
    root = next(u for c, u in units.items() if rows[0][0] == c)
    Body.objects.create(unit=root, pack=pack, pack_version="test", wording={})
    return units


def _counted(unit: OrgUnit) -> str:
    reports.submit_report(unit, "Xe công dùng vào việc riêng.", [])
    start = today().replace(day=1)
    [row] = waste_report_counts(start, start + dt.timedelta(days=32))
    return row.province


def test_the_packs_mark_their_province_level() -> None:
    assert tree.province_level_code("ksnd") == "cap-tinh"
    assert tree.province_level_code("province") == "tinh"
    assert tree.province_level_code("no-such-pack") == ""


@pytest.mark.django_db
def test_ksnd_layout_a_regional_procuracy_counts_under_its_province() -> None:
    u = _tree(
        "ksnd",
        [
            ("VKSTC", "Viện kiểm sát nhân dân tối cao", "toi-cao", None),
            ("TQ", "VKSND tỉnh Tuyên Quang", "cap-tinh", "VKSTC"),
            ("TQ-KV1", "VKSND khu vực 1 - Tuyên Quang", "khu-vuc", "TQ"),
            ("V1", "Vụ Thực hành quyền công tố", "don-vi-vkstc", "VKSTC"),
        ],
    )
    assert tree.province_of(u["TQ-KV1"].pk, today()) == u["TQ"].pk
    assert tree.province_of(u["TQ"].pk, today()) == u["TQ"].pk
    # A department of the supreme procuracy is under no province: its own branch.
    assert tree.province_of(u["V1"].pk, today()) == u["V1"].pk
    assert _counted(u["TQ-KV1"]) == "VKSND tỉnh Tuyên Quang"


@pytest.mark.django_db
def test_province_layout_every_unit_counts_under_the_root_province() -> None:
    u = _tree(
        "province",
        [
            ("TQ", "Ủy ban nhân dân tỉnh Tuyên Quang", "tinh", None),
            ("XA", "Ủy ban nhân dân xã Yên Sơn", "xa", "TQ"),
            ("TYT", "Trạm Y tế xã Yên Sơn", "don-vi", "XA"),
            ("STC", "Sở Tài chính", "so", "TQ"),
        ],
    )
    for code in ("TQ", "XA", "TYT", "STC"):
        assert tree.province_of(u[code].pk, today()) == u["TQ"].pk, code
    # The branch below the root would have been the commune: the province is the root.
    assert _counted(u["TYT"]) == "Ủy ban nhân dân tỉnh Tuyên Quang"
    assert WasteReport.objects.get().province_id == u["TQ"].pk
    # A confirmed violation of the unit is published under the same province.
    supervisor = User.objects.create_user(username="giamsat", password="x-123456789")
    f = Finding.objects.create(
        unit=u["TYT"], year=today().year, rule="SAMPLE_REVIEW", key="k", severity="high"
    )
    actions.confirm_finding(f, by=supervisor, reason="Đã xác minh")
    [row] = public_monthly_counts(today().year)
    assert (row.province, row.confirmed) == ("Ủy ban nhân dân tỉnh Tuyên Quang", 1)
