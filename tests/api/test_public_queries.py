"""The public programme's endpoints cost the same number of queries however big the programme
(at most 15 for any list)."""

import pytest
from django.core.cache import cache

from cfp.enums import QuestionTarget
from cfp.programme import schedule
from tests.api.helpers import client_for
from tests.cfp.test_public import at, publish
from tests.factories import (
    AnswerFactory,
    EventFactory,
    ProposalFactory,
    QuestionFactory,
    RoomFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TalkSlotFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db

LIST_QUERIES = 8  # event, version, talks, speakers, talk answers (2), speaker answers (2)


def programme(size: int, speakers_per_talk: int = 2):
    """A published event of `size` confirmed talks over two days in three rooms and four
    tracks, speakers with photos, public answers of talks and speakers, a break each day."""
    event = EventFactory()
    rooms = [RoomFactory(event=event, position=i) for i in range(3)]
    tracks = [TrackFactory(event=event, position=i) for i in range(4)]
    talk_type = SubmissionTypeFactory(event=event)
    asked = QuestionFactory(event=event, is_public=True)
    about = QuestionFactory(event=event, is_public=True, target=QuestionTarget.SPEAKER)
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
        )
        AnswerFactory(question=asked, proposal=proposal, value=f"Answer {i}")
        for speaker in speakers:
            AnswerFactory(question=about, speaker=speaker, value=f"About {speaker.pk}")
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


@pytest.mark.parametrize("size", [2, 15])
def test_talk_list_costs_the_same_at_any_size(size, django_assert_num_queries):
    event = programme(size)
    client = client_for()

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(f"/api/v1/events/{event.slug}/talks/", {"page_size": 200})

    talks = response.json()["results"]
    assert len(talks) == size
    assert all(talk["answers"] and talk["speakers"][1]["answers"] for talk in talks)


@pytest.mark.parametrize("size", [2, 15])
def test_a_filtered_talk_list_costs_one_more(size, django_assert_num_queries):
    event = programme(size)
    track = event.tracks.order_by("position").first()

    with django_assert_num_queries(LIST_QUERIES + 1):  # the track, checked
        response = client_for().get(f"/api/v1/events/{event.slug}/talks/", {"track": track.pk})

    assert {talk["track_id"] for talk in response.json()["results"]} == {track.pk}


@pytest.mark.parametrize("size", [2, 15])
def test_talk_list_with_a_token_costs_what_the_token_does(size, django_assert_num_queries):
    event = programme(size)
    client = client_for(SpeakerFactory())

    with django_assert_num_queries(LIST_QUERIES + 2):  # the token's user, its last use
        response = client.get(f"/api/v1/events/{event.slug}/talks/")

    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("speakers", [1, 8])
def test_a_talk_costs_the_same_with_any_number_of_speakers(speakers, django_assert_num_queries):
    event = programme(1, speakers_per_talk=speakers)
    code = event.proposals.get().code

    with django_assert_num_queries(LIST_QUERIES):
        response = client_for().get(f"/api/v1/events/{event.slug}/talks/{code}/")

    assert len(response.json()["speakers"]) == speakers


@pytest.mark.parametrize("size", [2, 15])
def test_schedule_costs_the_same_at_any_size(size, django_assert_num_queries):
    event = programme(size)
    address = f"/api/v1/events/{event.slug}/schedule/"
    cache.clear()

    # event, version; the programme: version, talks, speakers, breaks
    with django_assert_num_queries(6):
        first = client_for().get(address)
    with django_assert_num_queries(2):  # event, version: the document is in the cache
        again = client_for().get(address)

    talks = [slot for slot in first.json()["slots"] if slot["kind"] == "talk"]
    assert len(talks) == size - (size + 9) // 10  # every tenth has no time yet
    assert again.json() == first.json()
