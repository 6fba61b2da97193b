"""Sealed ballots (issue 12): the cycle's key and custody, the sealed contents of a ballot, and
double entry by keyed digests instead of plaintext choices.

Ballots cast before this keep their ``BallotChoice`` rows (the count reads them). Second entries of
paper ballots become digests: each entry's choices and each paper ballot's choices are digested
(the same HMAC as ``budget.sealing.paper_digest``, written out here so that the migration does not
change with the code), agreeing positions are marked matched and their digests erased.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models


def _digest(batch_pk, position, ids):
    text = ",".join(str(pk) for pk in sorted(set(int(pk) for pk in ids)))
    message = f"budget-paper-check:{batch_pk}:{position}:{text}".encode()
    return hmac.new(str(settings.VOTER_TOKEN_KEY).encode(), message, hashlib.sha256).hexdigest()


def paper_entries_to_digests(apps, schema_editor):
    Ballot = apps.get_model("budget", "Ballot")
    BallotChoice = apps.get_model("budget", "BallotChoice")
    PaperCheckEntry = apps.get_model("budget", "PaperCheckEntry")
    first = {}
    for ballot in Ballot.objects.filter(is_paper=True, batch__isnull=False):
        ids = BallotChoice.objects.filter(ballot=ballot).values_list("project_id", flat=True)
        first[(ballot.batch_id, ballot.batch_position)] = (ballot.pk, _digest(ballot.batch_id, ballot.batch_position, ids))
    for entry in PaperCheckEntry.objects.all():
        digest = _digest(entry.batch_id, entry.batch_position, entry.project_ids)
        found = first.get((entry.batch_id, entry.batch_position))
        if found is not None and found[1] == digest:
            entry.digest, entry.matched = "", True
            del first[(entry.batch_id, entry.batch_position)]
        else:
            entry.digest = digest
        entry.save(update_fields=["digest", "matched"])
    for pk, digest in first.values():
        Ballot.objects.filter(pk=pk).update(check_digest=digest)


class Migration(migrations.Migration):

    dependencies = [
        ('budget', '0006_ballot_secrecy'),
    ]

    operations = [
        migrations.AddField(
            model_name='ballot',
            name='check_digest',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='ballot',
            name='sealed',
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='budgetcycle',
            name='custody',
            field=models.CharField(choices=[('server', 'server key (an environment secret)'), ('commission', 'commission key (shares of the counting commission)')], default='server', max_length=12, verbose_name='key custody'),
        ),
        migrations.AddField(
            model_name='budgetcycle',
            name='seal_members',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='budgetcycle',
            name='seal_public_key',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='budgetcycle',
            name='seal_share_digests',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name='budgetcycle',
            name='seal_threshold',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='papercheckentry',
            name='digest',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='papercheckentry',
            name='matched',
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(paper_entries_to_digests, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='papercheckentry',
            name='project_ids',
        ),
    ]
