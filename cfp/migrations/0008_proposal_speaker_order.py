"""Proposal.speakers gets a through model with each speaker's position.

The table of the plain many-to-many (cfp_proposal_speakers) becomes ProposalSpeaker's, row
for row: the state changes, the database does not (Django's documented way to add a through
model to an existing many-to-many). Then the position column comes, and the existing rows
get their places: the submitter first, then the others in the order they joined (the
acceptance of their invitation), ties by the row's id.
"""

from datetime import UTC, datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def initial_positions(apps, schema_editor):
    ProposalSpeaker = apps.get_model("cfp", "ProposalSpeaker")
    ProposalTransition = apps.get_model("cfp", "ProposalTransition")
    Invitation = apps.get_model("cfp", "Invitation")

    submitters = {}
    for proposal_id, user_id in (
        ProposalTransition.objects.filter(to_state="submitted", by__isnull=False)
        .order_by("-at", "-pk")
        .values_list("proposal_id", "by_id")
        .iterator()
    ):
        submitters[proposal_id] = user_id  # the last one written is the first submission
    joined = {
        (proposal_id, email.lower()): at
        for proposal_id, email, at in Invitation.objects.filter(
            state="accepted", responded_at__isnull=False
        ).values_list("proposal_id", "email", "responded_at")
    }
    earliest = datetime.min.replace(tzinfo=UTC)
    rows = {}
    for row in (
        ProposalSpeaker.objects.order_by("proposal_id", "pk")
        .values_list("pk", "proposal_id", "user_id", "user__email")
        .iterator()
    ):
        rows.setdefault(row[1], []).append(row)
    changed = []
    for proposal_id, speakers in rows.items():
        speakers.sort(
            key=lambda r: (
                r[2] != submitters.get(proposal_id),
                joined.get((proposal_id, r[3].lower()), earliest),
                r[0],
            )
        )
        for position, (pk, *_) in enumerate(speakers):
            if position:
                changed.append(ProposalSpeaker(pk=pk, position=position))
    ProposalSpeaker.objects.bulk_update(changed, ["position"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("cfp", "0007_organizers_staff_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProposalSpeaker",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "proposal",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="speaker_positions",
                                to="cfp.proposal",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="speaker_positions",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cfp_proposal_speakers",
                        "unique_together": {("proposal", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="proposal",
                    name="speakers",
                    field=models.ManyToManyField(
                        related_name="proposals",
                        through="cfp.ProposalSpeaker",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="proposalspeaker",
            name="position",
            field=models.PositiveIntegerField(default=0, verbose_name="position"),
        ),
        migrations.AlterModelOptions(
            name="proposalspeaker",
            options={"ordering": ["position", "pk"], "verbose_name": "speaker"},
        ),
        migrations.RunPython(initial_positions, migrations.RunPython.noop),
    ]
