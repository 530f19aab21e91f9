"""Who changed or invited on a proposal's staff page: a name an organizer can read, never a
link to the account pages, which are the superusers' (it answered them 403)."""

import re

import pytest
from django.urls import reverse

from tests.factories import (
    EventFactory,
    InvitationFactory,
    ProposalFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.helpers import page

pytestmark = pytest.mark.django_db


def test_the_history_and_invitations_name_people_without_links_to_their_accounts(client):
    organizer = UserFactory(is_staff=True)
    event = EventFactory(organizers=[organizer])
    speaker = SpeakerFactory(email="ada@kernel.test", profile__name="Ada Lovelace")
    proposal = ProposalFactory(event=event, state="draft", speakers=[speaker])
    proposal.submit(by=speaker)
    InvitationFactory(proposal=proposal, email="bob@kernel.test", invited_by=speaker)
    client.force_login(organizer)

    body = page(client.get(reverse("admin:cfp_proposal_change", args=[proposal.pk])))

    user_page = reverse("admin:speakers_user_change", args=[speaker.pk])
    assert user_page not in body
    history = re.search(r'id="transitions-group".*?</fieldset>', body, re.S)[0]
    assert "Ada Lovelace &lt;ada@kernel.test&gt;" in history
    invitations = re.search(r'id="invitations-group".*?</fieldset>', body, re.S)[0]
    assert "Ada Lovelace &lt;ada@kernel.test&gt;" in invitations
    # The account page the old link led to is refused to organizers indeed.
    assert client.get(user_page).status_code == 403
