"""The public programme pages cost the same number of queries however big the programme is."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cfp.programme import schedule
from tests.cfp.test_public import at, publish, url
from tests.factories import (
    EventFactory,
    ProposalFactory,
    RoomFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TalkSlotFactory,
    TrackFactory,
    UserFactory,
)


def _programme(size: int, speakers_per_talk: int = 2):
    """A published event of `size` confirmed talks over two days, three rooms, four tracks,
    with photos, and a break each day."""
    event = EventFactory()
    rooms = [RoomFactory(event=event, position=i) for i in range(3)]
    tracks = [TrackFactory(event=event, position=i) for i in range(4)]
    talk_type = SubmissionTypeFactory(event=event)
    for i in range(size):
        speakers = [SpeakerFactory() for _ in range(speakers_per_talk)]
        speakers[0].profile.photo.name = f"photos/{i}.jpg"
        speakers[0].profile.save()
        proposal = ProposalFactory(
            event=event,
            state="confirmed",
            track=tracks[i % 4],
            submission_type=talk_type,
            speakers=speakers,
            slides_url="https://slides.example/x",
        )
        if i % 10:  # every tenth talk waits for a time
            TalkSlotFactory(
                proposal=proposal,
                event=event,
                room=rooms[i % 3],
                start=at(event, i % 2, 9 + (i // 6) % 10, 10 * (i % 6)),
            )
    for day in (0, 1):
        schedule.break_add(event=event, title="Lunch", start=at(event, day, 12), duration=60)
    publish(event)
    return event


def _count(client, address: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["talks", "schedule"])
def test_programme_pages_cost_the_same_with_10_and_200_talks(client, name):
    counts = []
    for size in (10, 200):
        event = _programme(size)
        queries, html = _count(client, url(name, event))
        assert html.count('href="/' + event.slug + "/talks/") >= size * (9 / 10)
        counts.append(queries)

    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_talk_page_costs_the_same_with_1_and_8_speakers(client):
    counts = []
    for speakers in (1, 8):
        event = _programme(1, speakers_per_talk=speakers)
        code = event.proposals.get().code
        queries, html = _count(client, url("talk", event, code=code))
        talk = event.proposals.get()
        pages = {url("speaker", event, pk=person.pk) for person in talk.speakers.all()}
        assert len(pages) == speakers
        assert set(re.findall(r'href="(/[^"]+/speakers/\d+/)"', html)) == pages
        counts.append(queries)

    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_speaker_page_costs_the_same_with_1_and_12_talks(client):
    counts = []
    for size in (1, 12):
        event = EventFactory()
        speaker = SpeakerFactory()
        room = RoomFactory(event=event)
        for i in range(size):
            proposal = ProposalFactory(
                event=event, state="confirmed", speakers=[speaker, SpeakerFactory()]
            )
            TalkSlotFactory(proposal=proposal, event=event, room=room, start=at(event, 0, 8 + i))
        schedule.schedule_publish(event=event, name="1", by=UserFactory(), notify=False)
        queries, html = _count(client, url("speaker", event, pk=speaker.pk))
        talks = {url("talk", event, code=p.code) for p in event.proposals.filter(speakers=speaker)}
        assert len(talks) == size
        assert set(re.findall(r'href="(/[^"]+/talks/\w+/)"', html)) == talks
        counts.append(queries)

    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_feeds_cost_the_same_with_10_and_200_talks(client):
    small, large = _programme(10), _programme(200)

    for name in ("schedule_ical", "schedule_xml", "schedule_json"):
        counts = [_count(client, url(name, event))[0] for event in (small, large)]
        assert counts[0] == counts[1], (name, counts)
