"""Catalogue 2026.1 as data/catalogue.json now has it: figures that cannot be negative (every
typed one) take 0 as their smallest value, and amounts in million VND take two decimals (down to ten thousand
đồng), so that 51,5 or 12,25 triệu đồng are accepted and 1,2345 is refused. Two, not three:
with three, a figure such as 1,234 triệu could not be told from 1.234 written the English way."""

from django.db import migrations

NOT_NEGATIVE = [
    "EST_RECURRENT",
    "SETTLE_RECURRENT",
    "CONF_SPEND",
    "SAV_CONF",
    "SAV_TRAVEL_DOMESTIC",
    "SAV_TRAVEL_FOREIGN",
    "SAV_UTILITIES",
    "SAV_STATIONERY",
    "SAV_RECEPTION",
    "SAV_FESTIVAL",
    "ELECTRICITY_KWH",
    "WATER_M3",
    "INV_PLAN",
    "INV_DISBURSED",
    "SAV_INV_CUT",
    "SAV_CEREMONY",
    "SAV_BIDDING",
    "SAV_AUDIT",
    "PROC_CENTRAL",
    "PROC_OUTSIDE",
    "SAV_VEHICLE_DEFER",
    "SAV_PROC_BIDDING",
    "SAV_OFFICE_DEFER",
    "AREA_RECOVERED",
    "DOCS_TOTAL",
    "DOCS_ELECTRONIC",
    "ONLINE_SERVICES",
    "ONLINE_MEETINGS",
    "STAFF_QUOTA",
    "STAFF_ACTUAL",
    "TIME_SAVED_HOURS",
    "INSPECTIONS",
    "WASTE_CASES",
    "WASTE_HANDLED",
    "WASTE_RECOVERY",
    "PUBLIC_DISCLOSURES",
]
"""Every typed indicator of the catalogue. Savings too: a saving is never negative, an
overspend is reported on the spending indicators (validation.default_rules, *_NON_NEGATIVE).
The derived rates (a saving rate can be negative) keep no minimum."""


def forwards(apps, schema_editor):
    Indicator = apps.get_model("reporting", "Indicator")
    Indicator.objects.filter(code__in=NOT_NEGATIVE, minimum__isnull=True).update(minimum=0)
    Indicator.objects.filter(unit="million_vnd", decimals=0).update(decimals=2)


def backwards(apps, schema_editor):
    Indicator = apps.get_model("reporting", "Indicator")
    Indicator.objects.filter(code__in=NOT_NEGATIVE).update(minimum=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_indicator_minimum"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
