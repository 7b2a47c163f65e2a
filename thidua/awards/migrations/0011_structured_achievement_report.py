"""The achievement report becomes structured (issue 9 point 8): `Proposal.report`, a JSON
object in the form of the regulation in force. An existing text becomes the report's
"achievements" section, so that nothing written is lost."""

from django.db import migrations, models


def text_to_report(apps, schema_editor):
    Proposal = apps.get_model("awards", "Proposal")
    for proposal in Proposal.objects.exclude(achievement_report="").iterator():
        proposal.report = {
            "kind": "individual" if proposal.person_id else "collective",
            "narrative": {"results": proposal.achievement_report},
        }
        proposal.save(update_fields=["report"])


def report_to_text(apps, schema_editor):
    Proposal = apps.get_model("awards", "Proposal")
    for proposal in Proposal.objects.iterator():
        narrative = (proposal.report or {}).get("narrative") or {}
        proposal.achievement_report = "\n\n".join(str(v) for v in narrative.values() if v)
        proposal.save(update_fields=["achievement_report"])


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0010_initiative_level_in_the_bodys_words"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="report",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="the structured achievement report (thidua.awards.achievement)",
                verbose_name="achievement report",
            ),
        ),
        migrations.RunPython(text_to_report, report_to_text),
        migrations.RemoveField(model_name="proposal", name="achievement_report"),
    ]
