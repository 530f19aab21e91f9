"""A speaker's draft is theirs until they submit it (as in pretalx): organizers, superusers
too, neither see nor open it in the staff panel; the proposal list says how many there are."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from cfp.admin.schedule_forms import PlaceForm
from tests.factories import EventFactory, ProposalFactory, RoomFactory, UserFactory
from tests.helpers import list_titles, page

pytestmark = pytest.mark.django_db

LIST = reverse("admin:cfp_proposal_changelist")


@pytest.fixture
def world():
    organizer = UserFactory(is_staff=True)
    event = EventFactory(organizers=[organizer], name="Kernel Summit")
    draft = ProposalFactory(event=event, title="Half-written secret", state="draft")
    ProposalFactory(event=event, title="Another draft", state="draft")
    submitted = ProposalFactory(event=event, title="Submitted talk", state="submitted")
    other = ProposalFactory(event=EventFactory(), title="Elsewhere draft", state="draft")
    return organizer, event, draft, submitted, other


@pytest.mark.parametrize("role", ["organizer", "superuser"])
def test_the_list_leaves_drafts_out_and_counts_them(client, world, role):
    organizer, _event, _draft, _submitted, _other = world
    user = organizer if role == "organizer" else UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)

    response = client.get(LIST)

    assert list_titles(response) == ["Submitted talk"]
    body = page(response)
    assert "Half-written secret" not in body
    drafts = 2 if role == "organizer" else 3  # a superuser's count spans every event
    assert f"Speakers are writing {drafts} drafts that are not submitted yet" in body
    # The state filter offers no "Draft", and asking for drafts lists none.
    assert "state__exact=draft" not in body
    assert list_titles(client.get(LIST, {"state__exact": "draft"})) == []


@pytest.mark.parametrize("role", ["organizer", "superuser"])
def test_a_drafts_staff_page_does_not_exist(client, world, role):
    organizer, _event, draft, submitted, _other = world
    user = organizer if role == "organizer" else UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)

    response = client.get(reverse("admin:cfp_proposal_change", args=[draft.pk]))
    assert response.status_code == 404
    assert "Half-written secret" not in page(response)
    posted = client.post(reverse("admin:cfp_proposal_change", args=[draft.pk]), {"title": "X"})
    assert posted.status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Half-written secret"
    assert client.get(reverse("admin:cfp_proposal_change", args=[submitted.pk])).status_code == 200


def test_the_lists_export_action_leaves_a_draft_out(client, world):
    organizer, _event, draft, submitted, _other = world
    client.force_login(organizer)

    response = client.post(
        LIST,
        {"action": "export_selected_csv", ACTION_CHECKBOX_NAME: [draft.pk, submitted.pk]},
    )

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Submitted talk" in content
    assert "Half-written secret" not in content


def test_the_schedule_cannot_be_handed_a_draft(world):
    _organizer, event, draft, submitted, _other = world
    room = RoomFactory(event=event)
    choices = PlaceForm(event=event, rooms=[room]).fields["proposal"].queryset
    assert set(choices) == {submitted}
    form = PlaceForm(
        {"proposal": draft.pk, "room": room.pk, "day": event.start_date, "time": "10:00"},
        event=event,
        rooms=[room],
    )
    assert not form.is_valid()
    assert form.errors["proposal"] == ["That talk is not one of this event's."]
