"""Fill Person.sort_key (given name first, Vietnamese order) for the people already stored."""

from django.db import migrations

from thidua.lib.text import vn_sort_key


def fill(apps, schema_editor):
    Person = apps.get_model("org", "Person")
    batch = []
    for person in Person.objects.only("id", "full_name").iterator(chunk_size=2000):
        person.sort_key = vn_sort_key(person.full_name, given_name_first=True)
        batch.append(person)
        if len(batch) >= 2000:
            Person.objects.bulk_update(batch, ["sort_key"])
            batch = []
    Person.objects.bulk_update(batch, ["sort_key"])


class Migration(migrations.Migration):
    dependencies = [("org", "0003_person_sort_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
