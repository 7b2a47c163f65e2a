"""Read a sector pack's manifest (pack.json) and load every data file of the pack through the
apps' own loaders (docs/packs.md). Loading is idempotent: every row is created or updated by its
natural key, nothing a body has entered is deleted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from thidua.awards.catalogue import load_catalogue as load_titles
from thidua.awards.models import Title
from thidua.dashboards.series import DASHBOARD_KEYS
from thidua.evaluation.catalogue import load_rubrics
from thidua.evaluation.models import Rubric
from thidua.lib.packs import PACKS_DIR
from thidua.movements.actions import load_movement
from thidua.movements.models import ContentArea, Movement
from thidua.org import tree
from thidua.org.body import Body
from thidua.org.levels import load_levels
from thidua.org.models import OrgUnit
from thidua.reporting.catalogue import load_catalogue, load_forms, load_validation_rules
from thidua.reporting.models import Indicator, ReportForm

PART_KEYS = ("levels", "catalogue", "forms", "validation", "rubrics", "titles")
# Files a pack may leave out: `councils` (council templates, read when used, not loaded).
OPTIONAL_KEYS = ("councils",)


class PackError(Exception):
    """A refusal: an English msgid (marked with gettext_noop) and its parameters, told in
    Vietnamese and in English by `bilingual()` (the commands run outside any request)."""

    def __init__(self, msgid: str, **params: str) -> None:
        super().__init__(msgid % params)
        self.msgid = msgid
        self.params = params

    def bilingual(self) -> str:
        told = []
        for language in ("vi", "en"):
            with translation.override(language):
                told.append(translation.gettext(self.msgid) % self.params)
        return told[0] if told[0] == told[1] else "\n".join(told)


@dataclass(frozen=True)
class Pack:
    name: str
    version: str
    title: str
    top_level: str
    directory: Path
    manifest: dict[str, Any]

    def file(self, key: str) -> Path:
        return self.directory / str(self.manifest["files"][key])

    def movement_files(self) -> list[Path]:
        return [self.directory / name for name in self.manifest["files"].get("movements", [])]

    def movement_years(self) -> list[tuple[int, int]]:
        """(first, last) year of each movement: from its earliest phase to its end."""
        spans = []
        for path in self.movement_files():
            data = json.loads(path.read_text(encoding="utf-8"))
            first = min([data["start_year"], *(p["start_year"] for p in data["phases"])])
            spans.append((first, data["end_year"]))
        return spans


def available_packs() -> list[str]:
    return sorted(p.parent.name for p in PACKS_DIR.glob("*/pack.json"))


def read_pack(name: str) -> Pack:
    """The pack's manifest; PackError when there is no such pack or a listed file is missing."""
    path = PACKS_DIR / name / "pack.json"
    if name not in available_packs():
        raise PackError(
            gettext_noop("There is no sector pack “%(name)s” (available: %(names)s)."),
            name=name,
            names=", ".join(available_packs()),
        )
    manifest = json.loads(path.read_text(encoding="utf-8"))
    pack = Pack(
        name=manifest["name"],
        version=manifest["version"],
        title=manifest["title"],
        top_level=manifest["top_level"],
        directory=path.parent,
        manifest=manifest,
    )
    optional = [pack.file(k) for k in OPTIONAL_KEYS if k in manifest["files"]]
    missing = [
        str(f.name)
        for f in [*(pack.file(k) for k in PART_KEYS), *optional, *pack.movement_files()]
        if not f.exists()
    ]
    if missing:
        raise PackError(
            gettext_noop("The sector pack “%(name)s” lacks its files: %(files)s."),
            name=name,
            files=", ".join(missing),
        )
    return pack


def body_root(pack: Pack) -> OrgUnit | None:
    """The body's root unit (set up by setup_body), else the one open unit without a parent at
    the pack's top level (the demo's)."""
    body = Body.objects.select_related("unit").first()
    if body is not None:
        return body.unit
    roots = OrgUnit.objects.filter(
        pk__in=tree.roots(timezone.localdate()), level__code=pack.top_level
    )
    return roots.first() if roots.count() == 1 else None


