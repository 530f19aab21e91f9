"""The Exports page describes every column of every CSV file it offers, on the page itself."""

import csv
import html
import io
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from reviews.models import Criterion
from tests.cfp.export_files import body, export_url
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory, UserFactory
from tests.helpers import page


@pytest.fixture
def world(db):
    organizer = UserFactory(is_staff=True)
    event = EventFactory(slug="columns", organizers=[organizer])
    ProposalFactory(event=event, state="confirmed", speakers=[SpeakerFactory(), SpeakerFactory()])
    return SimpleNamespace(organizer=organizer, event=event)


@pytest.fixture
def organizer_client(client, world):
    client.force_login(world.organizer)
    return client


def described_columns(text: str, table_id: str) -> dict[str, str]:
    """{column name: what it holds} from one of the page's column tables."""
    match = re.search(rf'<details[^>]*id="{table_id}".*?</details>', text, re.S)
    assert match, f"the page has no column table {table_id}"
    rows = re.findall(
        r'<th scope="row"><code>(.*?)</code></th><td>(.*?)</td>', match.group(0), re.S
    )
    return {html.unescape(name): html.unescape(meaning) for name, meaning in rows}


def csv_header(data: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_exports_page_describes_every_column_of_the_talk_files(organizer_client, world):
    text = page(organizer_client.get(reverse("admin:cfp_event_exports", args=[world.event.pk])))

    for name, table in (("talks_csv", "columns-talks"), ("speakers_csv", "columns-speakers")):
        header = csv_header(body(organizer_client.get(export_url(name, world.event))))
        described = described_columns(text, table)
        assert list(described) == header, name
        assert all(meaning.strip() for meaning in described.values()), name
    assert "docs/exports.md" not in text and "manage.py export_talks" not in text


def test_exports_page_describes_every_column_of_the_review_files(organizer_client, world):
    Criterion.objects.create(event=world.event, name="Relevance", min_score=0, max_score=3)
    Criterion.objects.create(event=world.event, name="Clarity", min_score=1, max_score=5)
    text = page(organizer_client.get(reverse("admin:cfp_event_exports", args=[world.event.pk])))

    for name, table in (
        ("reviews_csv", "columns-reviews"),
        ("proposals_csv", "columns-review-aggregates"),
    ):
        url = f"{reverse(f'admin:reviews_export_{name}')}?event={world.event.pk}"
        header = csv_header(body(organizer_client.get(url)))
        described = described_columns(text, table)
        assert list(described) == header, name
        assert all(meaning.strip() for meaning in described.values()), name
    assert "Relevance (0–3)" in described_columns(text, "columns-reviews")
    assert "mean Clarity (1–5)" in described_columns(text, "columns-review-aggregates")


def test_exports_page_names_the_default_criterion_without_creating_it(organizer_client, world):
    Criterion.objects.filter(event=world.event).delete()  # an event without its defaults
    text = page(organizer_client.get(reverse("admin:cfp_event_exports", args=[world.event.pk])))

    assert "Overall (1–5)" in described_columns(text, "columns-reviews")
    url = f"{reverse('admin:reviews_export_reviews_csv')}?event={world.event.pk}"
    assert "Overall (1–5)" in csv_header(body(organizer_client.get(url)))
    assert not Criterion.objects.filter(event=world.event).exists()  # reads write nothing
