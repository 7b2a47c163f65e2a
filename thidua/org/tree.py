"""Questions about the tree at a date. Each answers from the closure table or the version
rows with one or two indexed queries (bench/bench_tree.py measures them at 100,000 units)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from thidua.lib.packs import DEFAULT_PACK, pack_file
from thidua.lib.text import fold

from .body import body_for
from .models import OrgUnit, OrgUnitVersion, ReorgLink, TreePath


def subtree_ids(unit_id: int, day: dt.date) -> list[int]:
    """Ids of the unit and everything under it on `day` (empty if the unit was not open)."""
    return list(
        TreePath.objects.at(day).filter(ancestor_id=unit_id).values_list("descendant_id", flat=True)
    )


def ancestor_ids(unit_id: int, day: dt.date) -> list[int]:
    """Ids from the root down to the unit's parent on `day`."""
    rows = (
        TreePath.objects.at(day)
        .filter(descendant_id=unit_id, depth__gt=0)
        .order_by("-depth")
        .values_list("ancestor_id", flat=True)
    )
    return list(rows)


def ancestors(unit_id: int, day: dt.date) -> list[OrgUnit]:
    ids = ancestor_ids(unit_id, day)
    by_id = OrgUnit.objects.in_bulk(ids)
    return [by_id[i] for i in ids]


def children_ids(unit_id: int, day: dt.date) -> list[int]:
    return list(
        TreePath.objects.at(day)
        .filter(ancestor_id=unit_id, depth=1)
        .values_list("descendant_id", flat=True)
    )


def level_ids(level_id: int, day: dt.date) -> list[int]:
    """Units of one level open on `day`."""
    return list(OrgUnit.objects.at(day).filter(level_id=level_id).values_list("id", flat=True))


def roots(day: dt.date) -> list[int]:
    return list(
        OrgUnitVersion.objects.at(day).filter(parent__isnull=True).values_list("unit_id", flat=True)
    )


def successor_ids(unit_id: int, day: dt.date) -> list[int]:
    """Where the unit's work is on `day`: itself if open, else the open units reached by
    following merges and splits forward (a split gives several)."""
    unit = OrgUnit.objects.only("valid_from", "valid_to").get(pk=unit_id)
    if unit.is_open_on(day):
        return [unit_id]
    frontier, seen = [unit_id], {unit_id}
    found: list[int] = []
    while frontier:
        links = ReorgLink.objects.filter(predecessor_id__in=frontier, date__lte=day).values_list(
            "successor_id", flat=True
        )
        nxt = [i for i in links if i not in seen]
        seen.update(nxt)
        open_ids = set(OrgUnit.objects.at(day).filter(id__in=nxt).values_list("id", flat=True))
        found.extend(i for i in nxt if i in open_ids)
        frontier = [i for i in nxt if i not in open_ids]
    return sorted(set(found))


def predecessor_ids(unit_ids: Iterable[int]) -> set[int]:
    """All units whose work flowed into these, transitively (merges, splits)."""
    seen: set[int] = set()
    frontier = set(unit_ids)
    while frontier:
        prev = set(
            ReorgLink.objects.filter(successor_id__in=frontier).values_list(
                "predecessor_id", flat=True
            )
        )
        frontier = prev - seen
        seen |= frontier
    return seen


def version_at(unit_id: int, day: dt.date) -> OrgUnitVersion | None:
    return OrgUnitVersion.objects.at(day).filter(unit_id=unit_id).first()


def names_at(unit_ids: Iterable[int], day: dt.date) -> dict[int, str]:
    """The name each unit bore on `day` (its first name if it did not exist yet)."""
    ids = list(unit_ids)
    names = dict(
        OrgUnitVersion.objects.at(day).filter(unit_id__in=ids).values_list("unit_id", "name")
    )
    missing = [i for i in ids if i not in names]
    if missing:
        names.update(OrgUnit.objects.filter(id__in=missing).values_list("id", "name"))
    return names


def search_units(query: str, day: dt.date | None = None) -> list[OrgUnit]:
    """Units whose code or any name ever borne matches, with or without diacritics:
    'ha giang' finds 'Hà Giang'."""
    phrase = fold(query)
    base = OrgUnit.objects.all() if day is None else OrgUnit.objects.at(day)
    qs = base.filter(search_key__contains=phrase)
    if not qs.exists():  # fall back to every word anywhere: "giang ha" still finds Hà Giang
        qs = base
        for word in phrase.split():
            qs = qs.filter(search_key__contains=word)
    return list(qs.select_related("level").order_by("level__rank", "search_key")[:200])


def province_level_code(pack: str | None = None) -> str:
    """The code of the level marked `"province": true` in the pack's levels.json (the
    provincial procuracy in the KSND pack; the province itself, the root, in the province
    pack); the pack is the install's body's, else the default one. Empty when none is marked."""
    if pack is None:
        body = body_for()
        pack = body.pack if body is not None else DEFAULT_PACK
    path = pack_file("levels.json", pack)
    if not path.exists():
        return ""
    levels = json.loads(path.read_text(encoding="utf-8")).get("levels", [])
    return next((str(lv["code"]) for lv in levels if lv.get("province")), "")


def province_of(unit_id: int, day: dt.date, level_code: str | None = None) -> int:
    """The unit's province on `day`: the unit or its nearest-the-root ancestor at the pack's
    province level (`province_level_code`). A unit with none at that level (a department of
    the supreme procuracy, a tree whose levels the pack does not name) falls back to its
    branch directly below the root; the root is its own."""
    chain = [*ancestor_ids(unit_id, day), unit_id]
    code = province_level_code() if level_code is None else level_code
    if code:
        levels = dict(OrgUnit.objects.filter(pk__in=chain).values_list("pk", "level__code"))
        for pk in chain:
            if levels.get(pk) == code:
                return pk
    return chain[1] if len(chain) > 1 else chain[0]
