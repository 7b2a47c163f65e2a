"""Writing conferences, vehicles, office space and asset-register lines (audited, the unit's
year re-checked at once), and reading them as plain records for the rules: one query per
kind and year, never one per record."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db.models import F, Sum

from thidua.org.models import OrgUnit

from . import reading
from .actions_plan import plan_records
from .models import Finding
from .models_assets import Asset, Conference, OfficeSpace, Vehicle
from .models_plan import Project
from .rules import Hit, NormTable
from .rules_assets import AssetLine, Car, Conf, Office, conference_outliers

AssetRecord = Conference | Vehicle | OfficeSpace | Asset | Project

KINDS: dict[type[Any], str] = {
    Conference: "conference",
    Vehicle: "vehicle",
    OfficeSpace: "office",
    Asset: "asset",
    Project: "project",
}
RELATIONS = {
    "conferences": "conference_id",
    "vehicles": "vehicle_id",
    "offices": "officespace_id",
    "assets": "asset_id",
    "projects": "project_id",
    "reports": "report_id",
}


def save_asset_record(obj: AssetRecord, *, by: Any) -> list[Finding]:
    """Validate (a ValidationError naming the field, nothing written), save, audit, and
    re-check the unit's year; returns the unit's findings of the year."""
    from .actions import write_record

    kind = KINDS[type(obj)]
    return write_record(obj, kind, by=by, peers=kind == "conference")


def delete_asset_record(obj: AssetRecord, *, by: Any) -> None:
    from .actions import remove_record

    kind = KINDS[type(obj)]
    remove_record(obj, kind, by=by, peers=kind == "conference")


def office(o: OfficeSpace) -> Office:
    return Office(
        o.pk, o.unit_id, o.year, o.building, o.staff, o.title_area, o.shared_area, o.special_area
    )


def asset_line(a: Asset, *, context: bool = False) -> AssetLine:
    return AssetLine(
        a.pk,
        a.unit_id,
        a.year,
        a.code,
        a.name,
        a.category,
        a.months,
        a.upkeep,
        a.disposed,
        context,
    )


CONF_COLUMNS = (
    "pk",
    "unit_id",
    "year",
    "title",
    "start",
    "days",
    "level",
    "on_payroll",
    "off_payroll",
    "meals_paid",
    "refreshments_paid",
    "venue_paid",
    "other_paid",
)
CAR_COLUMNS = (
    "pk",
    "unit_id",
    "year",
    "plate",
    "seats",
    "kind",
    "purchase_date",
    "price",
    "odometer",
    "disposal_date",
)


def asset_records(year: int, unit_ids: Collection[int] | None = None) -> dict[str, Any]:
    """The `Records` fields of the new kinds for the year (and the previous year's register,
    as context for runs of unused months), with the staff of the units keeping cars; the
    conferences and cars (the many) read as plain rows (reading.py)."""
    conferences = Conference.objects.filter(year=year)
    vehicles = Vehicle.objects.filter(year=year)
    offices = OfficeSpace.objects.filter(year=year)
    assets = Asset.objects.filter(year__in=[year - 1, year])
    if unit_ids is not None:
        ids = list(unit_ids)
        conferences = conferences.filter(unit_id__in=ids)
        vehicles = vehicles.filter(unit_id__in=ids)
        offices = offices.filter(unit_id__in=ids)
        assets = assets.filter(unit_id__in=ids)
    day, money = reading.days(), reading.money()
    new_conf, new_car = reading.maker(Conf), reading.maker(Car)
    cars = [
        new_car((*r[:6], day[r[6]], money[r[7]], r[8], day[r[9]]))
        for r in reading.rows(vehicles, CAR_COLUMNS)
    ]
    staff = dict(
        OrgUnit.objects.filter(pk__in={c.unit_id for c in cars}).values_list("pk", "staff_count")
    )
    return {
        **plan_records(year, unit_ids),
        "conferences": [
            new_conf((*r[:4], day[r[4]], *r[5:9], *(money[v] for v in r[9:])))
            for r in reading.rows(conferences, CONF_COLUMNS)
        ],
        "vehicles": cars,
        "offices": [office(o) for o in offices],
        "assets": [asset_line(a, context=a.year != year) for a in assets],
        "staff": staff,
    }


def conference_peer_hits(year: int, norms: NormTable, group_of: dict[int, str]) -> list[Hit]:
    """The conference peer rule from per-unit totals computed in the database."""
    rows = (
        Conference.objects.filter(year=year)
        .values("unit_id")
        .annotate(
            cost=Sum(F("meals_paid") + F("refreshments_paid") + F("venue_paid") + F("other_paid")),
            pdays=Sum((F("on_payroll") + F("off_payroll")) * F("days")),
        )
    )
    totals = {(r["unit_id"], year): (Decimal(r["cost"] or 0), r["pdays"] or 0) for r in rows}
    missing = {u for u, _y in totals} - set(group_of)
    if missing:
        levels = OrgUnit.objects.filter(pk__in=list(missing)).values_list("pk", "level_id")
        group_of = {**group_of, **{pk: str(level) for pk, level in levels}}
    hits = conference_outliers(totals, norms, group_of)
    if hits:
        flagged = {h.unit_id for h in hits}
        ids: dict[int, list[int]] = {u: [] for u in flagged}
        pairs = Conference.objects.filter(year=year, unit_id__in=flagged).values_list(
            "unit_id", "pk"
        )
        for unit_id, pk in pairs:
            ids[unit_id].append(pk)
        for h in hits:
            h.links = {"conferences": ids[h.unit_id]}
    return hits
