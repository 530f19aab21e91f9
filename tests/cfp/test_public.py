"""The public programme pages: what anyone may see of a published schedule, and nothing else."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse

from cfp.programme import schedule
from cfp.programme.schedule import local_to_utc
from reviews.models import Review
from tests.factories import (
    EventFactory,
    ProposalFactory,
    RoomFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TalkSlotFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import page

NOT_PUBLISHED = "The programme has not been published yet."

# Text that must never reach the public, put into every private field.
SECRET_NOTES = "NOTES-SENTINEL-for-organizers-only"
SECRET_AUDIENCE = "AUDIENCE-SENTINEL"
SECRET_BENEFITS = "BENEFITS-SENTINEL"
SECRET_REQUIREMENTS = "REQUIREMENTS-SENTINEL"
SECRET_EMAIL = "hidden.speaker@private.example"
SECRET_REVIEW = "REVIEW-COMMENT-SENTINEL"
SECRET_FEEDBACK = "REVIEW-FEEDBACK-SENTINEL"
SECRET_NO_PROFILE_EMAIL = "no.profile@private.example"


# --- helpers other test modules share ----------------------------------------------------------


def at(event, day_offset: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time on a day of the event, as the UTC moment it is."""
    return local_to_utc(event, event.start_date + timedelta(days=day_offset), time(hour, minute))


def make_talk(event, *, state="confirmed", room=None, start=None, minutes=40, **fields):
    """A proposal in `state`, placed in `room` at `start` when both are given."""
    proposal = ProposalFactory(event=event, state=state, **fields)
    if room is not None and start is not None:
        TalkSlotFactory(proposal=proposal, event=event, room=room, start=start, duration=minutes)
    return proposal


def publish(event, name="1"):
    version, _ = schedule.schedule_publish(event=event, name=name, by=UserFactory(), notify=False)
    return version


def url(name: str, event, **kwargs) -> str:
    return reverse(f"cfp:{name}", kwargs={"event": event.slug, **kwargs})


def all_public_urls(event, talk, speaker) -> list[str]:
    return [
        url("talks", event),
        url("schedule", event),
        url("talk", event, code=talk.code),
        url("talk_ical", event, code=talk.code),
        url("speaker", event, pk=speaker.pk),
        url("schedule_ical", event),
        url("schedule_xml", event),
        url("schedule_json", event),
    ]


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def programme_event(db):
    """A public event (Europe/Berlin) with two rooms, a lunch and talks in every state."""
    event = EventFactory(name="PyCon Demo", timezone="Europe/Berlin", venue="Messe Berlin")
    rooms = [RoomFactory(event=event, name="Saal A", position=0)]
    rooms.append(RoomFactory(event=event, name="Room B", position=1))
    track = TrackFactory(event=event, name="Operations", position=0)
    other_track = TrackFactory(event=event, name="Developer", position=1)
    speaker = SpeakerFactory(email=SECRET_EMAIL)
    speaker.profile.name = "Ada Lovelace"
    speaker.profile.affiliation = "Analytical Engines"
    speaker.profile.biography = "Writes **programs** for engines."
    speaker.profile.links = "https://ada.example/blog\njavascript:alert(1)"
    speaker.profile.photo.name = "photos/ada.jpg"
    speaker.profile.save()
    talk = make_talk(
        event,
        title="Observability without tears",
        track=track,
        submission_type=SubmissionTypeFactory(event=event, name="Presentation"),
        experience_level="beginner",
        abstract="The speaker shows how **tracing** helps.",
        notes=SECRET_NOTES,
        audience=SECRET_AUDIENCE,
        benefits=SECRET_BENEFITS,
        technical_requirements=SECRET_REQUIREMENTS,
        speakers=[speaker],
        room=rooms[0],
        start=at(event, 0, 13, 50),
    )
    second_day = make_talk(
        event, title="Day two keynote", track=other_track, room=rooms[1], start=at(event, 1, 9)
    )
    unplaced = make_talk(event, title="Floating talk", track=track)
    schedule.break_add(event=event, title="Lunch", start=at(event, 0, 12, 30), duration=60)
    hidden = {
        "accepted": make_talk(event, state="accepted", title="Accepted only", room=rooms[1],
                              start=at(event, 0, 10), notes=SECRET_NOTES),
        "declined": make_talk(event, state="accepted", title="Declined later", room=rooms[1],
                              start=at(event, 0, 11)),
        "canceled": make_talk(event, title="Canceled later", room=rooms[0], start=at(event, 0, 15)),
        "withdrawn": make_talk(event, state="withdrawn", title="Withdrawn talk", room=rooms[0],
                               start=at(event, 0, 16)),
        "rejected": make_talk(event, state="rejected", title="Rejected talk", room=rooms[0],
                              start=at(event, 0, 17)),
    }  # fmt: skip
    reviewer = SpeakerFactory()
    Review.objects.create(
        proposal=talk, reviewer=reviewer, score=4.0, comment=SECRET_REVIEW, feedback=SECRET_FEEDBACK
    )
    publish(event)
    hidden["declined"].decline(by=hidden["declined"].speakers.first())
    hidden["canceled"].cancel(by=UserFactory())
    # Confirmed, placed, but only after the version was published.
    hidden["unpublished"] = make_talk(
        event, title="Too late for version 1", room=rooms[1], start=at(event, 0, 18)
    )
    return {
        "event": event,
        "talk": talk,
        "speaker": speaker,
        "second_day": second_day,
        "unplaced": unplaced,
        "hidden": hidden,
        "rooms": rooms,
    }


