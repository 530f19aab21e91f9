"""People around a proposal, shared by the cfp tests."""

import pytest

from tests.factories import (
    EventFactory,
    InvitationFactory,
    SpeakerFactory,
)


@pytest.fixture
def other_speaker(db):
    return SpeakerFactory()


@pytest.fixture
def co_speaker(proposal):
    user = SpeakerFactory()
    proposal.speakers.add(user)
    return user


@pytest.fixture
def other_organizer(db):
    user = SpeakerFactory()
    EventFactory(organizers=[user])
    return user


@pytest.fixture
def invitation(proposal):
    return InvitationFactory(proposal=proposal, email="invitee@example.com")


@pytest.fixture
def invitee(db):
    return SpeakerFactory(email="invitee@example.com")
