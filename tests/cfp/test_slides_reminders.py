"""The slides reminder: some days before the event (in its time zone), each speaker of a
confirmed talk without slides is reminded once, through the outbox."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from cfp import slides, tasks
from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.models import CfP, EmailTemplate, Message
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory, UserFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db

# The Summit starts on Monday, May 10, 2027 in Los Angeles (UTC-7 then); a week before, May 3,
# starts there at 07:00 UTC.
START = date(2027, 5, 10)
WEEK_BEFORE_STARTS = datetime(2027, 5, 3, 7, 0, tzinfo=UTC)


@pytest.fixture
def summit(db):
    event = EventFactory(
        name="Pacific Summit",
        slug="pacific",
        timezone="America/Los_Angeles",
        start_date=START,
        end_date=date(2027, 5, 11),
    )
    event.cfp.slides_reminder_days = 7
    event.cfp.save()
    ada = SpeakerFactory(email="ada@pacific.test", profile__name="Ada Lovelace")
    bob = SpeakerFactory(email="bob@pacific.test", profile__name="Bob Builder")
    talk = ProposalFactory(
        event=event, title="Kernels in Rust", state=ProposalState.CONFIRMED, speakers=[ada, bob]
    )
    return event, talk, ada, bob


def reminders() -> list[tuple[str, str]]:
    rows = Message.objects.filter(kind=MessageKind.SLIDES_REMINDER).order_by("to")
    return list(rows.values_list("to", "state"))


def run(at: datetime, capture) -> int:
    with time_machine.travel(at, tick=False), capture(execute=True):
        return tasks.send_slides_reminders()


def test_the_reminder_comes_at_the_start_of_the_day_in_the_events_time_zone(
    summit, django_capture_on_commit_callbacks
):
    a_minute_early = datetime(2027, 5, 3, 6, 59, tzinfo=UTC)  # still May 2 in Los Angeles

    assert run(a_minute_early, django_capture_on_commit_callbacks) == 0
    assert reminders() == []
    assert run(WEEK_BEFORE_STARTS, django_capture_on_commit_callbacks) == 2

    assert reminders() == [
        ("ada@pacific.test", MessageState.SENT),
        ("bob@pacific.test", MessageState.SENT),
    ]
    ada = next(m for m in mail.outbox if m.to == ["ada@pacific.test"])
    assert ada.subject == "Your slides for Pacific Summit: Kernels in Rust"
    assert "Hello Ada Lovelace," in ada.body
    assert "Pacific Summit starts on May 10, 2027" in ada.body
    url = reverse("cfp:proposal_slides", kwargs={"event": "pacific", "code": summit[1].code})
    assert settings.SITE_URL + url in ada.body


def test_running_twice_reminds_each_speaker_once(summit, django_capture_on_commit_callbacks):
    assert run(WEEK_BEFORE_STARTS, django_capture_on_commit_callbacks) == 2
    assert run(WEEK_BEFORE_STARTS, django_capture_on_commit_callbacks) == 0
    assert run(datetime(2027, 5, 9, 12, tzinfo=UTC), django_capture_on_commit_callbacks) == 0

    assert len(reminders()) == 2 and len(mail.outbox) == 2


def test_a_speaker_who_joins_later_is_reminded_alone(summit, django_capture_on_commit_callbacks):
    _, talk, _, _ = summit
    run(WEEK_BEFORE_STARTS, django_capture_on_commit_callbacks)
    talk.add_speaker(SpeakerFactory(email="cora@pacific.test"))

    assert run(datetime(2027, 5, 4, 8, tzinfo=UTC), django_capture_on_commit_callbacks) == 1

    assert [to for to, _ in reminders()] == [
        "ada@pacific.test",
        "bob@pacific.test",
        "cora@pacific.test",
    ]


def test_one_reminder_per_speaker_and_talk_is_what_the_database_allows(summit):
    from django.db import IntegrityError, transaction

    from cfp.mail import outbox

    _, talk, ada, _ = summit

    def remind():
        outbox.message_queue(
            to=ada.email, subject="S", body="B", kind=MessageKind.SLIDES_REMINDER,
            event=talk.event, proposal=talk, user=ada,
        )  # fmt: skip

    remind()
    with pytest.raises(IntegrityError), transaction.atomic():
        remind()


@pytest.mark.parametrize(
    "change",
    [
        {"slides_url": "https://slides.example/rust"},
        {"slides": "slides/abc.pdf"},
        {"state": ProposalState.ACCEPTED},
        {"state": ProposalState.CANCELED},
    ],
)
def test_talks_with_slides_or_not_confirmed_are_not_reminded(
    summit, change, django_capture_on_commit_callbacks
):
    _, talk, _, _ = summit
    type(talk).objects.filter(pk=talk.pk).update(**change)

    assert run(WEEK_BEFORE_STARTS, django_capture_on_commit_callbacks) == 0
    assert reminders() == []


def test_an_empty_setting_reminds_nobody(summit, django_capture_on_commit_callbacks):
    event = summit[0]
    event.cfp.slides_reminder_days = None
    event.cfp.save()

    assert run(WEEK_BEFORE_STARTS, django_capture_on_commit_callbacks) == 0


def test_no_reminder_once_the_event_is_over(summit, django_capture_on_commit_callbacks):
    the_day_after = datetime(2027, 5, 12, 8, tzinfo=UTC)  # May 12, 1:00 in Los Angeles

    assert run(the_day_after, django_capture_on_commit_callbacks) == 0


def test_a_late_first_run_still_reminds_before_the_event_ends(
    summit, django_capture_on_commit_callbacks
):
    last_evening = datetime(2027, 5, 12, 6, 30, tzinfo=UTC)  # May 11, 23:30 in Los Angeles

    assert run(last_evening, django_capture_on_commit_callbacks) == 2


def test_the_event_may_word_the_reminder(summit, django_capture_on_commit_callbacks):
    event, talk, _, _ = summit
    EmailTemplate.objects.create(
        event=event,
        kind=MessageKind.SLIDES_REMINDER,
        subject="Slides? {proposal_title}",
        body="Hi {speaker_name}, upload at {slides_url} before {event_start}.",
    )

    run(WEEK_BEFORE_STARTS, django_capture_on_commit_callbacks)

    bob = Message.objects.get(kind=MessageKind.SLIDES_REMINDER, to="bob@pacific.test")
    assert bob.subject == "Slides? Kernels in Rust"
    assert bob.body.startswith("Hi Bob Builder, upload at http")
    assert bob.body.endswith("before May 10, 2027.")


def test_due_follows_the_event_dates():
    event = EventFactory.build(timezone="Pacific/Auckland", start_date=START, end_date=START)
    event.cfp = CfP(slides_reminder_days=0)  # on the first day itself

    assert not slides.slides_reminder_due(event, datetime(2027, 5, 9, 11, 59, tzinfo=UTC))
    assert slides.slides_reminder_due(event, datetime(2027, 5, 9, 12, 0, tzinfo=UTC))  # NZST
    assert not slides.slides_reminder_due(event, datetime(2027, 5, 10, 12, 0, tzinfo=UTC))


def test_beat_runs_the_reminders_every_hour():
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "cfp.tasks.send_slides_reminders"
    )

    assert entry["schedule"].minute == {20} and len(entry["schedule"].hour) == 24


def test_organizers_set_the_days_with_the_events_other_mail_settings(client, summit):
    event = summit[0]
    organizer = UserFactory(is_staff=True)
    event.organizers.add(organizer)
    client.force_login(organizer)

    body = page(client.get(reverse("admin:cfp_event_change", args=[event.pk])))

    assert "confirmation reminder after (days)" in body.lower()
    assert "slides reminder (days before the event)" in body.lower()
    assert 'name="cfp-0-slides_reminder_days" value="7"' in body


def test_the_text_is_listed_among_the_event_texts(client, summit):
    event = summit[0]
    organizer = UserFactory(is_staff=True)
    event.organizers.add(organizer)
    client.force_login(organizer)

    body = page(client.get(reverse("admin:cfp_emailtemplate_changelist"), {"event": event.pk}))

    assert "Slides reminder" in body
    assert "{slides_url}" in body and "{event_start}" in body