# --- happy paths -------------------------------------------------------------------------------


def test_talk_list_groups_confirmed_talks_by_track(client, programme_event):
    event = programme_event["event"]

    response = client.get(url("talks", event))

    html = page(response)
    assert response.status_code == 200
    assert html.index(">Operations<") < html.index("Observability without tears")
    assert html.index("Observability without tears") < html.index(">Developer<")
    assert html.index(">Developer<") < html.index("Day two keynote")
    assert "Floating talk" in html and "Time to be announced" in html
    assert "Ada Lovelace" in html
    assert "3 talks in 2 tracks" in html
    assert "Europe/Berlin" in html


def test_schedule_page_shows_days_rooms_times_breaks_and_feeds(client, programme_event):
    event = programme_event["event"]
    first, second = event.start_date, event.start_date + timedelta(days=1)

    response = client.get(url("schedule", event))

    html = page(response)
    assert response.status_code == 200
    assert f"{first:%A}, {first:%B} {first.day}" in html
    assert f'href="#day-{second:%Y-%m-%d}"' in html  # the days' navigation
    assert '<th scope="col">Saal A</th>' in html
    assert "1:50 pm" in html and "1:50 pm – 2:30 pm" in html
    assert "Lunch" in html and "12:30 pm – 1:30 pm" in html
    assert html.index("Lunch") < html.index("Observability without tears")
    assert url("talk", event, code=programme_event["talk"].code) in html
    for feed in ("schedule_ical", "schedule_xml", "schedule_json"):
        assert url(feed, event) in html
    assert "Schedule version <strong>1</strong>" in html
    assert "Europe/Berlin (CEST)" in html or "Europe/Berlin (CET)" in html
    assert "Floating talk" in html  # under "Time to be announced"


def test_talk_page_shows_everything_public(client, programme_event):
    event, talk = programme_event["event"], programme_event["talk"]

    response = client.get(url("talk", event, code=talk.code))

    html = page(response)
    assert response.status_code == 200
    assert "Observability without tears" in html
    assert "Presentation" in html and "Beginner" in html and "Operations" in html
    assert "<strong>tracing</strong>" in html
    assert "Ada Lovelace" in html and "Analytical Engines" in html
    assert "<strong>programs</strong>" in html
    assert 'src="/media/photos/ada.jpg"' in html
    assert 'href="https://ada.example/blog"' in html
    assert "javascript:" not in html
    day = event.start_date
    assert f"{day:%A}, {day:%B} {day.day}" in html and "1:50 pm – 2:30 pm" in html
    assert "Saal A" in html
    assert url("talk_ical", event, code=talk.code) in html
    assert url("speaker", event, pk=programme_event["speaker"].pk) in html


def test_talk_page_of_an_unplaced_talk_says_time_to_be_announced(client, programme_event):
    event, talk = programme_event["event"], programme_event["unplaced"]

    html = page(client.get(url("talk", event, code=talk.code)))

    assert "Time to be announced" in html
    assert url("talk_ical", event, code=talk.code) not in html


