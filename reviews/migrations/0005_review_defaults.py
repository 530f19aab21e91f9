"""Every existing event gets the review defaults that new events get when they are created:
its ReviewSettings row and, if it has no criteria, the default "Overall" 1–5 criterion.

Before, the first read created them (reviews.services.settings_for / criteria_for); reads
are pure now (reviews.selectors). The values are copied here, as they were at this
migration, so that a later change of the default does not rewrite history.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef

OVERALL = {
    "name": "Overall",
    "min_score": 1,
    "max_score": 5,
    "labels": "1 = Poor\n2 = Weak\n3 = Fair\n4 = Good\n5 = Excellent",
}


def create_defaults(apps, schema_editor):
    db = schema_editor.connection.alias
    Event = apps.get_model("cfp", "Event")
    ReviewSettings = apps.get_model("reviews", "ReviewSettings")
    Criterion = apps.get_model("reviews", "Criterion")
    events = Event.objects.using(db).order_by("pk")
    lacking_settings = events.filter(~Exists(ReviewSettings.objects.filter(event=OuterRef("pk"))))
    ReviewSettings.objects.using(db).bulk_create(
        [ReviewSettings(event_id=pk) for pk in lacking_settings.values_list("pk", flat=True)],
        batch_size=1000,
    )
    lacking_criteria = events.filter(~Exists(Criterion.objects.filter(event=OuterRef("pk"))))
    Criterion.objects.using(db).bulk_create(
        [Criterion(event_id=pk, **OVERALL) for pk in lacking_criteria.values_list("pk", flat=True)],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_one_line_fields"),
    ]

    # Reversing keeps the rows: they are what the reads would have created anyway.
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
