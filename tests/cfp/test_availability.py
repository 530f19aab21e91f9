"""Speaker availability: the service (merged, replaced, within the event), the form's shapes
in the event's time zone and its bad input, the confirm page and the change page, what
organizers see, and the schedule grid's warning."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from cfp import availability
from cfp.availability import AFTERNOON, HOURS, MORNING, WHOLE_DAY, Span
from cfp.enums import ProposalState
from cfp.models import SpeakerAvailability
from cfp.programme import schedule
from tests.cfp.decision_steps import announced_acceptance
from tests.factories import EventFactory, ProposalFactory, RoomFactory, SpeakerFactory, UserFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db

# An event in New York in July (UTC-4): Monday 12 to Wednesday 14.
MON, TUE, WED = date(2027, 7, 12), date(2027, 7, 13), date(2027, 7, 14)


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@pytest.fixture
def event(db):
    event = EventFactory(
        name="Summit NYC", timezone="America/New_York", start_date=MON, end_date=WED
    )
    event.cfp.asks_availability = True
    event.cfp.save()
    return event


@pytest.fixture
def speaker(db):
    return SpeakerFactory(profile__name="Ada Lovelace")


@pytest.fixture
def accepted(submitted, organizer, django_capture_on_commit_callbacks):
    return announced_acceptance(submitted, organizer, django_capture_on_commit_callbacks)


def rows(event, speaker) -> list[tuple[datetime, datetime]]:
    return list(
        SpeakerAvailability.objects.filter(event=event, speaker=speaker)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )


def url(name, proposal) -> str:
    return reverse(f"cfp:{name}", kwargs={"event": proposal.event.slug, "code": proposal.code})


def form_data(**days) -> dict:
    """{"2027-07-12": "day"} or {"2027-07-13": ("hours", "09:30", "11:00")} → POST data."""
    data = {}
    for key, value in days.items():
        choice, start, end = (value, "", "") if isinstance(value, str) else value
        data.update({f"day_{key}": choice, f"from_{key}": start, f"until_{key}": end})
    return data


# --- the service ------------------------------------------------------------------------------


def test_replace_merges_adjacent_and_overlapping_spans(event, speaker):
    day = availability.span_of(event, MON, WHOLE_DAY, None, None)
    next_morning = availability.span_of(event, TUE, MORNING, None, None)
    inside = Span(utc(MON, 15), utc(MON, 16))

    availability.availability_replace(
        event=event, speaker=speaker, spans=[next_morning, inside, day]
    )

    # Monday 00:00 to Tuesday 13:00 in New York: 04:00 UTC to 17:00 UTC the next day.
    assert rows(event, speaker) == [(utc(MON, 4), utc(TUE, 17))]


def test_replace_replaces_what_was_there(event, speaker):
    availability.availability_replace(
        event=event, speaker=speaker, spans=[Span(utc(MON, 14), utc(MON, 15))]
    )
    availability.availability_replace(
        event=event, speaker=speaker, spans=[Span(utc(WED, 14), utc(WED, 15))]
    )
    assert rows(event, speaker) == [(utc(WED, 14), utc(WED, 15))]

    availability.availability_replace(event=event, speaker=speaker, spans=[])
    assert rows(event, speaker) == []


@pytest.mark.parametrize(
    "span",
    [
        Span(utc(MON, 15), utc(MON, 14)),  # backwards
        Span(utc(MON, 3), utc(MON, 5)),  # starts before the first day (in New York)
        Span(utc(WED, 23), utc(date(2027, 7, 15), 5)),  # ends after the last day
    ],
)
def test_replace_refuses_spans_outside_the_event_or_backwards(event, speaker, span):
    with pytest.raises(Exception) as refused:
        availability.availability_replace(event=event, speaker=speaker, spans=[span])
    assert refused.type.__name__ == "ValidationError"
    assert rows(event, speaker) == []


# --- the form: every shape, in the event's time zone -------------------------------------------


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        (WHOLE_DAY, (utc(TUE, 4), utc(WED, 4))),
        (MORNING, (utc(TUE, 4), utc(TUE, 17))),
        (AFTERNOON, (utc(TUE, 17), utc(WED, 4))),
        ((HOURS, "09:30", "11:00"), (utc(TUE, 13, 30), utc(TUE, 15))),
    ],
)
def test_form_shapes_are_read_in_the_events_time_zone(event, choice, expected):
    form = availability.AvailabilityForm(form_data(**{"2027-07-13": choice}), event=event)
    assert form.is_valid(), form.errors
    assert [(s.starts_at, s.ends_at) for s in form.spans()] == [expected]


def test_form_shows_the_stored_times_again(event, speaker):
    spans = [
        availability.span_of(event, MON, AFTERNOON, None, None),
        availability.span_of(event, TUE, HOURS, time(9, 30), time(11)),
    ]
    form = availability.AvailabilityForm(event=event, spans=spans)
    assert form["day_2027-07-12"].initial == AFTERNOON
    assert form["day_2027-07-13"].initial == HOURS
    assert form["from_2027-07-13"].initial == time(9, 30)
    assert form["day_2027-07-14"].initial == ""


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        ((HOURS, "", ""), "from_2027-07-13", "Give both times"),
        ((HOURS, "11:00", ""), "until_2027-07-13", "Give both times"),
        ((HOURS, "11:00", "09:00"), "until_2027-07-13", "must end after it starts"),
        ((HOURS, "25:61", "26:00"), "from_2027-07-13", "Enter a valid time"),
        ((HOURS, "09:00\x00", "10:00"), "from_2027-07-13", ""),
        ((HOURS, "<script>", "10:00"), "from_2027-07-13", "Enter a valid time"),
        (("sometimes", "", ""), "day_2027-07-13", "Select a valid choice"),
    ],
)
def test_form_refuses_bad_input_next_to_the_field(event, value, field, message):
    form = availability.AvailabilityForm(form_data(**{"2027-07-13": value}), event=event)
    assert not form.is_valid()
    assert field in form.errors and message in " ".join(form.errors[field])


def test_form_refuses_a_time_the_clocks_skip():
    event = EventFactory(
        timezone="America/New_York", start_date=date(2027, 3, 13), end_date=date(2027, 3, 15)
    )
    form = availability.AvailabilityForm(
        form_data(**{"2027-03-14": (HOURS, "02:30", "04:00")}), event=event
    )
    assert not form.is_valid()
    assert "the clocks go forward" in " ".join(form.errors["from_2027-03-14"])


# --- the confirm page -----------------------------------------------------------------------


def test_confirm_page_asks_for_times_and_saves_them_with_the_confirmation(
    accepted, speaker_client, speaker
):
    response = speaker_client.get(url("proposal_confirm", accepted))
    body = page(response)
    assert "When can you speak?" in body and "America/New_York" in body
    assert 'name="day_2027-07-12"' in body and 'name="day_2027-07-14"' in body

    done = speaker_client.post(
        url("proposal_confirm", accepted),
        form_data(**{"2027-07-12": MORNING, "2027-07-13": (HOURS, "14:00", "15:30")}),
    )

    assert done.status_code == 302
    accepted.refresh_from_db()
    assert accepted.state == ProposalState.CONFIRMED
    assert rows(accepted.event, speaker) == [
        (utc(MON, 4), utc(MON, 17)),
        (utc(TUE, 18), utc(TUE, 19, 30)),
    ]


def test_confirm_without_times_is_fine(accepted, speaker_client, speaker):
    speaker_client.post(url("proposal_confirm", accepted), form_data())
    accepted.refresh_from_db()
    assert accepted.state == ProposalState.CONFIRMED
    assert rows(accepted.event, speaker) == []


def test_bad_times_confirm_nothing_and_keep_the_rest(accepted, speaker_client, speaker):
    response = speaker_client.post(
        url("proposal_confirm", accepted),
        form_data(**{"2027-07-12": MORNING, "2027-07-13": (HOURS, "15:00", "14:00")}),
    )

    assert response.status_code == 200
    assert "The time must end after it starts." in " ".join(
        form_errors_in_page(page(response), "until_2027-07-13")
    )
    assert 'value="morning" selected' in page(response)  # the other day is kept
    accepted.refresh_from_db()
    assert accepted.state == ProposalState.ACCEPTED
    assert rows(accepted.event, speaker) == []


def form_errors_in_page(body: str, field: str) -> list[str]:
    import html
    import re

    found = re.search(rf'<ul class="errorlist[^"]*" id="id_{field}_error">(.*?)</ul>', body, re.S)
    return (
        [html.unescape(t) for t in re.findall(r"<li>(.*?)</li>", found.group(1))] if found else []
    )


def test_without_the_question_confirm_is_one_click(accepted, speaker_client, speaker):
    accepted.event.cfp.asks_availability = False
    accepted.event.cfp.save()

    detail = page(speaker_client.get(accepted.get_absolute_url()))
    assert f'action="{url("proposal_confirm", accepted)}"' in detail  # the button posts
    assert "When can you speak?" not in page(speaker_client.get(url("proposal_confirm", accepted)))

    speaker_client.post(url("proposal_confirm", accepted))
    accepted.refresh_from_db()
    assert accepted.state == ProposalState.CONFIRMED


def test_confirm_page_refuses_others(client, accepted):
    anonymous = client.get(url("proposal_confirm", accepted))
    assert anonymous.status_code == 302 and "login" in anonymous.url

    client.force_login(SpeakerFactory())
    assert client.get(url("proposal_confirm", accepted)).status_code == 404
    assert client.post(url("proposal_confirm", accepted), form_data()).status_code == 404
    accepted.refresh_from_db()
    assert accepted.state == ProposalState.ACCEPTED


def test_confirm_page_of_a_submitted_proposal_sends_back(submitted, speaker_client):
    response = speaker_client.get(url("proposal_confirm", submitted), follow=True)
    assert response.redirect_chain[-1][0] == submitted.get_absolute_url()
    assert "Only an accepted proposal can be confirmed." in page(response)


# --- changing them later ---------------------------------------------------------------------


def test_confirmed_speaker_changes_their_times(accepted, speaker_client, speaker):
    speaker_client.post(url("proposal_confirm", accepted), form_data(**{"2027-07-12": MORNING}))

    detail = page(speaker_client.get(accepted.get_absolute_url()))
    assert "Monday, July 12: the morning (until 1 pm)" in detail
    change = page(speaker_client.get(url("proposal_availability", accepted)))
    assert 'value="morning" selected' in change

    speaker_client.post(url("proposal_availability", accepted), form_data(**{"2027-07-14": "day"}))

    assert rows(accepted.event, speaker) == [(utc(WED, 4), utc(date(2027, 7, 15), 4))]
    assert "Wednesday, July 14: the whole day" in page(
        speaker_client.get(accepted.get_absolute_url())
    )


def test_times_cannot_change_once_the_event_started(accepted, speaker_client, speaker):
    event = accepted.event
    event.start_date = date.today() - timedelta(days=1)  # yesterday in New York too
    event.save()

    response = speaker_client.post(
        url("proposal_availability", accepted), form_data(**{"2027-07-14": "day"})
    )

    assert response.status_code == 302
    assert rows(event, speaker) == []


def test_times_cannot_be_given_when_not_asked(accepted, speaker_client, speaker):
    accepted.event.cfp.asks_availability = False
    accepted.event.cfp.save()
    speaker_client.post(url("proposal_availability", accepted), form_data(**{"2027-07-14": "day"}))
    assert rows(accepted.event, speaker) == []


def test_another_speaker_cannot_change_times(client, accepted, speaker):
    other = SpeakerFactory()
    client.force_login(other)
    response = client.post(
        url("proposal_availability", accepted), form_data(**{"2027-07-14": "day"})
    )
    assert response.status_code == 404
    assert not SpeakerAvailability.objects.exists()


# --- what organizers see ---------------------------------------------------------------------


def test_organizer_sees_each_speakers_times(accepted, organizer, speaker, client):
    availability.availability_replace(
        event=accepted.event,
        speaker=speaker,
        spans=[availability.span_of(accepted.event, TUE, HOURS, time(9), time(12, 30))],
    )
    client.force_login(organizer)

    body = page(client.get(reverse("admin:cfp_proposal_change", args=[accepted.pk])))

    assert "Ada Lovelace: Tuesday, July 13: 9:00 am – 12:30 pm" in body
    assert "America/New_York" in body


def test_event_admin_offers_the_question(organizer, event, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    body = page(client.get(reverse("admin:cfp_event_change", args=[event.pk])))
    assert 'name="cfp-0-asks_availability"' in body


# --- the schedule grid's warning --------------------------------------------------------------


@pytest.fixture
def placed(event):
    room = RoomFactory(event=event)
    ada = SpeakerFactory(profile__name="Ada Lovelace")
    bob = SpeakerFactory(profile__name="Bob Silent")
    talk = ProposalFactory(
        event=event, title="Engines", speakers=[ada, bob], state=ProposalState.CONFIRMED
    )

    def place(day, hour, minute=0):
        start = availability.moment(event, day, time(hour, minute))
        return schedule.talk_place(event=event, proposal=talk, room=room, start=start, duration=40)

    return ada, place


def unavailable(event) -> list[str]:
    return [w.message for w in schedule.schedule_warnings(event) if w.kind == "unavailable"]


def test_grid_warns_when_a_talk_is_outside_a_speakers_times(event, placed):
    ada, place = placed
    availability.availability_replace(
        event=event,
        speaker=ada,
        spans=[
            availability.span_of(event, MON, MORNING, None, None),
            availability.span_of(event, MON, AFTERNOON, None, None),
        ],
    )

    place(MON, 12, 40)  # across 1 pm: the morning and afternoon were merged
    assert unavailable(event) == []

    place(TUE, 10)
    (message,) = unavailable(event)
    assert message.startswith("Ada Lovelace is not available then: “Engines”")
    # Bob gave no times: no warning about him.
    assert "Bob" not in message


def test_grid_page_shows_the_warning(event, placed, client):
    ada, place = placed
    availability.availability_replace(
        event=event, speaker=ada, spans=[availability.span_of(event, WED, MORNING, None, None)]
    )
    place(MON, 10)
    organizer = UserFactory(is_staff=True)
    event.organizers.add(organizer)
    client.force_login(organizer)

    body = page(client.get(reverse("admin:cfp_event_schedule", args=[event.pk])))

    assert "Ada Lovelace is not available then" in body


def test_grid_warnings_read_every_speakers_times_in_one_query(
    event, placed, django_assert_num_queries
):
    ada, place = placed
    availability.availability_replace(
        event=event, speaker=ada, spans=[availability.span_of(event, WED, MORNING, None, None)]
    )
    place(MON, 10)
    room = RoomFactory(event=event)
    for hour in range(9, 17):  # eight more talks, each by a speaker who gave times
        speaker = SpeakerFactory()
        talk = ProposalFactory(event=event, speakers=[speaker], state=ProposalState.CONFIRMED)
        availability.availability_replace(
            event=event,
            speaker=speaker,
            spans=[availability.span_of(event, TUE, MORNING, None, None)],
        )
        start = availability.moment(event, WED, time(hour))
        schedule.talk_place(event=event, proposal=talk, room=room, start=start, duration=40)

    with django_assert_num_queries(3):  # the slots, their speakers, the times given
        assert len(unavailable(event)) == 9
