"""Decisions, from the organizer's ranked list to a speaker's confirmation, in a real browser.

An organizer logs in, accepts two reviewed proposals from the ranked list (the action and its
confirmation page) and rejects the third (the button on its reviews page), previews a draft in
the outbox and sends the event's drafts; the batch's progress page reaches "done" while
Celery runs in-process and delivers to a real SMTP server. A speaker opens the link of the
acceptance email that server received, logs in and confirms the talk.
"""

import re
from email.message import EmailMessage

import pytest
from playwright.sync_api import expect

from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.models import Message, Proposal, ProposalTransition, SendBatch
from speakers.models import SpeakerProfile
from tests.e2e.conftest import SCREENSHOT_DIR, admin_message, screenshot_taker
from tests.factories import (
    PASSWORD,
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.browser

EVENT_NAME = "Rustfest Zürich 2031"
ORGANIZER_EMAIL = "olga.organizer@example.org"
ZOE = ("zoe.angstrom@example.org", "Zoë Ångström 李")
BOB = ("bob.baker@example.org", "Bob Baker")
CARL = ("carl.clark@example.org", "Carl Clark")
# Title, speaker, the two reviewers' scores: the ranked list orders them so.
TALKS = [
    ("Ünïcode in 東京: text that travels 🚀", ZOE, (5, 4)),
    ("Boring, reliable deployments", BOB, (4, 4)),
    ("Yet another to-do app", CARL, (2, 1)),
]
DECISION_SHOTS = SCREENSHOT_DIR / "decisions"
URL_IN_TEXT = re.compile(r"https?://\S+")


@pytest.fixture
def shot():
    return screenshot_taker(DECISION_SHOTS, prefix="")


_message = admin_message


def _plain_text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _log_in(page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_organizer_decides_sends_and_a_speaker_confirms(
    transactional_db, site, smtp_server, new_page, shot, page_problems
):
    event = EventFactory(name=EVENT_NAME, slug="rustfest-zurich")
    track = TrackFactory(event=event, name="Systems")
    talk_type = SubmissionTypeFactory(event=event, name="Talk", default_duration=30)
    organizer = UserFactory(is_staff=True, email=ORGANIZER_EMAIL)
    SpeakerProfile.objects.create(user=organizer, name="Olga Organizer")
    event.organizers.add(organizer)
    reviewers = [ReviewerFactory(profile__name=f"Reviewer {n}") for n in (1, 2)]
    ReviewerTeamFactory(event=event, members=reviewers)
    proposals, speakers = [], []
    for title, (email, name), scores in TALKS:
        speaker = SpeakerFactory(email=email, profile__name=name)
        proposal = ProposalFactory(
            event=event,
            title=title,
            track=track,
            submission_type=talk_type,
            speakers=[speaker],
        )
        proposal.submit(by=speaker)
        for reviewer, score in zip(reviewers, scores, strict=True):
            give_review(proposal, reviewer, score)
        proposals.append(proposal)
        speakers.append(speaker)
    zoe_talk, bob_talk, carl_talk = proposals
    zoe, bob, carl = speakers

    page = new_page()

    # 1. The staff panel sends the organizer to the site's login, and back.
    page.goto(site.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/admin/"))
    shot(page, "organizer-login")
    _log_in(page, ORGANIZER_EMAIL)
    expect(page).to_have_url(site.url + "/admin/")
    shot(page, "admin-index")

    # 2. The ranked list: best first, with the reviews' figures.
    page.get_by_role("link", name="Ranked proposals").first.click()
    expect(page.get_by_role("heading", name=f"Ranked proposals: {EVENT_NAME}")).to_be_visible()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.locator(".field-title")).to_have_text([title for title, _, _ in TALKS])
    expect(rows.locator(".field-review_total")).to_have_text(["2", "2", "2"])
    expect(rows.locator(".field-mean")).to_have_text(["4.50", "4.00", "1.50"])
    expect(rows.locator(".field-state")).to_have_text(["Submitted"] * 3)
    shot(page, "ranked-list")

    # 3. Accept the top two with the list's action, through its confirmation page.
    for proposal in (zoe_talk, bob_talk):
        row = rows.filter(has_text=proposal.title)
        row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label="Accept selected proposals")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Accept 2 proposals?")).to_be_visible()
    confirm_rows = page.locator("#content-main table tbody tr")
    expect(confirm_rows).to_have_count(2)
    for proposal in (zoe_talk, bob_talk):
        expect(confirm_rows.filter(has_text=proposal.title)).to_contain_text("will be accepted")
    shot(page, "accept-confirm")
    assert list(Proposal.objects.filter(state=ProposalState.ACCEPTED)) == []  # it only asks
    page.get_by_role("button", name="Yes, accept 2 proposals").click()
    expect(
        _message(page, "2 proposals accepted; their emails wait as drafts in the outbox.")
    ).to_be_visible()
    expect(rows.locator(".field-state")).to_have_text(["Accepted", "Accepted", "Submitted"])
    expect(rows.locator(".field-decision_email")).to_have_text(["draft", "draft", "–"])
    shot(page, "ranked-list-accepted")

    # 4. Reject the third with the button on its reviews page.
    page.get_by_role("link", name=carl_talk.title).click()
    expect(page.get_by_role("heading", name=carl_talk.title)).to_be_visible()
    decision = page.locator(".lectern-decision")
    expect(decision).to_contain_text("Decision: Submitted")
    shot(page, "reviews-page")
    decision.get_by_role("button", name="Reject").click()
    expect(
        _message(
            page,
            f"“{carl_talk.title}” is rejected; the email to its speakers waits as a draft "
            "in the outbox.",
        )
    ).to_be_visible()
    expect(decision).to_contain_text("Decision: Rejected · email: draft, not sent yet")
    shot(page, "reviews-page-rejected")

    assert [Proposal.objects.get(pk=p.pk).state for p in proposals] == [
        ProposalState.ACCEPTED,
        ProposalState.ACCEPTED,
        ProposalState.REJECTED,
    ]
    drafts = Message.objects.filter(event=event, state=MessageState.DRAFT)
    assert sorted(drafts.values_list("to", "kind")) == sorted(
        [
            (zoe.email, MessageKind.ACCEPTANCE),
            (bob.email, MessageKind.ACCEPTANCE),
            (carl.email, MessageKind.REJECTION),
        ]
    )
    assert smtp_server.messages == []  # drafts wait for the organizer

    # 5. The outbox: three drafts; preview Zoë's.
    page.get_by_role("link", name="Outbox").first.click()
    expect(page.get_by_role("heading", name="Outbox")).to_be_visible()
    outbox_rows = page.locator("#result_list tbody tr")
    expect(outbox_rows).to_have_count(3)
    expect(outbox_rows.locator(".field-state_label")).to_have_text(["Draft"] * 3)
    send_all = page.get_by_role("link", name=f"Send 3 drafts of {EVENT_NAME}…")
    expect(send_all).to_be_visible()
    shot(page, "outbox-drafts")

    zoe_subject = f"Accepted: {zoe_talk.title} ({EVENT_NAME})"
    zoe_row = outbox_rows.filter(has_text=zoe.email)
    expect(zoe_row.locator(".field-subject_line")).to_contain_text(zoe_subject)
    expect(zoe_row.locator(".field-subject_line .lectern-muted")).to_have_text("Acceptance")
    zoe_row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=f"Draft to {zoe.email}")).to_be_visible()
    preview = page.locator(".lectern-mail")
    expect(preview.locator(".lectern-mail-head")).to_have_text(
        f"To: {zoe.email}Subject: {zoe_subject}"
    )
    text = preview.locator(".lectern-mail-text")
    expect(text).to_contain_text(f"Hello {ZOE[1]},")
    expect(text).to_contain_text(f"congratulations! “{zoe_talk.title}” has been accepted")
    expect(text).to_contain_text(site.url + zoe_talk.get_absolute_url())
    html = page.frame_locator("iframe.lectern-mail-html")
    expect(html.locator("body")).to_contain_text(f"“{zoe_talk.title}” has been accepted")
    expect(html.locator("a")).to_have_text(site.url + zoe_talk.get_absolute_url())
    expect(page.get_by_role("button", name="Send this draft")).to_be_visible()
    shot(page, "draft-preview")

    # 6. Send the event's drafts, through the confirmation page.
    page.get_by_role("link", name="Outbox").first.click()
    page.get_by_role("link", name=f"Send 3 drafts of {EVENT_NAME}…").click()
    expect(page.get_by_role("heading", name=f"Send the drafts of {EVENT_NAME}")).to_be_visible()
    content = page.locator("#content-main")
    expect(content).to_contain_text(f"Send 3 emails of {EVENT_NAME} now?")
    expect(content.locator("ul").first.locator("li")).to_have_text(
        ["Acceptance: 2", "Rejection: 1"]
    )
    expect(content.locator("table tbody tr")).to_have_count(3)
    shot(page, "send-confirm")
    page.get_by_role("button", name="Yes, send 3 emails").click()

    # 7. The batch's progress page reaches "done": 100 %, three sent.
    batch = SendBatch.objects.get(event=event)
    expect(page).to_have_url(site.url + f"/admin/cfp/sendbatch/{batch.pk}/progress/")
    expect(page.get_by_role("heading", name=f"Sending 3 emails of {EVENT_NAME}")).to_be_visible()
    expect(_message(page, f"Sending 3 emails of {EVENT_NAME}.")).to_be_visible()
    expect(page.locator("#lectern-batch-status")).to_have_text(
        "Done: every email of this batch has been handled.", timeout=20_000
    )
    expect(page.locator('[data-figure="sent"]')).to_have_text("3")
    expect(page.locator('[data-figure="failed"]')).to_have_text("0")
    expect(page.locator('[data-figure="waiting"]')).to_have_text("0")
    expect(page.get_by_role("progressbar", name="Sent")).to_have_attribute("aria-valuenow", "3")
    expect(page.locator('[data-part="sent"]')).to_have_attribute("style", "width: 100%;")
    figures = page.request.get(site.url + f"/admin/cfp/sendbatch/{batch.pk}/progress.json")
    assert figures.json() == {
        "total": 3,
        "sent": 3,
        "failed": 0,
        "discarded": 0,
        "unknown": 0,
        "waiting": 0,
        "done": True,
        "percent": 100,
    }
    shot(page, "batch-done")

    # 8. The SMTP server received one email per speaker: two acceptances, one rejection.
    received = smtp_server.wait_for(3, timeout=10)
    assert len(received) == 3
    by_recipient = {}
    for recipients, message in received:
        assert len(recipients) == 1
        assert message["To"] == recipients[0]
        by_recipient[recipients[0]] = message
    assert sorted(by_recipient) == sorted(s.email for s in speakers)
    expected_subjects = {
        zoe.email: zoe_subject,
        bob.email: f"Accepted: {bob_talk.title} ({EVENT_NAME})",
        carl.email: f"Your proposal to {EVENT_NAME}: {carl_talk.title}",
    }
    # Django 5.2 folds an encoded Subject onto a continuation line ("Subject: \n =?utf-8?…");
    # unfolding leaves that line's leading space, which mail programs drop.
    subjects = {to: str(m["Subject"]).lstrip() for to, m in by_recipient.items()}
    assert subjects == expected_subjects
    assert "congratulations!" in _plain_text(by_recipient[bob.email])
    assert "could not accept yours" in _plain_text(by_recipient[carl.email])
    assert all(
        m.state == MessageState.SENT and m.batch_id == batch.pk
        for m in Message.objects.filter(event=event)
    )

    # 9. Zoë opens the link in her email, logs in and confirms.
    zoe_body = _plain_text(by_recipient[zoe.email])
    assert f"Hello {ZOE[1]}," in zoe_body
    links = URL_IN_TEXT.findall(zoe_body)
    assert len(links) == 1, zoe_body
    confirm_url = links[0]
    assert confirm_url == site.url + zoe_talk.get_absolute_url()
    zoe_html = by_recipient[zoe.email].get_body(preferencelist=("html",)).get_content()
    assert f'<a href="{confirm_url}" rel="nofollow">{confirm_url}</a>' in zoe_html
    assert ZOE[1] in zoe_html and zoe_talk.title in zoe_html

    speaker_page = new_page()
    speaker_page.goto(confirm_url)
    expect(speaker_page).to_have_url(re.compile(r"/accounts/login/\?next="))
    shot(speaker_page, "speaker-login")
    _log_in(speaker_page, zoe.email)
    expect(speaker_page).to_have_url(confirm_url)
    cta = speaker_page.locator(".decision-cta")
    expect(cta.get_by_role("heading", name="Accepted! Please confirm your talk")).to_be_visible()
    expect(cta).to_contain_text(f"“{zoe_talk.title}” has been accepted for {EVENT_NAME}")
    confirm = cta.get_by_role("button", name="Confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_have_class(re.compile(r"\bbtn-success\b.*\bbtn-lg\b"))
    expect(speaker_page.locator("h1 + .badge")).to_have_text("Accepted")
    shot(speaker_page, "speaker-accepted")
    confirm.click()
    expect(speaker_page).to_have_url(confirm_url)
    expect(
        speaker_page.locator(".messages .alert").filter(
            has_text=f"Thank you! You confirmed “{zoe_talk.title}” for {EVENT_NAME}."
        )
    ).to_be_visible()
    expect(speaker_page.locator(".alert-success").filter(has_text="Confirmed.")).to_be_visible()
    expect(speaker_page.locator("h1 + .badge")).to_have_text("Confirmed")
    expect(speaker_page.locator(".decision-cta")).to_have_count(0)
    shot(speaker_page, "speaker-confirmed")

    speaker_page.get_by_role("link", name="My proposals").first.click()
    row = speaker_page.locator("tbody tr", has_text=zoe_talk.title)
    expect(row.locator(".badge")).to_have_text("Confirmed")
    expect(speaker_page.locator(".decision-cta")).to_have_count(0)
    shot(speaker_page, "speaker-my-proposals")

    zoe_talk.refresh_from_db()
    assert zoe_talk.state == ProposalState.CONFIRMED
    assert list(
        ProposalTransition.objects.filter(
            proposal=zoe_talk, from_state=ProposalState.ACCEPTED
        ).values_list("to_state", "by")
    ) == [(ProposalState.CONFIRMED, zoe.pk)]
    assert [Proposal.objects.get(pk=p.pk).state for p in (bob_talk, carl_talk)] == [
        ProposalState.ACCEPTED,
        ProposalState.REJECTED,
    ]

    # 10. The organizer's list shows it: confirmed, its email sent.
    page.goto(site.url + "/admin/reviews/rankedproposal/")
    expect(rows.locator(".field-state")).to_have_text(["Confirmed", "Accepted", "Rejected"])
    expect(rows.locator(".field-decision_email")).to_have_text(["sent", "sent", "sent"])
    shot(page, "ranked-list-final")

    assert len(smtp_server.messages) == 3  # confirming sends nothing
    assert page_problems.errors == []
