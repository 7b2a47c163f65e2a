"""The demo sector mirrors the real 2025 reorganisation (../shared/data)."""

import datetime as dt

import pytest

from thidua.accounts.models import RoleAssignment
from thidua.demo.build import USERS, build_demo
from thidua.movements.models import Movement
from thidua.org import tree
from thidua.org.models import OrgLevel, OrgUnit, Person, Position

pytestmark = pytest.mark.django_db

BEFORE, AFTER = dt.date(2025, 6, 30), dt.date(2025, 7, 1)


def count(level: str, day: dt.date) -> int:
    return len(tree.level_ids(OrgLevel.objects.get(code=level).pk, day))


def test_it_builds_the_sector_before_and_after_the_merger() -> None:
    build_demo(seed=7, with_reports=False)
    assert (count("cap-tinh", BEFORE), count("cap-tinh", AFTER)) == (63, 34)
    assert (count("cap-cao", BEFORE), count("cap-cao", AFTER)) == (3, 0)
    assert (count("cap-huyen", BEFORE), count("khu-vuc", AFTER)) == (696, 355)
    assert count("don-vi-vkstc", AFTER) >= 25
    hcm = OrgUnit.objects.get(code="HCM")
    regional = OrgLevel.objects.get(code="khu-vuc")
    under_hcm = tree.children_ids(hcm.pk, AFTER)
    assert OrgUnit.objects.filter(id__in=under_hcm, level=regional).count() == 19
    hue = OrgUnit.objects.get(code="HUE")
    assert tree.names_at([hue.pk], dt.date(2024, 12, 31))[hue.pk] == "VKSND tỉnh Thừa Thiên Huế"
    assert tree.names_at([hue.pk], dt.date(2025, 1, 1))[hue.pk] == "VKSND thành phố Huế"
    ha_giang = OrgUnit.objects.get(code="HG")
    assert tree.successor_ids(ha_giang.pk, AFTER) == [OrgUnit.objects.get(code="TQ").pk]
    assert 15_000 <= Person.objects.count() <= 17_500
    assert Position.objects.current().count() == Person.objects.count()
    for username, *_rest in USERS:
        assert RoleAssignment.objects.filter(user__username=username).exists()
    movement = Movement.objects.get()
    assert (movement.phases.count(), movement.areas.count()) == (2, 6)
