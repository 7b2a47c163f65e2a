from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("council", "0003_cash_unknown_when_no_base_salary"),
    ]

    operations = [
        migrations.AddField(
            model_name="ballotvote",
            name="sealed",
            field=models.BinaryField(default=b"", max_length=76, verbose_name="sealed choice"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="councilsession",
            name="ballot_key",
            field=models.BinaryField(
                blank=True, default=b"", max_length=32, verbose_name="ballot public key"
            ),
        ),
    ]
