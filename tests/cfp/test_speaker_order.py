"""The speakers' order: the submitter first, co-speakers as they joined, unless the speakers
or the organizers reorder them; every page, feed, email and file lists them in that order."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from cfp import services
from cfp.mail import emails
from cfp.models import ProposalSpeaker
from cfp.services import ActionRefused
from tests.cfp.test_public import at, make_talk, publish, url
from tests.factories import (
    EventFactory,
    InvitationFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    RoomFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.helpers import FormData, form_errors, page


def order_in(text: str, *names: str) -> list[str]:
    """The names as the text lists them (each must be there)."""
    positions = {name: text.index(name) for name in names}
    return sorted(names, key=positions.__getitem__)


@pytest.fixture
def duo(db):
    """A published talk by Zoe (the submitter) and Ada (her co-speaker): Ada's name and
    address sort first, so any order by name or email shows up."""
    organizer = UserFactory(is_staff=True)
    event = EventFactory(name="OrderCon", slug="ordercon", organizers=[organizer])
    zoe = SpeakerFactory(email="zoe@example.com", profile__name="Zoe Zeta")
    ada = SpeakerFactory(email="ada@example.com", profile__name="Ada Alpha")
    room = RoomFactory(event=event, name="Hall")
    talk = make_talk(
        event, title="Ordered talk", speakers=[zoe, ada], room=room, start=at(event, 0, 10)
    )
    publish(event)
    return event, talk, zoe, ada, organizer


def speakers_card(body: str) -> str:
    """The proposal page's list of speakers (the page's header names the signed-in user)."""
    return body[body.index('id="speakers"') :]


def speaker_names(talk) -> list[str]:
    return [s.display_name for s in talk.speakers_in_order()]


def move_url(talk, speaker) -> str:
    return reverse(
        "cfp:speaker_move", kwargs={"event": talk.event.slug, "code": talk.code, "pk": speaker.pk}
    )


# --- the public programme, feeds, emails ------------------------------------------------------


def test_public_pages_list_speakers_in_their_order(client, duo):
    event, talk, zoe, ada, _ = duo

    for address in (
        url("talk", event, code=talk.code),
        url("talks", event),
        url("schedule", event),
    ):
        body = page(client.get(address))
        assert order_in(body, "Zoe Zeta", "Ada Alpha") == ["Zoe Zeta", "Ada Alpha"], address


def test_schedule_feeds_list_speakers_in_their_order(client, duo):
    event, talk, zoe, ada, _ = duo
    talk.move_speaker(ada, -1)  # reordered: Ada first now
    cache.clear()

    root = ET.fromstring(client.get(url("schedule_xml", event)).content)  # noqa: S314 (ours)
    persons = [p.text for p in root.findall("./day/room/event/persons/person")]
    data = json.loads(client.get(url("schedule_json", event)).content)
    [item] = [
        e for d in data["schedule"]["conference"]["days"] for r in d["rooms"].values() for e in r
    ]
    ical = client.get(url("talk_ical", event, code=talk.code)).content.decode()

    assert persons == ["Ada Alpha", "Zoe Zeta"]
    assert [p["public_name"] for p in item["persons"]] == ["Ada Alpha", "Zoe Zeta"]
    unfolded = ical.replace("\r\n ", "")
    assert order_in(unfolded, "Zoe Zeta", "Ada Alpha") == ["Ada Alpha", "Zoe Zeta"]


def test_speakers_placeholder_of_emails_follows_the_order(duo):
    _, talk, zoe, ada, _ = duo

    assert emails.proposal_values(talk, zoe)["speakers"] == "Zoe Zeta, Ada Alpha"
    talk.move_speaker(zoe, 1)
    assert emails.proposal_values(talk, zoe)["speakers"] == "Ada Alpha, Zoe Zeta"


def test_schedule_grid_lists_speakers_in_their_order(client, duo):
    event, talk, zoe, ada, organizer = duo
    client.force_login(organizer)

    body = page(client.get(reverse("admin:cfp_event_schedule", args=[event.pk])))

    assert order_in(body, "Zoe Zeta", "Ada Alpha") == ["Zoe Zeta", "Ada Alpha"]


# --- joining and reordering -------------------------------------------------------------------


def test_new_co_speaker_joins_last(client, duo):
    _, talk, zoe, ada, _ = duo
    talk.move_speaker(ada, -1)
    bea = SpeakerFactory(email="bea@example.com", profile__name="Bea Beta")
    invitation = InvitationFactory(proposal=talk, email=bea.email, invited_by=zoe)
    client.force_login(bea)

    client.post(invitation.get_absolute_url())

    assert speaker_names(talk) == ["Ada Alpha", "Zoe Zeta", "Bea Beta"]


def test_proposal_page_offers_to_move_each_speaker_up_or_down(client, duo):
    _, talk, zoe, ada, _ = duo
    client.force_login(ada)

    body = speakers_card(page(client.get(talk.get_absolute_url())))

    assert order_in(body, "Zoe Zeta", "Ada Alpha") == ["Zoe Zeta", "Ada Alpha"]
    assert body.count(f'action="{move_url(talk, zoe)}"') == 1
    assert body.count(f'action="{move_url(talk, ada)}"') == 1
    assert "Move Zoe Zeta down" in body and "Move Zoe Zeta up" not in body
    assert "Move Ada Alpha up" in body and "Move Ada Alpha down" not in body


def test_speaker_moves_a_co_speaker_up_and_every_list_follows(client, duo):
    event, talk, zoe, ada, _ = duo
    client.force_login(zoe)

    response = client.post(move_url(talk, ada), {"direction": "up"})

    assert response.status_code == 302
    assert response.url == f"{talk.get_absolute_url()}#speakers"
    assert speaker_names(talk) == ["Ada Alpha", "Zoe Zeta"]
    assert list(talk.speaker_positions.values_list("user_id", "position")) == [
        (ada.pk, 0),
        (zoe.pk, 1),
    ]
    mine = speakers_card(page(client.get(talk.get_absolute_url())))
    assert order_in(mine, "Zoe Zeta", "Ada Alpha") == ["Ada Alpha", "Zoe Zeta"]
    cache.clear()
    client.logout()
    public = page(client.get(url("talk", event, code=talk.code)))
    assert order_in(public, "Zoe Zeta", "Ada Alpha") == ["Ada Alpha", "Zoe Zeta"]


def test_moving_past_either_end_or_a_bad_direction_changes_nothing(client, duo):
    _, talk, zoe, ada, _ = duo
    client.force_login(zoe)

    client.post(move_url(talk, zoe), {"direction": "up"})
    client.post(move_url(talk, ada), {"direction": "down"})
    response = client.post(move_url(talk, ada), {"direction": "sideways"}, follow=True)

    assert "Choose to move the speaker up or down." in page(response)
    assert speaker_names(talk) == ["Zoe Zeta", "Ada Alpha"]


@pytest.mark.parametrize("who", ["other_speaker", "reviewer", "organizer"])
def test_only_the_proposals_speakers_reorder_on_its_page(client, duo, who):
    event, talk, zoe, ada, organizer = duo
    reviewer = ReviewerFactory()
    ReviewerTeamFactory(event=event, members=[reviewer])
    people = {"other_speaker": SpeakerFactory(), "reviewer": reviewer, "organizer": organizer}
    client.force_login(people[who])

    response = client.post(move_url(talk, ada), {"direction": "up"})

    assert response.status_code == 404  # organizers reorder in the staff panel
    assert speaker_names(talk) == ["Zoe Zeta", "Ada Alpha"]


def test_reordering_signed_out_leads_to_the_login_and_changes_nothing(client, duo):
    _, talk, zoe, ada, _ = duo

    response = client.post(move_url(talk, ada), {"direction": "up"})

    assert response.status_code == 302 and reverse("account_login") in response.url
    assert speaker_names(talk) == ["Zoe Zeta", "Ada Alpha"]


def test_reordering_is_a_post(client, duo):
    _, talk, zoe, ada, _ = duo
    client.force_login(zoe)

    assert client.get(move_url(talk, ada) + "?direction=up").status_code == 405
    assert speaker_names(talk) == ["Zoe Zeta", "Ada Alpha"]


def test_speaker_move_refuses_whoever_is_neither_speaker_nor_organizer(duo):
    event, talk, zoe, ada, organizer = duo
    reviewer = ReviewerFactory()
    ReviewerTeamFactory(event=event, members=[reviewer])

    with pytest.raises(ActionRefused):
        services.speaker_move(proposal=talk, speaker=ada, by=reviewer, offset=-1)
    with pytest.raises(ActionRefused):
        services.speaker_move(proposal=talk, speaker=reviewer, by=zoe, offset=-1)
    assert speaker_names(talk) == ["Zoe Zeta", "Ada Alpha"]
    assert services.speaker_move(proposal=talk, speaker=ada, by=organizer, offset=-1)
    assert speaker_names(talk) == ["Ada Alpha", "Zoe Zeta"]


# --- the staff panel --------------------------------------------------------------------------


def change_form_data(client, talk, positions: dict) -> dict:
    """The proposal's change form as the organizer's browser posts it, with new positions
    ({user pk: position})."""
    response = client.get(reverse("admin:cfp_proposal_change", args=[talk.pk]))
    data = FormData(page(response), "proposal_form").data
    for key, value in list(data.items()):
        row = re.fullmatch(r"(speaker_positions-\d+)-id", key)  # a speaker's row, by its id
        if row:
            user_id = ProposalSpeaker.objects.get(pk=value[0]).user_id
            data[f"{row.group(1)}-position"] = [str(positions[user_id])]
    return data


def test_organizer_reorders_speakers_in_the_staff_panel(client, duo):
    event, talk, zoe, ada, organizer = duo
    client.force_login(organizer)
    url_ = reverse("admin:cfp_proposal_change", args=[talk.pk])
    body = page(client.get(url_))
    assert order_in(body, "Zoe Zeta", "Ada Alpha") == ["Zoe Zeta", "Ada Alpha"]

    response = client.post(url_, change_form_data(client, talk, {zoe.pk: 2, ada.pk: 1}))

    assert response.status_code == 302, form_errors(response)
    assert speaker_names(talk) == ["Ada Alpha", "Zoe Zeta"]


def test_other_staff_cannot_reorder_in_the_staff_panel(client, duo):
    event, talk, zoe, ada, organizer = duo
    client.force_login(organizer)
    data = change_form_data(client, talk, {zoe.pk: 2, ada.pk: 1})
    reviewer = ReviewerFactory()
    ReviewerTeamFactory(event=event, members=[reviewer])
    other_organizer = UserFactory(is_staff=True)
    EventFactory(organizers=[other_organizer])

    for user in (reviewer, other_organizer):
        client.force_login(user)
        response = client.post(reverse("admin:cfp_proposal_change", args=[talk.pk]), data)
        assert response.status_code in (302, 403, 404)
        assert "Ordered talk" not in page(response)
        assert speaker_names(talk) == ["Zoe Zeta", "Ada Alpha"]


# --- existing rows get their places -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_back_to_the_latest_migrations")
def test_migration_keeps_every_speaker_and_puts_the_submitter_first():
    executor = MigrationExecutor(connection)
    before, after = (
        [("cfp", "0007_organizers_staff_only")],
        [("cfp", "0008_proposal_speaker_order")],
    )
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    User = old.get_model("speakers", "User")
    Event = old.get_model("cfp", "Event")
    Proposal = old.get_model("cfp", "Proposal")
    Invitation = old.get_model("cfp", "Invitation")
    Transition = old.get_model("cfp", "ProposalTransition")
    event = Event.objects.create(
        name="Old", slug="old", timezone="UTC", start_date="2030-01-01", end_date="2030-01-02"
    )
    zoe, ada, bea = (User.objects.create(email=f"{n}@example.com") for n in ("zoe", "ada", "bea"))
    talk = Proposal.objects.create(event=event, code="OLDTALK1", title="Old", state="submitted")
    # Rows in the join table in the "wrong" order: the co-speakers were added first.
    talk.speakers.add(bea)
    talk.speakers.add(ada)
    talk.speakers.add(zoe)
    Transition.objects.create(proposal=talk, from_state="draft", to_state="submitted", by=zoe)
    for user, day in ((bea, 3), (ada, 2)):
        Invitation.objects.create(
            proposal=talk,
            email=user.email,
            token=f"token-{user.pk}",
            state="accepted",
            expires_at=f"2030-01-0{day}T00:00Z",
            responded_at=f"2029-12-0{day}T00:00Z",
        )
    solo = Proposal.objects.create(event=event, code="OLDTALK2", title="Solo", state="draft")
    solo.speakers.add(ada)

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    new = executor.loader.project_state(after).apps
    rows = new.get_model("cfp", "ProposalSpeaker").objects.order_by("proposal_id", "position")
    assert [(r.proposal_id, r.user_id, r.position) for r in rows] == [
        (talk.pk, zoe.pk, 0),
        (talk.pk, ada.pk, 1),
        (talk.pk, bea.pk, 2),
        (solo.pk, ada.pk, 0),
    ]
