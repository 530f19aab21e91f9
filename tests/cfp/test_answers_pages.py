"""Answers on the pages that show a proposal, and the answer file download."""

import pytest
from django.urls import reverse

from cfp.enums import ProposalState
from tests.cfp.answer_world import (
    HIDDEN_FILE,
    IDENT_FILE,
    OPEN_FILE,
    PDF,
    PLAIN,
    PUBLIC,
    RETIRED,
    SECRET,
    answer_world,
    file_url,
    review_url,
    reviewer_file_url,
)
from tests.cfp.test_public import publish
from tests.factories import RoomFactory, SpeakerFactory, TalkSlotFactory, UserFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db


def stored_names(world) -> list[str]:
    return [
        answer.file.name.rsplit("/", 1)[-1]
        for answer in (world.a.open_file, world.a.ident_file, world.a.hidden_file)
    ]


def test_the_speaker_sees_their_answers_and_opens_their_files(client):
    world = answer_world()
    client.force_login(world.speaker)

    response = client.get(world.proposal.get_absolute_url())

    html = page(response)
    for text in (PLAIN, SECRET, RETIRED, "3.5", "Kernel, Go", "they/them", OPEN_FILE, HIDDEN_FILE):
        assert text in html
    assert file_url(world, world.a.hidden_file) in html
    own = html.split("Your answers as a speaker")[1].split("History")[0]
    assert "(Sam Speaker)" in own and "(Cora Cospeaker)" not in own
    assert not any(name in html for name in stored_names(world))


def test_the_organizer_sees_every_answer_on_the_proposal_page(client):
    world = answer_world()
    client.force_login(world.organizer)

    response = client.get(reverse("admin:cfp_proposal_change", args=[world.proposal.pk]))

    html = page(response)
    for text in (PLAIN, SECRET, RETIRED, IDENT_FILE, HIDDEN_FILE, "Cora Cospeaker", "retired"):
        assert text in html
    assert file_url(world, world.a.ident_file) in html


def test_a_reviewer_sees_answers_and_only_the_files_they_may_open(client):
    world = answer_world()
    client.force_login(world.reviewer)

    response = client.get(review_url(world))

    html = page(response)
    assert response.status_code == 200
    for text in (PLAIN, SECRET, OPEN_FILE, IDENT_FILE, "Sam Speaker"):
        assert text in html
    assert RETIRED not in html
    assert HIDDEN_FILE not in html
    assert "reviewers cannot open it" in html
    assert reviewer_file_url(world, world.a.open_file) in html
    assert file_url(world, world.a.open_file) not in html


def test_blind_review_shows_nothing_of_identifying_answers(client):
    world = answer_world(blind=True)
    client.force_login(world.reviewer)

    response = client.get(review_url(world))

    html = page(response)
    assert PLAIN in html and OPEN_FILE in html
    for text in (SECRET, IDENT_FILE, HIDDEN_FILE, "Your employer", "Your CV", "Sam Speaker"):
        assert text not in html
    assert reviewer_file_url(world, world.a.ident_file) not in html
    assert f"/{world.a.ident_file.pk}/file/" not in html
    assert not any(name in html for name in stored_names(world))


def test_the_file_view_serves_the_organizer_an_attachment_with_protective_headers(client):
    world = answer_world()
    client.force_login(world.organizer)

    response = client.get(file_url(world, world.a.hidden_file))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == f'attachment; filename="{HIDDEN_FILE}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    ("who", "answer", "status"),
    [
        ("speaker", "hidden_file", 200),
        ("co_speaker", "ident_file", 200),
        ("reviewer", "open_file", 404),  # reviewers open files from their review page
        ("other speaker", "open_file", 404),
        ("other organizer", "open_file", 404),
        ("anonymous", "open_file", 404),
        ("organizer", "plain", 404),  # an answer without a file
    ],
)
def test_the_file_view_answers_only_those_the_rules_allow(client, who, answer, status):
    world = answer_world()
    users = {
        "speaker": world.speaker,
        "co_speaker": world.co_speaker,
        "reviewer": world.reviewer,
        "other speaker": SpeakerFactory(),
        "other organizer": UserFactory(is_staff=True),
        "organizer": world.organizer,
    }
    if who == "other organizer":
        from tests.factories import EventFactory

        EventFactory(organizers=[users[who]])
    if who != "anonymous":
        client.force_login(users[who])

    response = client.get(file_url(world, getattr(world.a, answer)))

    assert response.status_code == status
    if status == 404:
        assert HIDDEN_FILE.encode() not in response.content
        assert OPEN_FILE.encode() not in response.content


def test_the_file_view_of_another_event_is_a_404(client):
    world = answer_world()
    client.force_login(world.organizer)
    wrong = reverse("cfp:answer_file", kwargs={"event": "other", "pk": world.a.open_file.pk})

    assert client.get(wrong).status_code == 404


@pytest.mark.parametrize(
    ("blind", "answer", "status"),
    [
        (False, "open_file", 200),
        (False, "ident_file", 200),
        (False, "hidden_file", 404),
        (True, "open_file", 200),
        (True, "ident_file", 404),
        (True, "hidden_file", 404),
        (False, "plain", 404),
    ],
)
def test_reviewers_open_only_the_files_their_questions_allow(client, blind, answer, status):
    world = answer_world(blind=blind)
    client.force_login(world.reviewer)

    response = client.get(reviewer_file_url(world, getattr(world.a, answer)))

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_reviewer_outside_the_queue_opens_no_file(client):
    world = answer_world()
    stranger = SpeakerFactory(is_staff=True)
    from tests.factories import ReviewerTeamFactory

    ReviewerTeamFactory(members=[stranger])
    client.force_login(stranger)

    response = client.get(reviewer_file_url(world, world.a.open_file))

    assert response.status_code == 404


def published_world():
    world = answer_world(state=ProposalState.CONFIRMED)
    room = RoomFactory(event=world.event)
    TalkSlotFactory(proposal=world.proposal, event=world.event, room=room)
    publish(world.event)
    return world


def test_the_public_talk_page_shows_public_proposal_answers_only(client):
    world = published_world()

    response = client.get(reverse("cfp:talk", args=[world.event.slug, world.proposal.code]))

    html = page(response)
    assert PUBLIC in html
    for text in (PLAIN, SECRET, RETIRED, OPEN_FILE, "they/them"):
        assert text not in html


def test_the_public_speaker_page_shows_public_speaker_answers_only(client):
    world = published_world()

    response = client.get(reverse("cfp:speaker", args=[world.event.slug, world.speaker.pk]))

    html = page(response)
    assert "they/them" in html
    assert "Pronouns" in html
    for text in (PUBLIC, PLAIN, "T-shirt size"):
        assert text not in html


def test_nothing_is_public_before_the_talk_is_published(client):
    world = answer_world(state=ProposalState.CONFIRMED)

    talk = client.get(reverse("cfp:talk", args=[world.event.slug, world.proposal.code]))
    speaker = client.get(reverse("cfp:speaker", args=[world.event.slug, world.speaker.pk]))

    assert talk.status_code == speaker.status_code == 404
    assert PUBLIC.encode() not in talk.content + speaker.content
