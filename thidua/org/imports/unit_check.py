"""Checking a tree file against the tree as it will be: the planned operations replayed on an
in-memory copy, with every event the actions would refuse reported by row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import F
from django.utils.translation import gettext as _

from thidua.lib.dates import OPEN_END, format_vn_date
from thidua.org.models import OrgUnit, OrgUnitVersion, Reorganisation, ReorgLink, TreePath

from .common import at_row
from .unit_rows import Operation, UnitRow


@dataclass
class SimUnit:
    """What the check needs to know about a unit: its life, last change, name and parent."""

    code: str
    name: str
    start: dt.date
    end: dt.date | None
    last_change: dt.date
    parent: str | None


class TreeCheck:
    """Replays the planned operations on an in-memory copy of the tree's current state and
    records, with row numbers, every event the actions would refuse or that would break the
    history (events must follow each unit's last change and the last recorded reorganisation)."""

    def __init__(self, created_in_file: dict[str, UnitRow]) -> None:
        self.units: dict[str, SimUnit] = {}
        self.children: dict[str, set[str]] = {}
        self.errors: list[str] = []
        self.created_in_file = created_in_file
        self.origin: dict[str, int] = {}
        self.floors = HistoryFloors()
        self._load()

    def _load(self) -> None:
        """Load every unit's current state (one query for units, one for open versions)."""
        current = {
            unit_id: (parent, since)
            for unit_id, parent, since in OrgUnitVersion.objects.filter(
                valid_to=OPEN_END
            ).values_list("unit_id", "parent__code", "valid_from")
        }
        for pk, code, name, start, end in OrgUnit.objects.values_list(
            "id", "code", "name", "valid_from", "valid_to"
        ):
            parent, since = current.get(pk, (None, end))
            closed = end if end < OPEN_END else None
            self._add(SimUnit(code, name, start, closed, since, parent if closed is None else None))

    def _add(self, unit: SimUnit) -> None:
        self.units[unit.code] = unit
        self.children.setdefault(unit.code, set())
        if unit.parent is not None:
            self.children.setdefault(unit.parent, set()).add(unit.code)

    def fail(self, row: UnitRow, message: str) -> bool:
        """Record a problem on `row`; always False so checks read `return self.fail(...)`."""
        self.errors.append(at_row(row.number, message))
        return False

    def run(self, operations: Iterable[Operation]) -> list[str]:
        """Check every operation in order; return the problems."""
        checks: dict[str, Callable[[Operation], bool]] = {
            "create": self.create,
            "rename": self.rename,
            "move": self.move,
            "close": self.close,
            "merge": self.merge,
            "split": self.split,
        }
        for op in operations:
            checks[op.kind](op)
        return self.errors

    # -- elementary checks --

    def existing(self, row: UnitRow, code: str) -> SimUnit | None:
        """The unit with `code` if it exists at this point; otherwise record why not."""
        unit = self.units.get(code)
        if unit is not None:
            return unit
        later = self.created_in_file.get(code)
        if later is not None and (later.date, later.number) > (row.date, row.number):
            self.fail(
                row,
                _(
                    "the unit “%(code)s” does not exist yet on %(date)s; it is created "
                    "on row %(other)s, dated %(start)s."
                )
                % {
                    "code": code,
                    "date": format_vn_date(row.date),
                    "other": later.number,
                    "start": format_vn_date(later.date),
                },
            )
        else:
            self.fail(row, _("no unit has the code “%(code)s”.") % {"code": code})
        return None

    def open_on(self, row: UnitRow, unit: SimUnit, role: str = "") -> bool:
        """Is the unit in operation on the row's date? Record why not; `role` ("into",
        "successor") words the message for a merge target or a successor."""
        if row.date < unit.start:
            return self.fail(
                row,
                _("the unit “%(code)s” does not exist yet on %(date)s; it begins on %(start)s.")
                % {
                    "code": unit.code,
                    "date": format_vn_date(row.date),
                    "start": format_vn_date(unit.start),
                },
            )
        if unit.end is None or row.date < unit.end:
            return True
        if role == "into":
            message = _("cannot merge into “%(code)s”: it was closed on %(end)s.")
        elif role == "successor":
            message = _("the successor “%(code)s” was closed on %(end)s.")
        else:
            message = _("the unit “%(code)s” was closed on %(end)s; no event can follow.")
        return self.fail(row, message % {"code": unit.code, "end": format_vn_date(unit.end)})

    def after_last_change(self, row: UnitRow, unit: SimUnit) -> bool:
        """Is the row dated after the unit's last change? Record why not."""
        if row.date > unit.last_change:
            return True
        return self.fail(
            row,
            _(
                "the unit “%(code)s” already changed on %(last)s; this event, "
                "dated %(date)s, must come after it."
            )
            % {
                "code": unit.code,
                "last": format_vn_date(unit.last_change),
                "date": format_vn_date(row.date),
            },
        )

    def after_floor(
        self, row: UnitRow, above: Iterable[str] = (), within: Iterable[str] = ()
    ) -> bool:
        """Is the row dated on or after every recorded reorganisation that fixed the history
        of the units it touches? `above`: units whose place in the tree the row relies on (a
        reorganisation of one of them or of a unit above them counts); `within`: units whose
        whole subtree the row changes (a reorganisation inside them counts too). Units of
        other subtrees, and units created in this file, set no floor."""
        floors = [self.floors.up.get(c) for c in above if c]
        floors += [self.floors.down.get(c) for c in within if c]
        known = [f for f in floors if f is not None]
        if not known:
            return True
        floor = max(known)
        if row.date >= floor.date:
            return True
        return self.fail(
            row,
            _(
                "the date %(date)s is before %(floor)s, when a reorganisation of “%(code)s” "
                "was recorded; the history of “%(code)s” and of the units under it can only "
                "be added from %(floor)s on."
            )
            % {
                "date": format_vn_date(row.date),
                "floor": format_vn_date(floor.date),
                "code": floor.code,
            },
        )

    def changeable(self, row: UnitRow, code: str) -> SimUnit | None:
        """The unit if it exists, is open on the date and has not changed since."""
        unit = self.existing(row, code)
        if unit is None or not self.open_on(row, unit) or not self.after_last_change(row, unit):
            return None
        return unit

    def parent_ok(self, row: UnitRow, code: str) -> bool:
        """An empty parent (top level) or an existing unit open on the date."""
        if not code:
            return True
        parent = self.existing(row, code)
        return parent is not None and self.open_on(row, parent)

    def new_code(self, row: UnitRow, code: str) -> bool:
        """A code not used yet, in the database or earlier in the file."""
        if code not in self.units:
            return True
        if code in self.origin:
            return self.fail(
                row,
                _("the code “%(code)s” is already created on row %(other)s.")
                % {"code": code, "other": self.origin[code]},
            )
        return self.fail(row, _("the code “%(code)s” already exists.") % {"code": code})

    def subtree(self, code: str) -> set[str]:
        """The unit and every open unit under it now."""
        found, frontier = {code}, [code]
        while frontier:
            below = self.children.get(frontier.pop(), set()) - found
            found |= below
            frontier.extend(below)
        return found

    def opened(self, row: UnitRow, code: str, parent: str) -> None:
        """Record a unit opened by `row`."""
        self._add(SimUnit(code, row.name, row.date, None, row.date, parent or None))
        self.origin[code] = row.number

    def reparent(self, code: str, parent: str | None, day: dt.date) -> None:
        unit = self.units[code]
        if unit.parent is not None:
            self.children[unit.parent].discard(code)
        if parent is not None:
            self.children.setdefault(parent, set()).add(code)
        unit.parent, unit.last_change = parent, day

    def closed(self, code: str, day: dt.date) -> None:
        self.reparent(code, None, day)
        self.units[code].end = day

    # -- one check per kind of event --

    def create(self, op: Operation) -> bool:
        """A new code, a name and a level, under an open parent (or at the top)."""
        row = op.row
        if not (self.after_floor(row, [row.parent]) and self.new_code(row, row.code)):
            return False
        if not row.name or row.level is None:
            return self.fail(row, _("a new unit needs a name and a level."))
        if not self.parent_ok(row, row.parent):
            return False
        self.opened(row, row.code, row.parent)
        return True

    def rename(self, op: Operation) -> bool:
        """An open unit, unchanged since, gets a different non-empty name."""
        row = op.row
        if not self.after_floor(row, [row.code]):
            return False
        unit = self.changeable(row, row.code)
        if unit is None:
            return False
        if not row.name:
            return self.fail(row, _("the new name is empty."))
        if row.name == unit.name:
            return self.fail(
                row,
                _("the unit “%(code)s” already bears the name “%(name)s”.")
                % {"code": unit.code, "name": row.name},
            )
        unit.name, unit.last_change = row.name, row.date
        return True

    def move(self, op: Operation) -> bool:
        """An open unit, unchanged since, goes under an open parent outside its subtree."""
        row = op.row
        if not self.after_floor(row, [row.code, row.parent], [row.code]):
            return False
        unit = self.changeable(row, row.code)
        if unit is None or not self.parent_ok(row, row.parent):
            return False
        if row.parent in self.subtree(unit.code):
            return self.fail(
                row,
                _(
                    "moving “%(code)s” under “%(parent)s” would make a cycle: "
                    "“%(parent)s” is inside “%(code)s”."
                )
                % {"code": unit.code, "parent": row.parent},
            )
        self.reparent(unit.code, row.parent or None, row.date)
        return True

    def close(self, op: Operation) -> bool:
        """An open unit with nothing under it closes; an optional successor must be open."""
        row = op.row
        if not self.after_floor(row, [row.code, row.into], [row.code]):
            return False
        unit = self.changeable(row, row.code)
        if unit is None:
            return False
        if row.into and not self.successor_ok(row, unit):
            return False
        below = sorted(self.children[unit.code])
        if below:
            return self.fail(
                row,
                _(
                    "the unit “%(code)s” still has units under it (%(list)s); "
                    "move or close them first."
                )
                % {"code": unit.code, "list": ", ".join(below)},
            )
        self.closed(unit.code, row.date)
        return True

    def successor_ok(self, row: UnitRow, unit: SimUnit) -> bool:
        """The unit named in `into` takes over a closing unit's work: open, and not itself."""
        if row.into == unit.code:
            return self.fail(row, _("a unit cannot be merged into itself."))
        successor = self.existing(row, row.into)
        return successor is not None and self.open_on(row, successor, "successor")

    def movable_children(self, row: UnitRow, code: str) -> bool:
        """Can every unit under `code` be moved on the row's date?"""
        return all(self.after_last_change(row, self.units[c]) for c in sorted(self.children[code]))

    def merge(self, op: Operation) -> bool:
        """The merged units close and their children move to the (existing or new) target."""
        target = op.row.into
        sources = [r.code for r in op.rows]
        spec = next((r for r in op.rows if r.name), None)
        anchor = spec.parent if spec is not None and target not in self.units else target
        if not self.after_floor(op.row, [*sources, anchor], sources):
            return False
        if not self.merge_target(op):
            return False
        merged = self.merge_sources(op)
        if merged is None:
            return False
        for source in merged:
            for child in sorted(self.children[source]):
                self.reparent(child, target, op.date)
            self.closed(source, op.date)
        return True

    def merge_target(self, op: Operation) -> bool:
        """An existing target open on the date, or a new one described on a row."""
        spec = next((r for r in op.rows if r.name), None)
        if op.row.into not in self.units:
            if spec is None:
                return self.existing(op.row, op.row.into) is not None
            if spec.level is None:
                return self.fail(spec, _("a new unit needs a name and a level."))
            if not self.parent_ok(spec, spec.parent):
                return False
            self.opened(spec, spec.into, spec.parent)
            return True
        if spec is not None:
            return self.fail(
                spec,
                _(
                    "“%(code)s” already exists: leave the name and level empty "
                    "when merging into an existing unit."
                )
                % {"code": spec.into},
            )
        return self.open_on(op.row, self.units[op.row.into], "into")

    def merge_sources(self, op: Operation) -> list[str] | None:
        """The merged units if each exists, is open, unchanged since, not listed twice and
        not above the target."""
        target, seen, ok = op.row.into, set[str](), True
        for row in op.rows:
            unit = self.changeable(row, row.code)
            if unit is None:
                ok = False
            elif row.code in seen or row.code == target:
                ok = self.fail(
                    row, _("“%(code)s” cannot be merged twice or into itself.") % {"code": row.code}
                )
            elif target in self.subtree(row.code):
                ok = self.fail(
                    row,
                    _("cannot merge “%(code)s” into “%(target)s”, which is inside it.")
                    % {"code": row.code, "target": target},
                )
            else:
                ok = self.movable_children(row, row.code) and ok
            seen.add(row.code)
        return sorted(seen) if ok else None

    def split(self, op: Operation) -> bool:
        """The split unit closes; its parts open; every child is placed under a part."""
        row = op.row
        if not self.after_floor(row, [row.code, *(r.parent for r in op.rows)], [row.code]):
            return False
        source = self.changeable(row, row.code)
        if source is None:
            return False
        inside = self.subtree(source.code)
        if len(op.rows) < 2:
            return self.fail(row, _("a split needs at least two new units, one row each."))
        parts_ok = [self.split_part(part, inside) for part in op.rows]
        if not all(parts_ok):
            return False
        placement = self.split_children(op, source.code)
        if placement is None:
            return False
        for child, part in placement.items():
            self.reparent(child, part, op.date)
        self.closed(source.code, op.date)
        return True

    def split_part(self, row: UnitRow, inside: set[str]) -> bool:
        """One new unit of a split: a free code, a name, a level, a parent outside the split."""
        if not self.new_code(row, row.into):
            return False
        if not row.name or row.level is None:
            return self.fail(row, _("a new unit needs a name and a level."))
        if row.parent in inside:
            return self.fail(
                row,
                _("the new unit cannot be placed under “%(code)s”, which is being split.")
                % {"code": row.parent},
            )
        if not self.parent_ok(row, row.parent):
            return False
        self.opened(row, row.into, row.parent)
        return True

    def split_children(self, op: Operation, source: str) -> dict[str, str] | None:
        """Which new unit takes each unit under the split one; None if one is left out."""
        placement: dict[str, str] = {}
        ok = True
        for move in op.moves:
            if move.code not in self.children[source] or move.code in placement:
                ok = self.fail(
                    move,
                    _(
                        "“%(code)s” is not directly under “%(source)s” (or is "
                        "placed twice), so this split cannot move it."
                    )
                    % {"code": move.code, "source": source},
                )
            else:
                ok = self.after_last_change(move, self.units[move.code]) and ok
                placement[move.code] = move.parent
        for child in sorted(self.children[source] - set(placement)):
            ok = self.fail(
                op.row,
                _(
                    "“%(code)s” is under “%(source)s”: add a move row dated "
                    "%(date)s placing it under one of the new units."
                )
                % {"code": child, "source": source, "date": format_vn_date(op.date)},
            )
        return placement if ok else None


@dataclass(frozen=True)
class Floor:
    """The date from which a unit's history is fixed, and the unit whose recorded
    reorganisation fixed it."""

    date: dt.date
    code: str

    def __lt__(self, other: Floor) -> bool:
        return (self.date, self.code) < (other.date, other.code)


class HistoryFloors:
    """History floors per unit subtree: a recorded reorganisation fixes the history of the
    units it touched and of everything ever under them, not of the whole install. A unit is
    touched on each date its name or parent changed, it opened or closed, or an event named
    it (as its subject, or as a predecessor or successor); its creation alone does not
    count (nothing can be dated before it anyway).

    `up[code]`: the latest touch of the unit or of a unit ever above it (the floor for an
    event that relies on the unit's place in the tree); `down[code]`: the latest touch of the
    unit or of a unit ever under it (the floor for an event that moves or closes its whole
    subtree)."""

    def __init__(self) -> None:
        touched: dict[int, dt.date] = {}

        def touch(unit_id: int | None, day: dt.date | None) -> None:
            if unit_id is not None and day is not None and day < OPEN_END:
                touched[unit_id] = max(day, touched.get(unit_id, day))

        for unit_id, day in OrgUnitVersion.objects.exclude(
            valid_from=F("unit__valid_from")
        ).values_list("unit_id", "valid_from"):
            touch(unit_id, day)
        for unit_id, day in OrgUnit.objects.values_list("id", "valid_to"):
            touch(unit_id, day)
        for unit_id, day in Reorganisation.objects.exclude(
            kind=Reorganisation.Kind.CREATE
        ).values_list("subject_id", "date"):
            touch(unit_id, day)
        for before, after, day in ReorgLink.objects.values_list(
            "predecessor_id", "successor_id", "date"
        ):
            touch(before, day)
            touch(after, day)
        codes = dict(OrgUnit.objects.values_list("id", "code"))
        pairs = TreePath.objects.values_list("ancestor_id", "descendant_id").distinct()
        up: dict[int, Floor] = {}
        down: dict[int, Floor] = {}
        for unit_id, day in touched.items():
            up[unit_id] = down[unit_id] = Floor(day, codes[unit_id])
        for above, below in pairs:
            if above in touched:
                _raise(up, below, Floor(touched[above], codes[above]))
            if below in touched:
                _raise(down, above, Floor(touched[below], codes[below]))
        self.up = {codes[i]: f for i, f in up.items()}
        self.down = {codes[i]: f for i, f in down.items()}


def _raise(floors: dict[int, Floor], unit_id: int, floor: Floor) -> None:
    current = floors.get(unit_id)
    if current is None or current.date < floor.date:
        floors[unit_id] = floor
