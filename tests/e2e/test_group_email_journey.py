"""Email to a group in a real browser: an organizer writes to the speakers who have not
confirmed, previews the email of one of them, creates the drafts and sends them; a speaker
on two accepted talks gets one email. The pages are checked with axe-core at 1280 and 390
pixels wide (no serious or critical violation, no sideways scrolling), under the site's CSP.
"""

import re

import pytest
from playwright.sync_api import expect

from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.models import GroupEmail, Message, SendBatch
from speakers.models import SpeakerProfile
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, admin_message, screenshot_taker
from tests.factories import PASSWORD, EventFactory, ProposalFactory, SpeakerFactory, UserFactory

pytestmark = pytest.mark.browser

EVENT_NAME = "Rustfest Zürich 2031"
ORGANIZER_EMAIL = "olga.organizer@example.org"
ZOE = ("zoe.angstrom@example.org", "Zoë Ångström 李")
BOB = ("bob.baker@example.org", "Bob Baker")
CARL = ("carl.clark@example.org", "Carl Clark")
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}
SUBJECT = "Please confirm your talk at {event_name}"
BODY = (
    "Hello {speaker_name},\n\n"
    "we have not heard from you yet. Please confirm your talk on your proposal's page.\n\n"
    "The organizers of {event_name}\n"
)


@pytest.fixture
def shot():
    return screenshot_taker(SCREENSHOT_DIR / "group-email", prefix="group-email-")


def checked(page, shot, name: str, problems) -> None:
    """axe-core and a screenshot at 1280 and 390 px, and no sideways scrolling at 390 px.

    Playwright (hiding the caret) and axe-core add <style> elements of their own, which the
    site's CSP refuses: those console errors are the tools', not the page's."""
    assert problems.errors == [], "\n".join(problems.errors)
    for size, suffix in ((WIDE, "1280"), (NARROW, "390")):
        page.set_viewport_size(size)
        assert_accessible(page)
        shot(page, f"{name}-{suffix}")
    wider = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert wider <= 0, f"{name} scrolls sideways at 390 px by {wider} px"
    page.set_viewport_size(WIDE)
    problems.errors[:] = [e for e in problems.errors if "Applying inline style" not in e]


def _plain_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_organizer_writes_to_speakers_who_have_not_confirmed(
    transactional_db, site, smtp_server, new_page, shot, page_problems
):
    organizer = UserFactory(is_staff=True, email=ORGANIZER_EMAIL)
    SpeakerProfile.objects.create(user=organizer, name="Olga Organizer")
    event = EventFactory(name=EVENT_NAME, slug="rustfest", organizers=[organizer])
    zoe, bob, carl = (SpeakerFactory(email=e, profile__name=n) for e, n in (ZOE, BOB, CARL))
    accepted = ProposalState.ACCEPTED
    ProposalFactory(event=event, title="Ünïcode in 東京 🚀", state=accepted, speakers=[zoe])
    ProposalFactory(event=event, title="Borrow checking", state=accepted, speakers=[zoe, bob])
    ProposalFactory(
        event=event, title="Confirmed already", state=ProposalState.CONFIRMED, speakers=[carl]
    )

    page = new_page()
    page.goto(site.url + "/admin/")
    page.get_by_label("Email").fill(ORGANIZER_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(site.url + "/admin/")

    # 1. From the staff panel's index to the write page.
    page.get_by_role("link", name="Emails to groups").first.click()
    expect(page.get_by_role("heading", name="Select email to a group to view")).to_be_visible()
    page.get_by_role("link", name="Write to a group…").click()
    expect(page.get_by_role("heading", name=f"Write to a group of {EVENT_NAME}")).to_be_visible()
    checked(page, shot, "write", page_problems)

    # 2. Speakers who have not confirmed; a text without proposal placeholders; preview.
    page.get_by_label("Speakers who have not confirmed their accepted talk").check()
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Text", exact=True).fill(BODY)
    page.get_by_role("button", name="Preview", exact=True).click()
    preview = page.locator(".lectern-preview")
    expect(preview).to_contain_text("2 emails, one per person.")
    recipient = page.get_by_label("Show the email to")
    expect(recipient.locator("option")).to_have_text(
        [f"{BOB[1]} <{BOB[0]}>", f"{ZOE[1]} <{ZOE[0]}>"]
    )
    expect(preview.locator(".lectern-mail-text")).to_contain_text(f"Hello {BOB[1]},")
    assert GroupEmail.objects.count() == 0  # a preview writes nothing

    # 3. Pick Zoë: her email, text and HTML.
    recipient.select_option(label=f"{ZOE[1]} <{ZOE[0]}>")
    preview.get_by_role("button", name="Show").click()
    mail = page.locator(".lectern-mail")
    expect(mail.locator(".lectern-mail-head")).to_have_text(
        f"To: {ZOE[0]}Subject: Please confirm your talk at {EVENT_NAME}"
    )
    expect(mail.locator(".lectern-mail-text")).to_contain_text(f"Hello {ZOE[1]},")
    html = page.frame_locator("iframe.lectern-mail-html")
    expect(html.locator("body")).to_contain_text(f"Hello {ZOE[1]},")
    expect(page.get_by_label("Subject")).to_have_value(SUBJECT)  # the text stays as typed
    checked(page, shot, "preview", page_problems)

    # 4. Create the drafts (a second click writes nothing more): the email's page.
    page.get_by_role("button", name="Create 2 drafts").click()
    expect(admin_message(page, "2 drafts wait in the outbox; send them from here.")).to_be_visible()
    written = GroupEmail.objects.get()
    expect(page).to_have_url(re.compile(rf"/admin/cfp/groupemail/{written.pk}/change/$"))
    drafts = Message.objects.filter(group_email=written)
    assert sorted(drafts.values_list("to", "state")) == [
        (BOB[0], MessageState.DRAFT),
        (ZOE[0], MessageState.DRAFT),
    ]
    assert smtp_server.messages == []
    checked(page, shot, "drafts", page_problems)

    # 5. The drafts are in the outbox.
    page.get_by_role("link", name="Read or change the drafts in the outbox").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.locator(".field-state_label")).to_have_text(["Draft", "Draft"])
    shot(page, "outbox")
    page.go_back()

    # 6. Send: the batch's progress page reaches "done"; one email per speaker.
    page.get_by_role("button", name="Send 2 emails").click()
    batch = SendBatch.objects.get()
    expect(page).to_have_url(site.url + f"/admin/cfp/sendbatch/{batch.pk}/progress/")
    expect(page.locator("#lectern-batch-status")).to_have_text(
        "Done: every email of this batch has been handled.", timeout=20_000
    )
    expect(page.locator('[data-figure="sent"]')).to_have_text("2")
    shot(page, "sent")

    received = smtp_server.wait_for(2, timeout=10)
    assert sorted(rcpts[0] for rcpts, _ in received) == [BOB[0], ZOE[0]]
    assert all(len(rcpts) == 1 for rcpts, _ in received)
    zoe_mail = next(m for rcpts, m in received if rcpts == [ZOE[0]])
    assert str(zoe_mail["Subject"]).lstrip() == f"Please confirm your talk at {EVENT_NAME}"
    assert _plain_text(zoe_mail).startswith(f"Hello {ZOE[1]},")
    assert set(drafts.values_list("state", flat=True)) == {MessageState.SENT}
    assert not Message.objects.filter(kind=MessageKind.GROUP, to=CARL[0]).exists()
    assert len(smtp_server.messages) == 2
    assert page_problems.errors == []
