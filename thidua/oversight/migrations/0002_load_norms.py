"""The norms of data/norms.json (legal-facts.md §4), loaded once; an administrator edits them."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from thidua.oversight.norms import load_norms

    load_norms(apps.get_model("oversight", "Norm"))


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_records_norms_findings")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
