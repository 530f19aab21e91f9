"""The staff panel: organizers see and change only their own events and proposals."""

import re
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.models import Event
from speakers.models import User
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory, UserFactory
from tests.helpers import FormData, choices, form_errors, is_staff_panel_refusal, page


@pytest.fixture
def organizer(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def own_event(organizer):
    return EventFactory(organizers=[organizer], name="Own Summit")


@pytest.fixture
def other_event(db):
    return EventFactory(organizers=[UserFactory(is_staff=True)], name="Other Summit")


@pytest.mark.django_db
def test_organizer_sees_only_own_proposals_in_the_list(client, organizer, own_event, other_event):
    ProposalFactory(event=own_event, title="Mine to judge", state="submitted")
    ProposalFactory(event=other_event, title="Not my business", state="submitted")
    client.force_login(organizer)

    body = client.get(reverse("admin:cfp_proposal_changelist")).content.decode()

    assert "Mine to judge" in body
    assert "Not my business" not in body


@pytest.mark.django_db
def test_organizer_of_another_event_gets_no_proposal_page(client, organizer, other_event):
    proposal = ProposalFactory(event=other_event, title="Not my business")
    client.force_login(organizer)

    response = client.get(reverse("admin:cfp_proposal_change", args=[proposal.pk]))

    assert response.status_code == 403
    assert "Not my business" not in response.content.decode()


@pytest.mark.django_db
def test_organizer_cannot_change_another_event(client, organizer, own_event, other_event):
    client.force_login(organizer)

    own = client.get(reverse("admin:cfp_event_change", args=[own_event.pk]))
    other = client.get(reverse("admin:cfp_event_change", args=[other_event.pk]))
    listing = client.get(reverse("admin:cfp_event_changelist")).content.decode()

    assert own.status_code == 200 and "Own Summit" in own.content.decode()
    # An event outside the organizer's queryset "does not exist" for them.
    assert other.status_code == 302
    assert "Other Summit" not in client.get(other.url).content.decode()
    assert "Own Summit" in listing and "Other Summit" not in listing


@pytest.mark.django_db
def test_organizer_has_no_user_admin(client, organizer, own_event):
    client.force_login(organizer)
    assert client.get(reverse("admin:speakers_user_changelist")).status_code == 403
    # The accounts' section offers an organizer their own API tokens, and nothing else.
    body = client.get(reverse("admin:index")).content.decode()
    linked = set(re.findall(r'href="(/admin/speakers/[^"]*)"', body))
    assert linked <= {
        "/admin/speakers/",
        "/admin/speakers/apitoken/",
        "/admin/speakers/apitoken/add/",
    }
    assert reverse("admin:speakers_user_changelist") not in body


@pytest.mark.django_db
def test_speaker_and_anonymous_cannot_enter_the_staff_panel(client, proposal):
    url = reverse("admin:cfp_proposal_changelist")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous.url
    client.force_login(proposal.speakers.get())
    response = client.get(url)
    assert is_staff_panel_refusal(response)


@pytest.mark.django_db
def test_organizer_grants_a_deadline_extension(client, organizer, own_event):
    proposal = ProposalFactory(event=own_event)
    proposal.submit(by=proposal.speakers.get())
    client.force_login(organizer)
    url = reverse("admin:cfp_proposal_change", args=[proposal.pk])
    data = FormData(page(client.get(url)), "proposal_form").data
    data.update({"deadline_extension_0": "2030-05-01", "deadline_extension_1": "18:00:00"})

    response = client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    proposal.refresh_from_db()
    # Typed in the event's time zone (Europe/Berlin, summer time: UTC+2).
    assert proposal.deadline_extension == datetime(2030, 5, 1, 18, 0, tzinfo=own_event.tz)
    assert proposal.deadline_extension.astimezone(own_event.tz).hour == 18


@pytest.mark.django_db
def test_event_form_shows_the_deadline_in_the_event_timezone(client, organizer, own_event):
    cfp = own_event.cfp
    cfp.deadline = datetime(2030, 1, 31, 23, 59, 59, tzinfo=own_event.tz)
    cfp.save()
    client.force_login(organizer)

    body = client.get(reverse("admin:cfp_event_change", args=[own_event.pk])).content.decode()

    assert 'value="2030-01-31"' in body
    assert 'value="23:59:59"' in body


@pytest.mark.django_db
def test_proposal_changelist_query_count_does_not_grow(client, organizer, own_event):
    client.force_login(organizer)
    counts = []
    for size in (10, 60):
        while own_event.proposals.count() < size:
            ProposalFactory(event=own_event, speakers=[SpeakerFactory()])
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("admin:cfp_proposal_changelist"))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_admin_login_goes_through_the_rate_limited_login(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def new_event_data(**overrides) -> dict:
    """The event add form, as the staff panel posts it: an event with its CfP, nothing else."""
    data = {
        "name": "Tokyo Summit",
        "slug": "tokyo",
        "timezone": "Asia/Tokyo",
        "start_date": "2030-04-01",
        "end_date": "2030-04-02",
        "venue": "",
        "is_public": "on",
        "cfp-TOTAL_FORMS": 1,
        "cfp-INITIAL_FORMS": 0,
        "cfp-MIN_NUM_FORMS": 1,
        "cfp-MAX_NUM_FORMS": 1,
        "cfp-0-opens_at_0": "2030-01-01",
        "cfp-0-opens_at_1": "09:00:00",
        "cfp-0-deadline_0": "2030-02-01",
        "cfp-0-deadline_1": "23:59:59",
        "cfp-0-intro": "",
        "cfp-0-confirmation_reminder_days": 7,
        "submission_types-TOTAL_FORMS": 0,
        "submission_types-INITIAL_FORMS": 0,
        "tracks-TOTAL_FORMS": 0,
        "tracks-INITIAL_FORMS": 0,
        "rooms-TOTAL_FORMS": 0,
        "rooms-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_superuser_adds_an_event_with_cfp_dates_in_its_timezone(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)

    response = client.post(reverse("admin:cfp_event_add"), new_event_data())

    assert response.status_code == 302, form_errors(response)
    event = Event.objects.get(slug="tokyo")
    assert event.cfp.deadline == datetime(2030, 2, 1, 23, 59, 59, tzinfo=event.tz)
    assert event.cfp.opens_at == datetime(2030, 1, 1, 9, 0, tzinfo=event.tz)


@pytest.mark.django_db
def test_event_organizer_picker_lists_staff_accounts_only(client, own_event):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    staff = UserFactory(email="olivia@example.com", is_staff=True)
    SpeakerFactory(email="speaker@example.com")

    for url in (
        reverse("admin:cfp_event_add"),
        reverse("admin:cfp_event_change", args=[own_event.pk]),
    ):
        offered = choices(client.get(url), "organizers")

        assert staff.email in offered.values()
        assert "speaker@example.com" not in offered.values()
        assert not User.objects.filter(pk__in=offered, is_staff=False).exists()


@pytest.mark.django_db
def test_event_refuses_a_non_staff_organizer_with_a_clear_message(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    speaker = SpeakerFactory(email="speaker@example.com")
    staff = UserFactory(email="olivia@example.com", is_staff=True)

    refused = client.post(
        reverse("admin:cfp_event_add"), new_event_data(organizers=[staff.pk, speaker.pk])
    )
    saved = client.post(reverse("admin:cfp_event_add"), new_event_data(organizers=[staff.pk]))

    assert form_errors(refused)["organizers"] == [
        "speaker@example.com is not a staff account: only staff can organize an event. "
        "Give the account staff status (Users) first."
    ]
    assert saved.status_code == 302
    assert list(Event.objects.get(slug="tokyo").organizers.all()) == [staff]


@pytest.mark.django_db
def test_proposal_filters_name_no_other_event(client, organizer, own_event, other_event):
    from tests.factories import SubmissionTypeFactory, TrackFactory

    ProposalFactory(
        event=own_event, track=TrackFactory(event=own_event, name="Own track"), state="submitted"
    )
    ProposalFactory(
        event=other_event,
        track=TrackFactory(event=other_event, name="Secret track"),
        submission_type=SubmissionTypeFactory(event=other_event, name="Secret type"),
    )
    client.force_login(organizer)

    body = client.get(reverse("admin:cfp_proposal_changelist")).content.decode()

    assert "Own Summit" in body and "Own track" in body
    assert "Other Summit" not in body
    assert "Secret track" not in body and "Secret type" not in body


@pytest.mark.django_db
def test_row_checkboxes_are_the_element_django_renders(own_event):
    from django.contrib import admin

    from cfp.admin.base import OrganizerScopedAdmin

    proposal = ProposalFactory(event=own_event, title='A <b>"bold"</b> & Ünïcode 東京 🚀')
    with_actions = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, OrganizerScopedAdmin) and model_admin.actions
    ]

    assert len(with_actions) >= 3  # proposals, the outbox, the ranked list
    for model_admin in with_actions:
        assert model_admin.action_checkbox(proposal) == admin.ModelAdmin.action_checkbox(
            model_admin, proposal
        ), type(model_admin)
