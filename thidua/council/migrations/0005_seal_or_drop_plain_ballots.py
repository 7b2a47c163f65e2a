"""Votes stored in plain text before sealed ballots (docs/decisions/0005-secret-ballot.md):
those of closed sessions are dropped (their items carry the totals); those of open sessions are
sealed to a fresh session key, whose private half goes to the key directory."""

from typing import Any

from django.db import migrations


def seal_or_drop(apps: Any, schema_editor: Any) -> None:
    from thidua.council import ballot

    session_model = apps.get_model("council", "CouncilSession")
    vote_model = apps.get_model("council", "BallotVote")
    vote_model.objects.filter(item__session__status="closed").delete()
    for session in session_model.objects.filter(items__votes__isnull=False).distinct():
        private, session.ballot_key = ballot.new_key_pair()
        session.save(update_fields=["ballot_key"])
        for vote in vote_model.objects.filter(item__session=session):
            vote.sealed = ballot.seal(session.ballot_key, vote.choice, vote.item_id)
            vote.save(update_fields=["sealed"])
        ballot.store_private_key(session.pk, private)


class Migration(migrations.Migration):
    dependencies = [
        ("council", "0004_sealed_ballot_fields"),
    ]

    operations = [migrations.RunPython(seal_or_drop, migrations.RunPython.noop)]
