"""Ballot secrecy (issue 12): random ballot ids, the day only, voter tokens under their own key,
person tokens and the participation register for the ballots already cast.

Existing ballots survive: their choices move to the new ids; the cast time becomes its day; online
ballots of cycles still voting get their voter token under ``VOTER_TOKEN_KEY`` (recomputed per
account: the old token is HMAC(IDENTITY_HASH_KEY, "budget-voter:<cycle>:<user>")), the tokens of
closed cycles are erased, and every counted ballot of an unpublished cycle whose person is known
takes its row in the participation register. The formulas are copied here so later code changes
cannot change what this migration wrote.
"""

import hashlib
import hmac
import uuid

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.utils import timezone


def _hmac(key, message):
    return hmac.new(str(key).encode(), message.encode(), hashlib.sha256).hexdigest()


def _person_key(identity_key):
    return _hmac(settings.PERSON_KEY_SECRET, f"person:{identity_key}")


def fill_ids_and_days(apps, schema_editor):
    Ballot = apps.get_model("budget", "Ballot")
    BallotChoice = apps.get_model("budget", "BallotChoice")
    if schema_editor.connection.vendor == "postgresql":
        table = Ballot._meta.db_table
        schema_editor.execute(
            f"UPDATE {table} SET uuid = gen_random_uuid(), cast_on = (cast_at AT TIME ZONE %s)::date",  # noqa: S608
            [settings.TIME_ZONE],
        )
    else:
        for ballot in Ballot.objects.only("pk", "cast_at").iterator():
            Ballot.objects.filter(pk=ballot.pk).update(uuid=uuid.uuid4(), cast_on=timezone.localdate(ballot.cast_at))
    BallotChoice.objects.update(ballot_uuid=Subquery(Ballot.objects.filter(pk=OuterRef("ballot_id")).values("uuid")[:1]))


def drop_primary_key(model_name):
    """PostgreSQL keeps a table's primary key until told otherwise, so the old one goes before the
    random id becomes the new one (and the other way round when migrating back). SQLite rebuilds
    the table from the model state instead."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = apps.get_model("budget", model_name)
        for name in schema_editor._constraint_names(model, primary_key=True):
            schema_editor.execute(schema_editor._delete_primary_key_sql(model, name))

    return run


def restore_id_primary_key(model_name):
    """Migrating back: the sequential id is the primary key again."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = apps.get_model("budget", model_name)
        if not schema_editor._constraint_names(model, primary_key=True):
            schema_editor.execute(f"ALTER TABLE {model._meta.db_table} ADD PRIMARY KEY (id)")

    return run


def random_primary_key(model_name):
    """The operations that replace the sequential id of ``model_name`` by the random ``uuid`` field
    (filled already), renamed to ``id``."""
    return [
        migrations.RunPython(drop_primary_key(model_name), migrations.RunPython.noop),
        migrations.RunPython(migrations.RunPython.noop, restore_id_primary_key(model_name)),
        migrations.AlterField(
            model_name=model_name,
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False),
        ),
        migrations.RemoveField(model_name=model_name, name="id"),
        migrations.RunPython(migrations.RunPython.noop, drop_primary_key(model_name)),
        migrations.RenameField(model_name=model_name, old_name="uuid", new_name="id"),
    ]


def fill_choice_ids(apps, schema_editor):
    BallotChoice = apps.get_model("budget", "BallotChoice")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"UPDATE {BallotChoice._meta.db_table} SET uuid = gen_random_uuid()")  # noqa: S608
    else:
        for pk in BallotChoice.objects.values_list("pk", flat=True).iterator():
            BallotChoice.objects.filter(pk=pk).update(uuid=uuid.uuid4())


def _online_people(apps, cycle):
    """old voter token -> (new voter token, person key or "") for every account verified in the
    cycle's community (any account that could have voted)."""
    Verification = apps.get_model("verification", "Verification")
    people = {}
    rows = Verification.objects.filter(community_id=cycle.community_id).values_list("user_id", "status", "person_key")
    for user_id, status, person_key in rows:
        old = _hmac(settings.IDENTITY_HASH_KEY, f"budget-voter:{cycle.pk}:{user_id}")
        known = people.get(old, (None, ""))[1]
        current = person_key if status == "active" else ""
        people[old] = (_hmac(settings.VOTER_TOKEN_KEY, f"budget-voter:{cycle.pk}:{user_id}"), known or current)
    return people