def test_speaker_page_lists_their_public_talks(client, programme_event):
    event, speaker = programme_event["event"], programme_event["speaker"]
    hidden = programme_event["hidden"]["accepted"]
    hidden.speakers.add(speaker)  # also on a talk the public may not see

    response = client.get(url("speaker", event, pk=speaker.pk))

    html = page(response)
    assert response.status_code == 200
    assert "Ada Lovelace" in html and "Analytical Engines" in html
    assert "<strong>programs</strong>" in html
    assert "Observability without tears" in html
    assert "Accepted only" not in html


def test_missing_values_are_shown_as_missing_never_none(client, programme_event):
    event = programme_event["event"]
    nameless = UserFactory(email=SECRET_NO_PROFILE_EMAIL)  # no profile at all
    talk = make_talk(
        event,
        title="Bare talk",
        submission_type=None,
        experience_level="",
        abstract="",
        speakers=[nameless],
        room=programme_event["rooms"][1],
        start=at(event, 1, 11),
    )
    publish(event, "2")

    pages = [
        page(client.get(url("talk", event, code=talk.code))),
        page(client.get(url("speaker", event, pk=nameless.pk))),
        page(client.get(url("talks", event))),
        page(client.get(url("schedule", event))),
    ]

    assert "not given" in pages[0] and "No abstract given." in pages[0]
    for html in pages:
        assert "Name not given" in html
        assert "None" not in html
        assert SECRET_NO_PROFILE_EMAIL not in html


def test_talk_page_of_an_event_without_tracks_has_no_category_line(client, db):
    event = EventFactory()
    talk = make_talk(event, title="No tracks here", experience_level="any")
    publish(event)

    html = page(client.get(url("talk", event, code=talk.code)))

    assert "No tracks here" in html
    assert "<dt>Track</dt>" not in html
    assert "not given" not in html
    assert "<dt>Level</dt><dd>All levels</dd>" in html


def test_talk_page_of_an_event_with_tracks_keeps_the_category_line(client, programme_event):
    event = programme_event["event"]
    trackless = make_talk(event, title="Uncategorised")
    publish(event, "2")

    html = page(client.get(url("talk", event, code=trackless.code)))

    assert '<dt>Track</dt><dd><span class="missing">not given</span></dd>' in html


@pytest.mark.parametrize(
    ("level", "shown"),
    [("any", "For all levels"), ("beginner", "Level: Beginner"), ("advanced", "Level: Advanced")],
)
def test_talk_lists_label_the_level(client, db, level, shown):
    event = EventFactory()
    speaker = SpeakerFactory()
    talk = make_talk(
        event,
        title="Levelled",
        experience_level=level,
        submission_type=SubmissionTypeFactory(event=event, name="Presentation"),
        speakers=[speaker],
    )
    publish(event)

    for address in (url("talks", event), url("speaker", event, pk=speaker.pk)):
        html = page(client.get(address))
        meta = re.search(r'<div class="talk-meta[^>]*>(.*?)</div>', html, re.S).group(1)
        assert meta == f"<span>Presentation</span><span>{shown}</span>", address
    assert talk.code in html


# --- what never appears ------------------------------------------------------------------------


def test_hidden_talks_appear_on_no_page_and_in_no_feed(client, programme_event):
    event = programme_event["event"]
    names = ("talks", "schedule", "schedule_ical", "schedule_xml", "schedule_json")
    pages = [page(client.get(url(name, event))) for name in names]
    assert all("Observability without tears" in body for body in pages)
    pages.append(page(client.get(url("speaker", event, pk=programme_event["speaker"].pk))))

    for proposal in programme_event["hidden"].values():
        for html in pages:
            assert proposal.title not in html
        assert client.get(url("talk", event, code=proposal.code)).status_code == 404
        assert client.get(url("talk_ical", event, code=proposal.code)).status_code == 404
        for speaker in proposal.speakers.all():
            assert client.get(url("speaker", event, pk=speaker.pk)).status_code == 404


def test_nothing_private_appears_on_any_page_or_feed(client, programme_event):
    event, talk = programme_event["event"], programme_event["talk"]
    secrets = [
        SECRET_NOTES,
        SECRET_AUDIENCE,
        SECRET_BENEFITS,
        SECRET_REQUIREMENTS,
        SECRET_EMAIL,
        SECRET_REVIEW,
        SECRET_FEEDBACK,
        "@example.com",  # any other account's address
    ]

    for address in all_public_urls(event, talk, programme_event["speaker"]):
        response = client.get(address)
        assert response.status_code == 200, address
        body = response.content.decode()
        for secret in secrets:
            assert secret not in body, (address, secret)


