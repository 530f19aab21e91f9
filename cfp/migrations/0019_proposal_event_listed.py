"""The organizers' proposal list in its order, then the state: a later page's ids are read
from this index alone (cfp/admin/paging.py), drafts left out there, without the rows."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cfp", "0018_proposal_figures_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                fields=["event", "-created_at", "-id", "state"], name="proposal_event_listed"
            ),
        ),
    ]
