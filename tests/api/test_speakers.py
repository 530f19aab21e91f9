"""An event's speakers in the API: the public sees those of the published programme (name,
biography, photo, public answers; never an email); organizers see every speaker of the
event's proposals with their email (tests/api/test_access_matrix.py covers every role)."""

import pytest

from cfp.enums import ProposalState, QuestionTarget
from cfp.models import CfP
from cfp.programme import schedule
from reviews.models import Assignment, ReviewSettings
from tests.api.helpers import assert_matches_schema, client_for
from tests.api.test_proposals_queries import World
from tests.factories import (
    AnswerFactory,
    EventFactory,
    ProposalFactory,
    QuestionFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    RoomFactory,
    SpeakerFactory,
    TalkSlotFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def publish(event):
    count = event.schedule_versions.count()
    schedule.schedule_publish(event=event, name=f"v{count + 1}", by=UserFactory(), notify=False)


def confirmed_talk(event, room, speakers, **fields):
    proposal = ProposalFactory(
        event=event, state=ProposalState.CONFIRMED, speakers=speakers, **fields
    )
    TalkSlotFactory(proposal=proposal, event=event, room=room)
    return proposal


@pytest.fixture
def programme(db):
    organizer = UserFactory(is_staff=True)
    event = EventFactory(slug="pub", organizers=[organizer])
    room = RoomFactory(event=event)
    star = SpeakerFactory(
        email="star@private.example",
        profile__name="Stella Public",
        profile__biography="Gives talks.",
        profile__links="https://stella.example\njavascript:alert(1)",
        profile__photo="photos/stella.jpg",
    )
    talk = confirmed_talk(event, room, [star])
    unpublished = SpeakerFactory(profile__name="Quentin Notyet")
    pending = ProposalFactory(event=event, speakers=[unpublished])
    pending.submit(by=unpublished)
    shown = QuestionFactory(event=event, target=QuestionTarget.SPEAKER, is_public=True)
    private = QuestionFactory(event=event, target=QuestionTarget.SPEAKER)
    AnswerFactory(question=shown, speaker=star, value="Public words")
    AnswerFactory(question=private, speaker=star, value="Private words")
    publish(event)
    return {
        "organizer": organizer,
        "event": event,
        "room": room,
        "star": star,
        "talk": talk,
        "unpublished": unpublished,
    }


def test_public_speakers_are_those_of_the_published_programme(programme):
    response = client_for().get("/api/v1/events/pub/speakers/")

    assert_matches_schema(response)
    assert response.status_code == 200
    (star,) = response.json()["results"]
    assert star == {
        "id": programme["star"].pk,
        "url": f"/api/v1/events/pub/speakers/{programme['star'].pk}/",
        "name": "Stella Public",
        "affiliation": "Example Corp",
        "biography": "Gives talks.",
        "photo_url": "/media/photos/stella.jpg",
        "links": ["https://stella.example"],  # never a javascript: line
        "proposals": [programme["talk"].code],
        "answers": [
            {
                "question_id": star["answers"][0]["question_id"],
                "question": star["answers"][0]["question"],
                "kind": "text",
                "value": "Public words",
                "options": [],
                "file_name": None,
                "file_url": None,
            }
        ],
    }
    assert "private.example" not in response.content.decode()
    assert "Private words" not in response.content.decode()


def test_public_speaker_detail_and_unpublished_speaker_404(programme):
    client = client_for()

    found = client.get(f"/api/v1/events/pub/speakers/{programme['star'].pk}/")
    missing = client.get(f"/api/v1/events/pub/speakers/{programme['unpublished'].pk}/")

    assert_matches_schema(found)
    assert_matches_schema(missing)
    assert found.json()["name"] == "Stella Public"
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_public_speakers_leave_out_what_the_event_does_not_ask(programme):
    CfP.objects.filter(event=programme["event"]).update(
        field_settings={"photo": {"state": "not_asked"}, "affiliation": {"state": "not_asked"}}
    )

    (star,) = client_for().get("/api/v1/events/pub/speakers/").json()["results"]

    assert (star["photo_url"], star["affiliation"]) == (None, "")


def test_organizer_sees_every_speaker_with_email(programme):
    response = client_for(programme["organizer"]).get("/api/v1/events/pub/speakers/")

    assert_matches_schema(response)
    emails = {item["email"] for item in response.json()["results"]}
    assert emails == {"star@private.example", programme["unpublished"].email}
    star = next(i for i in response.json()["results"] if i["id"] == programme["star"].pk)
    assert {a["value"] for a in star["answers"]} == {"Public words", "Private words"}


def test_hidden_event_speakers_are_404_for_the_public(programme):
    programme["event"].is_public = False
    programme["event"].save()

    response = client_for().get("/api/v1/events/pub/speakers/")

    assert_matches_schema(response)
    assert response.status_code == 404


def test_speakers_ordering_by_name_and_a_bad_ordering(programme):
    client = client_for(programme["organizer"])

    ordered = client.get("/api/v1/events/pub/speakers/?ordering=-name")
    bad = client.get("/api/v1/events/pub/speakers/?ordering=email")

    assert [i["name"] for i in ordered.json()["results"]] == ["Stella Public", "Quentin Notyet"]
    assert_matches_schema(bad)
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"ordering": ["Order by one of: id, name."]}


