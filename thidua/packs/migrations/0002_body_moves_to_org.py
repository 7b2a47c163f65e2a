"""The body moves down to the org layer (thidua/org/body.py) so every app can read its wording:
copy each row (keeping its id and set-up time), fill its wording from the pack's `body`
section when the pack is on disk, then drop the packs table."""

import json

from django.core.management.color import no_style
from django.db import migrations

from thidua.lib.packs import pack_file


def _wording(pack: str) -> dict:
    path = pack_file("pack.json", pack)
    if not path.is_file():
        return {}
    section = json.loads(path.read_text(encoding="utf-8")).get("body") or {}
    flat: dict = {}
    for key, value in section.items():
        if key == "note":
            continue
        if key in ("documents", "wording") and isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    return {k: v for k, v in flat.items() if isinstance(v, str)}


def copy(apps, schema_editor):
    Old = apps.get_model("packs", "Body")
    New = apps.get_model("org", "Body")
    for row in Old.objects.all():
        new = New.objects.create(
            id=row.id,
            unit_id=row.unit_id,
            seat=row.seat,
            pack=row.pack,
            pack_version=row.pack_version,
            wording=_wording(row.pack),
        )
        New.objects.filter(pk=new.pk).update(created_at=row.created_at)
    _reset_ids(schema_editor, New)


def copy_back(apps, schema_editor):
    Old = apps.get_model("packs", "Body")
    New = apps.get_model("org", "Body")
    for row in New.objects.all():
        old = Old.objects.create(
            id=row.id,
            unit_id=row.unit_id,
            seat=row.seat,
            pack=row.pack,
            pack_version=row.pack_version,
        )
        Old.objects.filter(pk=old.pk).update(created_at=row.created_at)
    _reset_ids(schema_editor, Old)


def _reset_ids(schema_editor, model):
    """Rows were copied with their ids: move PostgreSQL's id sequence past them."""
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("packs", "0001_body"),
        ("org", "0005_body_and_wording"),
    ]

    operations = [
        migrations.RunPython(copy, copy_back),
        migrations.DeleteModel(name="Body"),
    ]
