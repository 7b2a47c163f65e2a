"""Existing installs: fill `Title.law_title` from the titles.json of the packs shipped with the
code (a title whose code a pack lists), so the engine keeps checking them before the pack is
loaded again. A code two packs give different titles of the Law is left for the pack load."""

import json

from django.db import migrations

from thidua.lib.packs import PACKS_DIR


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Title = apps.get_model("awards", "Title")
    known: dict[str, set[str]] = {}
    for path in sorted(PACKS_DIR.glob("*/titles.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for row in data.get("titles", []):
            if row.get("law_title"):
                known.setdefault(row["code"], set()).add(row["law_title"])
    for code, laws in known.items():
        if len(laws) == 1:
            Title.objects.filter(code=code, law_title="").update(law_title=laws.pop())


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0007_title_law_title"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
