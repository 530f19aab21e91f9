"""Every permission of cfp/rules.py, for every role, in one table.

The pages, the staff panel and the services ask these through `user.has_perm`; their own
tests show the refusals a person sees (403, 404, a message). This table is where a new
permission or role is added first.
"""

import pytest
import rules.permissions
from django.contrib.auth.models import AnonymousUser

from cfp.enums import MessageKind
from cfp.models import Message
from cfp.models.questions import Question
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory, UserFactory

ROLES = (
    "anonymous",
    "speaker",  # of the proposal
    "other_speaker",  # a speaker, but not of this proposal
    "organizer",  # of the event, a staff account
    "other_organizer",  # of another event only
    "staff",  # staff, organizing nothing
    "former_staff_organizer",  # still named an organizer, staff status taken away
    "inactive_organizer",  # a deactivated account
    "superuser",
)

# (permission, object) → the roles that have it; every other role is refused.
# "event" is the proposal's public event, "hidden" an event of the same organizers that is
# not public, None asks without an object ("for some event").
EXPECTED = {
    ("cfp.organize_event", "event"): {"organizer", "superuser"},
    ("cfp.organize_event", "proposal"): {"organizer", "superuser"},
    # the event's own questions (the staff panel's Questions pages)
    ("cfp.organize_event", "question"): {"organizer", "superuser"},
    ("cfp.organize_event", None): {"organizer", "other_organizer", "superuser"},
    ("cfp.view_event", "event"): set(ROLES),
    ("cfp.view_event", "hidden"): {"organizer", "superuser"},
    ("cfp.view_proposal", "proposal"): {"speaker", "organizer", "superuser"},
    ("cfp.edit_proposal", "proposal"): {"speaker", "superuser"},
    ("cfp.order_speakers", "proposal"): {"speaker", "organizer", "superuser"},
    # an account email (verification, password reset) belongs to no event
    ("cfp.organize_event", "account_mail"): {"superuser"},
}


@pytest.fixture
def world(db):
    speaker, other_speaker = SpeakerFactory(), SpeakerFactory()
    organizer = UserFactory(is_staff=True)
    other_organizer = UserFactory(is_staff=True)
    former = UserFactory(is_staff=False)
    inactive = UserFactory(is_staff=True, is_active=False)
    event = EventFactory(organizers=[organizer, former, inactive])
    hidden = EventFactory(is_public=False, organizers=[organizer, former, inactive])
    EventFactory(organizers=[other_organizer])
    proposal = ProposalFactory(event=event, speakers=[speaker])
    ProposalFactory(event=event, speakers=[other_speaker])
    users = {
        "anonymous": AnonymousUser(),
        "speaker": speaker,
        "other_speaker": other_speaker,
        "organizer": organizer,
        "other_organizer": other_organizer,
        "staff": UserFactory(is_staff=True),
        "former_staff_organizer": former,
        "inactive_organizer": inactive,
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    account_mail = Message(to=speaker.email, kind=MessageKind.ACCOUNT, subject="Confirm")
    question = Question.objects.create(event=event, question="T-shirt size?")
    objects = {
        "event": event,
        "hidden": hidden,
        "proposal": proposal,
        "question": question,
        None: None,
    }
    return users, {**objects, "account_mail": account_mail}


@pytest.mark.parametrize(("permission", "target"), list(EXPECTED))
def test_each_role_has_exactly_the_permissions_of_its_table_row(world, permission, target):
    users, objects = world
    allowed = {role for role in ROLES if users[role].has_perm(permission, objects[target])}
    assert allowed == EXPECTED[(permission, target)]


def test_every_declared_permission_is_in_the_table():
    declared = {name for name in rules.permissions.permissions if name.startswith("cfp.")}
    assert declared == {permission for permission, _ in EXPECTED}


def test_a_page_asks_the_database_once_for_the_events_a_user_organizes(
    world, django_assert_num_queries
):
    users, objects = world
    organizer = users["organizer"]
    with django_assert_num_queries(1):
        for _ in range(3):
            assert organizer.has_perm("cfp.organize_event", objects["event"])
            assert organizer.has_perm("cfp.organize_event", objects["proposal"])
            assert organizer.has_perm("cfp.organize_event")