def rekey_and_register(apps, schema_editor):
    Ballot = apps.get_model("budget", "Ballot")
    BudgetCycle = apps.get_model("budget", "BudgetCycle")
    Participation = apps.get_model("verification", "Participation")
    for cycle in BudgetCycle.objects.all():
        ballots = Ballot.objects.filter(cycle=cycle)
        if not ballots.exists():
            continue
        voting = cycle.status == "voting" or (cycle.status == "suspended" and cycle.suspended_from == "voting")
        if cycle.results_published_at is not None:
            ballots.update(voter_token=None)  # no link is needed any more
            continue
        people = _online_people(apps, cycle)
        register = {}
        for ballot in ballots.order_by("cast_on", "status").iterator():
            if ballot.is_paper:
                person_key = _person_key(ballot.identity_key) if ballot.identity_key else ""
                channel, voter_token = "paper", None
            else:
                voter_token, person_key = people.get(ballot.voter_token, (None, ""))
                channel = "online"
            person_token = _hmac(settings.VOTER_TOKEN_KEY, f"budget-person:{cycle.pk}:{person_key}") if person_key else ""
            Ballot.objects.filter(pk=ballot.pk).update(voter_token=voter_token if voting else None, person_token=person_token)
            if person_key and ballot.status == "counted":
                register.setdefault(person_key, channel)
        Participation.objects.bulk_create(
            [
                Participation(process=f"budget.vote:{cycle.pk}", person_key=key, channel=channel, recorded_on=timezone.localdate())
                for key, channel in register.items()
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0005_paper_identity_index"),
        ("verification", "0004_code_number_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="budgetcycle",
            name="duplicate_rule",
            field=models.CharField(
                choices=[
                    ("first", "the ballot cast first counts"),
                    ("paper", "the paper ballot counts"),
                    ("online", "the online ballot counts"),
                ],
                default="first",
                max_length=10,
                verbose_name="when one person voted online and on paper",
            ),
        ),
        # The day only, and a random id (the choices follow their ballot to it).
        migrations.AddField(model_name="ballot", name="cast_on", field=models.DateField(null=True)),
        migrations.AddField(model_name="ballot", name="uuid", field=models.UUIDField(null=True)),
        migrations.AddField(model_name="ballotchoice", name="ballot_uuid", field=models.UUIDField(null=True)),
        migrations.RunPython(fill_ids_and_days, migrations.RunPython.noop),
        migrations.RemoveField(model_name="ballot", name="cast_at"),
        migrations.AlterField(model_name="ballot", name="cast_on", field=models.DateField()),
        migrations.RemoveConstraint(model_name="ballotchoice", name="budget_choice_unique"),
        migrations.RemoveField(model_name="ballotchoice", name="ballot"),
        *random_primary_key("ballot"),
        migrations.RenameField(model_name="ballotchoice", old_name="ballot_uuid", new_name="ballot"),
        migrations.AlterField(
            model_name="ballotchoice",
            name="ballot",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="choices",
                to="budget.ballot",
            ),
        ),
        migrations.AddConstraint(
            model_name="ballotchoice",
            constraint=models.UniqueConstraint(fields=("ballot", "project"), name="budget_choice_unique"),
        ),
        # The choices get random ids of their own (a sequential id gives the order of casting).
        migrations.AddField(model_name="ballotchoice", name="uuid", field=models.UUIDField(null=True)),
        migrations.RunPython(fill_choice_ids, migrations.RunPython.noop),
        *random_primary_key("ballotchoice"),
        # Voter tokens under their own key, person tokens, the register; then the identity key goes.
        migrations.AddField(model_name="ballot", name="person_token", field=models.CharField(blank=True, max_length=64)),
        migrations.RunPython(rekey_and_register, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="ballot", name="budget_ballot_paper_identity"),
        migrations.RemoveField(model_name="ballot", name="identity_key"),
        migrations.AddIndex(
            model_name="ballot",
            index=models.Index(
                condition=models.Q(("is_paper", True)), fields=["cycle", "person_token"], name="budget_ballot_paper_person"
            ),
        ),
    ]
