"""The staff lists' search without reading every proposal: trigram indexes on UPPER(title),
UPPER(code) and UPPER(abstract), the expressions of Django's icontains
(UPPER(column) LIKE UPPER('%term%')).

They need PostgreSQL's pg_trgm extension, created here: as a superuser, or from PostgreSQL 13
on as a user allowed to create in the database (pg_trgm is a trusted extension). SQLite has no
GIN indexes: there the indexes stay in the models' state only, and the search reads every row.
"""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """AddIndex, made on PostgreSQL only; the index is in the state everywhere, so that
    makemigrations finds the models and the migrations agreeing on any database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(field: str) -> AddIndexOnPostgreSQL:
    return AddIndexOnPostgreSQL(
        model_name="proposal",
        index=django.contrib.postgres.indexes.GinIndex(
            django.contrib.postgres.indexes.OpClass(
                django.db.models.functions.text.Upper(field), name="gin_trgm_ops"
            ),
            name=f"proposal_{field}_trgm",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cfp", "0019_proposal_event_listed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtension(),  # does nothing on other databases than PostgreSQL
        trigram_index("title"),
        trigram_index("code"),
        trigram_index("abstract"),
    ]
