"""What an export costs: the same queries at two sizes, and bounded memory for a large one."""

import gc
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cfp import exports
from cfp.enums import ProposalState
from cfp.models import Proposal, TalkSlot
from speakers.models import SpeakerProfile, User
from tests.cfp.export_files import body, export_url, run_action
from tests.factories import ProposalFactory, SpeakerFactory, TalkSlotFactory

pytestmark = pytest.mark.django_db


def add_talks(event, n, *, track, kind, room):
    """n confirmed talks with two speakers each; every other one scheduled."""
    day = datetime.combine(event.start_date, datetime.min.time(), tzinfo=UTC)
    for i in range(n):
        talk = ProposalFactory(
            event=event,
            state=ProposalState.CONFIRMED,
            track=track,
            submission_type=kind,
            speakers=[SpeakerFactory(), SpeakerFactory()],
        )
        if i % 2 == 0:
            TalkSlotFactory(proposal=talk, event=event, room=room, start=day + timedelta(hours=i))


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body(response)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["talks_csv", "speakers_csv", "talks_json"])
def test_export_costs_the_same_queries_at_two_sizes(export_client, export_world, name):
    url = export_url(name, export_world.event)
    options = {"track": export_world.track, "kind": export_world.kind, "room": export_world.room}
    add_talks(export_world.event, 2, **options)
    small = queries_of(export_client, url)

    add_talks(export_world.event, 20, **options)
    large = queries_of(export_client, url)

    assert small == large


def test_action_costs_the_same_queries_at_two_sizes(export_client, export_world):
    options = {"track": export_world.track, "kind": export_world.kind, "room": export_world.room}

    def queries_for_all():
        proposals = list(Proposal.objects.filter(event=export_world.event))
        with CaptureQueriesContext(connection) as queries:
            body(run_action(export_client, "export_selected_json", proposals))
        return len(queries)

    add_talks(export_world.event, 2, **options)
    small = queries_for_all()
    add_talks(export_world.event, 20, **options)

    assert queries_for_all() == small


def bulk_talks(event, first: int, n: int, *, track, kind, room) -> None:
    """n confirmed talks, each with its own speaker and a kilobyte or two of text; one in
    ten scheduled. Fast: bulk inserts, no factories."""
    users = User.objects.bulk_create(
        User(email=f"bulk{i}@example.com", password="!") for i in range(first, first + n)
    )
    SpeakerProfile.objects.bulk_create(
        SpeakerProfile(user=u, name=f"Speaker {u.email}", biography="B" * 600, affiliation="Co")
        for u in users
    )
    talks = Proposal.objects.bulk_create(
        Proposal(
            event=event,
            title=f"Talk {i:06d}",
            state=ProposalState.CONFIRMED,
            track=track,
            submission_type=kind,
            experience_level="any",
            abstract="A" * 1200,
            audience="Everyone.",
            notes="N" * 200,
            submitted_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        for i in range(first, first + n)
    )
    Proposal.speakers.through.objects.bulk_create(
        Proposal.speakers.through(proposal_id=t.pk, user_id=u.pk)
        for t, u in zip(talks, users, strict=True)
    )
    start = datetime.combine(event.start_date, datetime.min.time(), tzinfo=UTC)
    TalkSlot.objects.bulk_create(
        TalkSlot(event=event, proposal=t, room=room, start=start + timedelta(minutes=i))
        for i, t in enumerate(talks)
        if i % 10 == 0
    )


def stream_cost(client, url) -> tuple[int, int, int]:
    """(peak bytes allocated, queries, bytes written) while downloading the whole file."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    gc.collect()
    tracemalloc.start()
    try:
        with connection.execute_wrapper(count):
            response = client.get(url)
            size = sum(len(chunk) for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, len(queries), size


def test_a_large_export_streams_in_bounded_memory(export_client, export_world, print_figures):
    options = {"track": export_world.track, "kind": export_world.kind, "room": export_world.room}
    url = export_url("talks_csv", export_world.event)
    started = time.monotonic()
    bulk_talks(export_world.event, 0, 1_000, **options)
    small_peak, small_queries, small_size = stream_cost(export_client, url)

    bulk_talks(export_world.event, 1_000, 9_000, **options)
    built = time.monotonic() - started
    large_peak, large_queries, large_size = stream_cost(export_client, url)

    print_figures(
        f"  export of 1,000 talks: peak {small_peak / 1e6:.1f} MB, {small_queries} queries,"
        f" {small_size / 1e6:.1f} MB of CSV"
        f"\n  export of 10,000 talks: peak {large_peak / 1e6:.1f} MB, {large_queries} queries,"
        f" {large_size / 1e6:.1f} MB of CSV"
        f"\n  ({time.monotonic() - started:.1f} s, of which {built:.1f} s building the talks"
        " and the first export)"
    )
    assert large_size > 9 * small_size  # ten times the talks were written...
    assert large_peak < 1.3 * small_peak  # ...in about the same memory
    assert large_peak < 15_000_000

    # Queries grow with the chunks (each chunk's speakers, tags and answers), never with
    # the rows.
    def chunks(talks: int) -> int:
        return -(-talks // exports.CHUNK_SIZE)

    assert large_queries - small_queries == 3 * (chunks(10_002) - chunks(1_002))
