"""The invited co-speaker's journey, signed out, on a phone-sized screen: open the link,
see the talk and who invited, sign up with the address already filled in, come back to the
invitation and accept it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cfp.enums import InvitationState
from tests.e2e.axe import assert_accessible
from tests.factories import EventFactory, InvitationFactory, ProposalFactory, SpeakerFactory

pytestmark = pytest.mark.browser

INVITED = "ilse.ostergaard@example.org"
PASSWORD = "Lantern-quokka-47-river"


def test_invited_co_speaker_signs_up_from_the_link_and_accepts(
    site, new_page, page_problems, screenshot
):
    inviter = SpeakerFactory(email="grace@example.org", profile__name="Grace Hopper")
    event = EventFactory(name="Compiler Days", timezone="Asia/Tokyo")
    proposal = ProposalFactory(event=event, title="Compilers for everyone", speakers=[inviter])
    invitation = InvitationFactory(
        proposal=proposal,
        email=INVITED,
        invited_by=inviter,
        expires_at=timezone.now() + timedelta(days=14),
    )
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})

    # 1. The link from the email: what, for which event, from whom, until when.
    page.goto(site.url + invitation.get_absolute_url())
    card = page.locator(".card")
    expect(card).to_contain_text("Compilers for everyone")
    expect(card).to_contain_text("An invitation to speak at Compiler Days")
    expect(card).to_contain_text("Grace Hopper invites you to be a co-speaker of")
    expect(card).to_contain_text("(Asia/Tokyo)")
    expect(card.get_by_role("button", name="Decline")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    screenshot(page, "invitation-signed-out")

    # 2. Sign up: the invited address is already there.
    card.get_by_role("link", name="Accept: sign up").click()
    email = page.get_by_label("Email")
    expect(email).to_have_value(INVITED)
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    screenshot(page, "invitation-signup-prefilled")
    page.get_by_role("button", name="Sign Up").click()

    # 3. Back on the invitation, signed in: accept.
    page.wait_for_url(site.url + invitation.get_absolute_url())
    accept = page.get_by_role("button", name="Accept the invitation")
    expect(accept).to_be_visible()
    assert_accessible(page)
    accept.click()
    page.wait_for_url(site.url + proposal.get_absolute_url())
    expect(page.locator(".alert")).to_contain_text(
        "You are now a speaker of “Compilers for everyone”."
    )
    # The co-speaker joins after the one who invited them.
    names = page.locator("#speakers .list-group-item").all_inner_texts()
    assert [n.splitlines()[0] for n in names] == ["Grace Hopper", INVITED]
    assert_accessible(page)  # the speakers' list with its move buttons included
    screenshot(page, "invitation-accepted")

    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED
    assert page_problems.errors == []
