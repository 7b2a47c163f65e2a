from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("council", "0005_seal_or_drop_plain_ballots"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="ballotvote",
            name="choice",
        ),
    ]