def test_hidden_event_is_404_everywhere_even_for_its_organizers(client, programme_event):
    event, talk = programme_event["event"], programme_event["talk"]
    organizer = SpeakerFactory()
    event.organizers.add(organizer)
    event.is_public = False
    event.save()
    addresses = all_public_urls(event, talk, programme_event["speaker"])

    for address in addresses:
        assert client.get(address).status_code == 404, address
    client.force_login(organizer)
    for address in addresses:
        assert client.get(address).status_code == 404, address


def test_unknown_talk_and_speaker_are_404(client, programme_event):
    event = programme_event["event"]
    other_event = EventFactory()
    elsewhere = make_talk(
        other_event, room=RoomFactory(event=other_event), start=at(other_event, 0, 10)
    )
    publish(other_event)

    assert client.get(url("talk", event, code="NOSUCHCODE")).status_code == 404
    assert client.get(url("talk", event, code=elsewhere.code)).status_code == 404
    assert client.get(url("speaker", event, pk=999999)).status_code == 404
    speaker_elsewhere = elsewhere.speakers.first()
    assert client.get(url("speaker", event, pk=speaker_elsewhere.pk)).status_code == 404
    assert client.get(url("speaker", other_event, pk=speaker_elsewhere.pk)).status_code == 200


# --- before and after publishing ---------------------------------------------------------------


def test_before_publishing_the_pages_say_so_and_feeds_are_404(client, db):
    event = EventFactory()
    talk = make_talk(event, room=RoomFactory(event=event), start=at(event, 0, 10))

    for name in ("talks", "schedule"):
        response = client.get(url(name, event))
        assert response.status_code == 200
        assert NOT_PUBLISHED in page(response)
        assert talk.title not in page(response)
    for name in ("schedule_ical", "schedule_xml", "schedule_json"):
        assert client.get(url(name, event)).status_code == 404
    assert client.get(url("talk", event, code=talk.code)).status_code == 404
    assert client.get(url("speaker", event, pk=talk.speakers.first().pk)).status_code == 404


def test_public_sees_only_the_newest_version(client, programme_event):
    event = programme_event["event"]
    late = programme_event["hidden"]["unpublished"]
    assert late.title not in page(client.get(url("schedule", event)))

    publish(event, "2")

    html = page(client.get(url("schedule", event)))
    assert late.title in html
    assert "Schedule version <strong>2</strong>" in html


def test_cfp_page_links_to_the_programme_once_published(client, db):
    event = EventFactory()
    make_talk(event, room=RoomFactory(event=event), start=at(event, 0, 10))
    schedule_url = url("schedule", event)
    assert schedule_url not in page(client.get(event.get_absolute_url()))

    publish(event)

    html = page(client.get(event.get_absolute_url()))
    assert schedule_url in html and url("talks", event) in html


# --- UTF-8 -------------------------------------------------------------------------------------


UNICODE_TITLE = "Café 東京 🎉 שלום עולם"
UNICODE_NAME = "Zoë 陈伟 فاطمة"


def test_unicode_survives_every_page(client, db):
    event = EventFactory(name="Конференция 2027 ✨")
    speaker = SpeakerFactory(profile__name=UNICODE_NAME, profile__affiliation="株式会社サンプル")
    room = RoomFactory(event=event, name="Salle Éole")
    talk = make_talk(
        event,
        title=UNICODE_TITLE,
        abstract="Ünïcödé 日本語 👩‍💻 مرحبا",
        speakers=[speaker],
        room=room,
        start=at(event, 0, 10),
    )
    publish(event)

    for address in (
        url("talks", event),
        url("schedule", event),
        url("talk", event, code=talk.code),
        url("speaker", event, pk=speaker.pk),
    ):
        response = client.get(address)
        html = page(response)
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert UNICODE_TITLE in html, address
        assert UNICODE_NAME in html, address
        assert "Конференция 2027 ✨" in html, address


def test_talk_on_a_day_outside_the_event_still_gets_its_day(client, db):
    event = EventFactory(start_date=date(2031, 5, 6), end_date=date(2031, 5, 6))
    room = RoomFactory(event=event)
    make_talk(event, title="Pre-conference workshop", room=room, start=at(event, -1, 15))
    publish(event)

    html = page(client.get(url("schedule", event)))

    assert "Monday, May 5" in html and "Pre-conference workshop" in html