@transaction.atomic
def load_pack(pack: Pack | str, *, organisation: OrgUnit | None = None) -> dict[str, int]:
    """Load (or reload) every file of the pack: levels, indicator catalogue, forms with their
    deadlines, validation rules, rubrics, titles with their dated rules, and the movements,
    which belong to `organisation` (by default the body's root unit; without one they are
    skipped and loaded by setup_body). Returns how many rows of each part the files hold."""
    if isinstance(pack, str):
        pack = read_pack(pack)
    counts = {"levels": len(load_levels(pack.file("levels")))}
    counts["indicators"] = load_catalogue(pack.file("catalogue"))
    counts["forms"] = load_forms(pack.file("forms"))
    counts["validation rules"] = load_validation_rules(pack.file("validation"))
    counts["rubrics"] = load_rubrics(pack.file("rubrics"))
    counts["title rules"] = load_titles(pack.file("titles"))
    organisation = organisation or body_root(pack)
    movements: list[Movement] = []
    if organisation is not None:
        for path in pack.movement_files():
            movement = load_movement(path, organisation=organisation)
            link_movement(movement, json.loads(path.read_text(encoding="utf-8")))
            movements.append(movement)
    counts["movements"] = len(movements)
    return counts


LACKS = {
    "forms": gettext_noop(
        "The movement “%(movement)s” names report forms the pack lacks: %(codes)s."
    ),
    "rubrics": gettext_noop(
        "The movement “%(movement)s” names score tables the pack lacks: %(codes)s."
    ),
    "titles": gettext_noop("The movement “%(movement)s” names titles the pack lacks: %(codes)s."),
    "indicators": gettext_noop(
        "The movement “%(movement)s” names indicators the pack lacks: %(codes)s."
    ),
}


def _rows(model: Any, codes: list[str], what: str, movement: Movement) -> list[Any]:
    rows = {row.code: row for row in model.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in rows]
    if missing:
        raise PackError(LACKS[what], movement=movement.code, codes=", ".join(missing))
    return [rows[code] for code in codes]


def _link_dashboard(movement: Movement, dashboard: dict[str, Any]) -> None:
    """The movement's dashboard data (`dashboard`): its key indicators (savings, saving_rate,
    disbursement, shares), checked against the catalogue, and its phase-review forms
    (`review_forms`, linked to the movement) with the narrative parts that feed the review's
    lessons and recommendations (`review_parts`). A file without them leaves the movement with
    none: the dashboard then shows the charts it can (scores, awards)."""
    named: dict[str, Any] = {k: v for k, v in dashboard.items() if k in DASHBOARD_KEYS}
    codes = [c for v in named.values() for c in (v if isinstance(v, list) else [v])]
    _rows(Indicator, codes, "indicators", movement)
    forms = _rows(ReportForm, list(dashboard.get("review_forms", [])), "forms", movement)
    ReportForm.objects.filter(pk__in=[f.pk for f in forms]).exclude(movement=movement).update(
        movement=movement
    )
    if forms:
        named["review_forms"] = [f.code for f in forms]
        named["review_parts"] = dict(dashboard.get("review_parts", {}))
    if movement.dashboard != named:
        movement.dashboard = named
        movement.save(update_fields=["dashboard"])


def link_movement(movement: Movement, data: dict[str, Any]) -> None:
    """Link the movement to what its file names: the report forms (`forms`), score tables
    (`rubrics`) and titles (`titles`) it uses, by code, and each content area to its indicators
    (`areas[].indicators`). Run after every file is loaded; running it again changes nothing. A
    row the file no longer names keeps its link (reports and scores may rest on it)."""
    forms = _rows(ReportForm, data.get("forms", []), "forms", movement)
    rubrics = _rows(Rubric, data.get("rubrics", []), "rubrics", movement)
    titles = _rows(Title, data.get("titles", []), "titles", movement)
    ReportForm.objects.filter(pk__in=[f.pk for f in forms]).exclude(movement=movement).update(
        movement=movement
    )
    Rubric.objects.filter(pk__in=[r.pk for r in rubrics]).exclude(movement=movement).update(
        movement=movement
    )
    for title in titles:
        title.movements.add(movement)
    _link_dashboard(movement, data.get("dashboard") or {})
    for area_data in data.get("areas", []):
        codes = area_data.get("indicators", [])
        if not codes:
            continue
        area = ContentArea.objects.get(movement=movement, number=area_data["number"])
        indicators = _rows(Indicator, codes, "indicators", movement)
        Indicator.objects.filter(pk__in=[i.pk for i in indicators]).exclude(area=area).update(
            area=area
        )
