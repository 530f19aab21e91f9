"""An event the dashboard tests read, with known figures, and readers of the dashboard page."""

import html
import json
import re
from datetime import UTC, datetime
from types import SimpleNamespace

from django.urls import reverse

from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.models import Message, Proposal, ScheduleVersion
from reviews import scores, services
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    RoomFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TalkSlotFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import page
from tests.reviews.helpers import give_review

DASHBOARD = reverse("admin:index")


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def links(response) -> dict[str, str]:
    """The links of the page's main part: their text (spaces folded) → their address."""
    body = page(response)
    main = body[body.index('id="content-main"') :]
    found = {}
    for href, text in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', main, re.S):
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())
        found.setdefault(words, html.unescape(href))
    return found


def chart(response, name: str) -> dict:
    match = re.search(
        rf'<script id="dash-{name}-data" type="application/json">(.*?)</script>', page(response)
    )
    assert match, f"no data block for the {name} chart"
    return json.loads(match.group(1))


def text(response) -> str:
    """The page's words, without tags, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page(response))).split())


def build_board() -> SimpleNamespace:
    """Board Summit (America/Chicago): seven proposals in every state, three reviewers, three
    emails, two placed talks and a published schedule; another organizer's event beside it."""
    organizer = UserFactory(is_staff=True, email="olga@board.test")
    event = EventFactory(name="Board Summit", timezone="America/Chicago", organizers=[organizer])
    event.cfp.deadline = at(2025, 3, 1, 18, 30)  # 12:30 p.m. in Chicago (CST)
    event.cfp.opens_at = at(2025, 1, 1)
    event.cfp.save()
    dev, ops = TrackFactory(event=event, name="Developer"), TrackFactory(event=event, name="Ops")
    talk = SubmissionTypeFactory(event=event, name="Talk")
    workshop = SubmissionTypeFactory(event=event, name="Workshop")
    speaker = SpeakerFactory(
        email="sam.speaker@board.test", profile__name="Sam Speakerson", profile__affiliation="ACME"
    )

    def proposal(title, state, track, kind, when):
        made = ProposalFactory(
            event=event, title=title, state=state, track=track, submission_type=kind,
            speakers=[speaker],
        )  # fmt: skip
        Proposal.objects.filter(pk=made.pk).update(submitted_at=when)
        return made

    alpha = proposal("Alpha", ProposalState.SUBMITTED, dev, talk, at(2025, 2, 10, 3))  # Feb 9 there
    bravo = proposal("Bravo", ProposalState.SUBMITTED, ops, talk, at(2025, 2, 10, 20))
    # Reviewed while submitted, then accepted (a decided proposal's reviews are read-only).
    charlie = proposal("Charlie", ProposalState.SUBMITTED, dev, workshop, at(2025, 2, 12, 15))
    delta = proposal("Delta", ProposalState.CONFIRMED, dev, talk, at(2025, 2, 12, 15))
    echo = proposal("Echo", ProposalState.REJECTED, ops, workshop, at(2025, 2, 12, 15))
    proposal("Foxtrot", ProposalState.WITHDRAWN, None, talk, at(2025, 2, 12, 15))
    ProposalFactory(event=event, title="Secret draft", track=None, submission_type=talk)

    rita = ReviewerFactory(email="rita@board.test", profile__name="Rita Harsh")
    lena = ReviewerFactory(email="lena@board.test", profile__name="Lena Lenient")
    idle = ReviewerFactory(email="ivan@board.test", profile__name="Ivan Idle")
    ReviewerTeamFactory(event=event, members=[rita, lena, idle])
    give_review(alpha, rita, 4)
    give_review(bravo, rita, 2)
    give_review(charlie, lena, 5)
    Proposal.objects.filter(pk=charlie.pk).update(state=ProposalState.ACCEPTED)
    charlie.refresh_from_db()
    services.assignment_add(proposal=alpha, reviewer=idle)

    def mail(state, kind=MessageKind.SUBMISSION_RECEIVED, proposal=None):
        Message.objects.create(
            event=event, proposal=proposal, kind=kind, to="someone@board.test",
            subject="Subject", body="Body", state=state,
        )  # fmt: skip

    mail(MessageState.DRAFT, MessageKind.ACCEPTANCE, charlie)
    mail(MessageState.FAILED)
    mail(MessageState.SENT)
    room = RoomFactory(event=event)
    TalkSlotFactory(proposal=charlie, room=room)
    TalkSlotFactory(proposal=delta, room=room, start=at(2025, 6, 1, 17))
    ScheduleVersion.objects.create(
        event=event, name="1.0", published_at=at(2025, 4, 2, 16, 5)
    )  # 11:05 a.m. in Chicago (CDT)

    scores.scores_refresh_if_stale(event.pk)  # as the Celery task does after each commit

    other_organizer = UserFactory(is_staff=True, email="otto@board.test")
    other = EventFactory(name="Other Summit", organizers=[other_organizer])
    ProposalFactory(event=other, title="Their talk", state=ProposalState.SUBMITTED)
    return SimpleNamespace(
        organizer=organizer, event=event, dev=dev, ops=ops, talk=talk, workshop=workshop,
        speaker=speaker, alpha=alpha, bravo=bravo, charlie=charlie, delta=delta, echo=echo,
        rita=rita, lena=lena, idle=idle, other=other, other_organizer=other_organizer,
    )  # fmt: skip