def test_public_speaker_list_queries_do_not_grow(programme, django_assert_num_queries):
    client = client_for()
    for size in (2, 9):
        while programme["event"].proposals.filter(state=ProposalState.CONFIRMED).count() < size:
            confirmed_talk(programme["event"], programme["room"], [SpeakerFactory()])
        publish(programme["event"])
        # The event, the published version, the page, their talks' codes, the public
        # answers and their options.
        with django_assert_num_queries(6):
            response = client.get("/api/v1/events/pub/speakers/?page_size=200")
        assert len(response.json()["results"]) == size
        assert_matches_schema(response)


@pytest.mark.parametrize("role", ["organizer", "reviewer"])
def test_staff_speaker_list_queries_do_not_grow(django_assert_num_queries, role):
    world = World()
    client = client_for(getattr(world, role))
    for size in (2, 9):
        world.add(size - world.count)
        # The token (2), the event, the caller's standing (2), the published version, the
        # page, their proposals' codes, the answers and their options.
        with django_assert_num_queries(9):
            response = client.get("/api/v1/events/counted/speakers/?page_size=200")
        assert len(response.json()["results"]) == size + 1  # and the one on every proposal
        assert_matches_schema(response)


def test_reviewer_sees_speakers_of_their_queue_only():
    world = World()
    world.add(2)
    outside = ProposalFactory(event=world.event, track=world.track, speakers=[SpeakerFactory()])
    outside.submit(by=outside.speakers.first())
    assert not Assignment.objects.filter(proposal=outside).exists()

    response = client_for(world.reviewer).get("/api/v1/events/counted/speakers/")

    ids = {item["id"] for item in response.json()["results"]}
    assert outside.speakers.first().pk not in ids
    assert world.speaker.pk in ids
    assert all("email" not in item for item in response.json()["results"])


def test_blind_reviewer_never_links_a_public_speaker_to_a_proposal_under_review(programme):
    event, star = programme["event"], programme["star"]
    ReviewSettings.objects.filter(event=event).update(blind=True)
    reviewer = ReviewerFactory()
    ReviewerTeamFactory(event=event, members=[reviewer])
    under_review = ProposalFactory(event=event, speakers=[star])
    under_review.submit(by=star)
    Assignment.objects.create(proposal=under_review, reviewer=reviewer)
    client = client_for(reviewer)

    speakers = client.get("/api/v1/events/pub/speakers/").json()["results"]
    proposal = client.get(f"/api/v1/events/pub/proposals/{under_review.code}/")

    # Stella is public as the speaker of her published talk, and only of that one.
    assert [(s["name"], s["proposals"]) for s in speakers] == [
        ("Stella Public", [programme["talk"].code])
    ]
    assert_matches_schema(proposal)
    assert "speakers" not in proposal.json()
    assert "Stella" not in proposal.content.decode()
