"""The effective-dated tree: queries at dates and reorganisation events."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua.lib.dates import OPEN_END
from thidua.org import actions, tree
from thidua.org.actions import NewUnit
from thidua.org.models import OrgLevel, OrgUnit, OrgUnitVersion, Reorganisation, TreePath
from thidua.testing import BEFORE, MERGER, START, Cast

pytestmark = pytest.mark.django_db


def codes(ids: list[int]) -> set[str]:
    return set(OrgUnit.objects.filter(id__in=ids).values_list("code", flat=True))


def test_it_answers_subtrees_as_of_each_date(cast: Cast) -> None:
    assert codes(tree.subtree_ids(cast.pa.pk, BEFORE)) == {"PA", "PA-1", "PA-2"}
    assert codes(tree.subtree_ids(cast.pa.pk, MERGER)) == {"PA", "PA-R1"}
    assert codes(tree.subtree_ids(cast.pb.pk, BEFORE)) == {"PB", "PB-1"}
    assert tree.subtree_ids(cast.pb.pk, MERGER) == []
    assert len(tree.subtree_ids(cast.root.pk, BEFORE)) == 8
    assert len(tree.subtree_ids(cast.root.pk, MERGER)) == 5


def test_it_answers_ancestors_children_and_levels(cast: Cast) -> None:
    assert [u.code for u in tree.ancestors(cast.pa1.pk, BEFORE)] == ["ROOT", "PA"]
    assert [u.code for u in tree.ancestors(cast.regional.pk, MERGER)] == ["ROOT", "PA"]
    assert codes(tree.children_ids(cast.root.pk, MERGER)) == {"PA", "PC"}
    district = cast.levels["district"].pk
    assert codes(tree.level_ids(district, BEFORE)) == {"PA-1", "PA-2", "PB-1", "PC-1"}
    assert codes(tree.level_ids(district, MERGER)) == {"PC-1"}


def test_it_follows_merges_to_the_successor(cast: Cast) -> None:
    assert tree.successor_ids(cast.pb1.pk, BEFORE) == [cast.pb1.pk]
    assert tree.successor_ids(cast.pb1.pk, MERGER) == [cast.regional.pk]
    assert tree.successor_ids(cast.pb.pk, MERGER) == [cast.pa.pk]
    assert tree.predecessor_ids([cast.regional.pk]) == {cast.pa1.pk, cast.pa2.pk, cast.pb1.pk}


def test_it_follows_chains_and_splits(cast: Cast) -> None:
    later = dt.date(2026, 1, 1)
    parts = actions.split_unit(
        cast.pc1,
        [
            NewUnit("PC-1a", "Phần A", cast.levels["district"], cast.pc),
            NewUnit("PC-1b", "Phần B", cast.levels["district"], cast.pc),
        ],
        day=later,
    )
    assert set(tree.successor_ids(cast.pc1.pk, later)) == {p.pk for p in parts}
    final = dt.date(2026, 6, 1)
    actions.merge_units(
        parts, day=final, new=NewUnit("PC-2", "Hợp nhất", cast.levels["district"], cast.pc)
    )
    assert codes(tree.successor_ids(cast.pc1.pk, final)) == {"PC-2"}


def test_it_renames_without_rewriting_history(cast: Cast) -> None:
    actions.rename_unit(cast.pc, "Tỉnh Cà Mau mới", day=dt.date(2026, 1, 1))
    assert tree.names_at([cast.pc.pk], dt.date(2025, 12, 31)) == {cast.pc.pk: "Tỉnh Cà Mau"}
    assert tree.names_at([cast.pc.pk], dt.date(2026, 1, 1)) == {cast.pc.pk: "Tỉnh Cà Mau mới"}
    assert [u.code for u in tree.search_units("ca mau moi")] == ["PC"]
    assert [u.code for u in tree.search_units("ca mau")] == ["PC"]  # old names stay searchable


def test_it_moves_a_subtree_from_a_date(cast: Cast) -> None:
    day = dt.date(2026, 1, 1)
    actions.move_unit(cast.pc, cast.pa, day=day)
    assert [u.code for u in tree.ancestors(cast.pc1.pk, day)] == ["ROOT", "PA", "PC"]
    assert [u.code for u in tree.ancestors(cast.pc1.pk, day - dt.timedelta(days=1))] == [
        "ROOT",
        "PC",
    ]
    assert cast.pc1.pk in tree.subtree_ids(cast.pa.pk, day)


def test_it_closes_a_unit_the_day_its_ancestor_moved(cast: Cast) -> None:
    day = dt.date(2026, 1, 1)
    actions.move_unit(cast.pc, cast.pa, day=day)
    actions.close_unit(cast.pc1, day=day)
    assert cast.pc1.pk not in tree.subtree_ids(cast.pa.pk, day)
    assert [u.code for u in tree.ancestors(cast.pc1.pk, day - dt.timedelta(days=1))] == [
        "ROOT",
        "PC",
    ]
    assert not TreePath.objects.filter(descendant=cast.pc1, valid_from=day).exists()


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ("cycle", "cycle"),
        ("merge_into_closed", "closed"),
        ("close_with_children", "still has units"),
        ("before_last_change", "already changed"),
        ("split_orphans", "must be assigned"),
        ("duplicate_code", "already used"),
        ("closed_parent", "not in operation"),
    ],
)
def test_it_refuses_impossible_events_and_writes_nothing(
    cast: Cast, scenario: str, message: str
) -> None:
    day = dt.date(2026, 1, 1)
    district = cast.levels["district"]
    attempts = {
        "cycle": lambda: actions.move_unit(cast.pa, cast.regional, day=day),
        "merge_into_closed": lambda: actions.merge_units([cast.pc1], into=cast.pb, day=day),
        "close_with_children": lambda: actions.close_unit(cast.pc, day=day),
        "before_last_change": lambda: actions.rename_unit(cast.regional, "X", day=MERGER),
        "split_orphans": lambda: actions.split_unit(
            cast.pc,
            [NewUnit("S1", "S1", district, cast.root), NewUnit("S2", "S2", district, cast.root)],
            day=day,
        ),
        "duplicate_code": lambda: actions.create_unit(
            NewUnit("PA", "Trùng", district, cast.pa), day=day
        ),
        "closed_parent": lambda: actions.create_unit(
            NewUnit("N1", "Mới", district, cast.pb), day=day
        ),
    }
    before = (
        OrgUnit.objects.count(),
        TreePath.objects.count(),
        Reorganisation.objects.count(),
        OrgUnitVersion.objects.count(),
    )
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        attempts[scenario]()
    after = (
        OrgUnit.objects.count(),
        TreePath.objects.count(),
        Reorganisation.objects.count(),
        OrgUnitVersion.objects.count(),
    )
    assert after == before


def _walk_ancestors(unit_id: int, day: dt.date) -> list[int]:
    """The plain definition: follow parent pointers of the versions in force on `day`."""
    chain = []
    version = OrgUnitVersion.objects.at(day).filter(unit_id=unit_id).first()
    while version is not None and version.parent_id is not None:
        chain.append(version.parent_id)
        version = OrgUnitVersion.objects.at(day).filter(unit_id=version.parent_id).first()
    return list(reversed(chain))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(moves=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), min_size=1, max_size=8))
def test_it_keeps_the_closure_equal_to_the_parent_walk(
    db: None, moves: list[tuple[int, int]]
) -> None:
    """Property: after any sequence of moves, ancestors from the closure table equal the walk
    up the parent pointers, on every date."""
    for model in (Reorganisation, OrgUnitVersion, TreePath, OrgUnit):
        model.objects.all().delete()
    level, _ = OrgLevel.objects.get_or_create(code="l", defaults={"name": "L", "rank": 0})
    root = actions.create_unit(NewUnit("R", "R", level, None), day=START)
    units = [
        actions.create_unit(NewUnit(f"U{i}", f"U{i}", level, root), day=START) for i in range(8)
    ]
    days = [START]
    for step, (a, b) in enumerate(moves, start=1):
        day = START + dt.timedelta(days=30 * step)
        unit, parent = OrgUnit.objects.get(pk=units[a].pk), OrgUnit.objects.get(pk=units[b].pk)
        try:
            actions.move_unit(unit, parent, day=day)
        except ValidationError:
            continue  # a cycle or a self-move: refused, and nothing changed
        days.append(day)
    for day in days:
        for unit in units:
            assert tree.ancestor_ids(unit.pk, day) == _walk_ancestors(unit.pk, day)
        assert TreePath.objects.at(day).filter(depth=0).count() == 9
    assert not TreePath.objects.filter(valid_to__lt=OPEN_END, valid_from__gte=OPEN_END).exists()
