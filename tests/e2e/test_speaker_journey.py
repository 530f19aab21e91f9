"""A speaker's whole journey through the CfP, in a real browser against the live server.

Sign up, verify the email address, fill in the profile, submit a proposal, invite a
co-speaker who accepts in their own browser, list the proposal, and withdraw it.
"""

import re
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.utils import dateformat
from django.utils import timezone as dj_timezone
from playwright.sync_api import expect

from cfp.enums import ExperienceLevel, InvitationState, ProposalState
from cfp.models import Invitation, Proposal, ProposalTransition
from speakers.models import User
from tests.factories import (
    PASSWORD,
    EventFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
)

pytestmark = pytest.mark.browser

EMAIL = "zoe.angstrom@example.org"
SIGNUP_PASSWORD = "Lantern-quokka-47-river"
NAME = "Zoë Ångström 李 🎤 שלום"
AFFILIATION = "Universität Zürich · 東京大学 · جامعة"
BIOGRAPHY = "Zoë builds *accessible* tools. 她喜欢开源 🎉. מדברת בכנסים."
TITLE = "Ünïcode everywhere: 日本語, العربية and 🚀 in one talk"
ABSTRACT = (
    "The speaker shows why **bold** choices about text encoding matter.\n\n- one 🎤\n- two שלום\n"
)
CO_EMAIL = "co.speaker@example.org"
CO_NAME = "Ilse Østergaard"

URL_IN_TEXT = re.compile(r"https?://\S+")


def _link_in(message, path_prefix: str) -> str:
    """The one link in an email's body that contains path_prefix."""
    links = [url for url in URL_IN_TEXT.findall(message.body) if path_prefix in url]
    assert len(links) == 1, f"expected one {path_prefix} link in:\n{message.body}"
    return links[0]


def _alert(page, text: str):
    return page.locator(".messages .alert").filter(has_text=text)


def _card(page, header: str):
    return page.locator(".card", has=page.locator(".card-header", has_text=header))


def _assert_legible(button) -> None:
    """The button's label does not vanish into its background (same colour for both)."""
    color, background = button.evaluate(
        "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]"
    )
    assert color != background, f"{button}: text {color} on background {background}"


def _log_in(page, site, email: str, password: str, screenshot) -> None:
    page.goto(site.url + "/accounts/login/")
    screenshot(page, "co-speaker-login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(site.url + "/me/proposals/")


def test_speaker_signs_up_submits_invites_and_withdraws(
    transactional_db, site, new_page, screenshot, mailoutbox, page_problems
):
    event = EventFactory(name="PyCon Ünïcode 2030", slug="pycon-unicode")
    talk = SubmissionTypeFactory(event=event, name="Talk", default_duration=30)
    SubmissionTypeFactory(event=event, name="Workshop", default_duration=90)
    track = TrackFactory(event=event, name="Internationalisation", description="Text, i18n")
    TrackFactory(event=event, name="Web")
    co_speaker = SpeakerFactory(email=CO_EMAIL, profile__name=CO_NAME)

    page = new_page()

    # 1. Sign up.
    page.goto(site.url + "/accounts/signup/")
    expect(page.get_by_role("heading", name="Sign Up")).to_be_visible()
    screenshot(page, "signup")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password*", exact=True).fill(SIGNUP_PASSWORD)
    page.get_by_label("Password (again)").fill(SIGNUP_PASSWORD)
    _assert_legible(page.get_by_role("button", name="Sign Up"))
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(site.url + "/accounts/confirm-email/")
    expect(page.locator("main")).to_contain_text("We have sent an email to you for verification")
    screenshot(page, "verification-sent")

    user = User.objects.get(email=EMAIL)
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mailoutbox) == 1
    verification = mailoutbox[0]
    assert verification.to == [EMAIL]
    assert verification.subject == "[Lectern] Please Confirm Your Email Address"

    # 2. Open the link from the email and confirm (a POST: the GET only asks).
    confirm_url = _link_in(verification, "/accounts/confirm-email/")
    assert confirm_url.startswith(site.url)
    page.goto(confirm_url)
    expect(page.locator("main")).to_contain_text(f"Please confirm that {EMAIL}")
    screenshot(page, "confirm-email")
    assert EmailAddress.objects.get(user=user).verified is False
    confirm = page.get_by_role("button", name="Confirm")
    expect(confirm).to_have_class(re.compile(r"\bbtn-primary\b"))  # the page's main action
    confirm.click()
    expect(page.get_by_role("link", name="My proposals")).to_be_visible()
    expect(page.get_by_role("heading", name="My proposals")).to_be_visible()
    expect(page.locator("main")).to_contain_text("You have no proposals yet.")
    screenshot(page, "confirmed-logged-in")
    assert EmailAddress.objects.get(user=user).verified is True

    # 3. Complete the profile, in several scripts and with emoji.
    page.get_by_role("link", name="Profile", exact=True).click()
    expect(page).to_have_url(site.url + "/me/profile/")
    screenshot(page, "profile-empty")
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Affiliation").fill(AFFILIATION)
    page.get_by_label("Biography").fill(BIOGRAPHY)
    _assert_legible(page.get_by_role("button", name="Save profile"))
    page.get_by_role("button", name="Save profile").click()
    expect(_alert(page, "Your profile is saved.")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value(NAME)
    expect(page.locator("nav .dropdown-toggle")).to_have_text(NAME)
    screenshot(page, "profile-saved")
    user.profile.refresh_from_db()
    assert (user.profile.name, user.profile.affiliation, user.profile.biography) == (
        NAME,
        AFFILIATION,
        BIOGRAPHY,
    )
    assert user.profile.is_complete

    # 4. From the CfP page to a submitted proposal.
    page.goto(site.url + f"/{event.slug}/")
    expect(page.get_by_role("heading", name=event.name)).to_be_visible()
    expect(page.locator(".badge", has_text="CfP open")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Talk (30 min)")
    expect(page.locator("main")).to_contain_text("Internationalisation – Text, i18n")
    expect(page.locator(".countdown")).to_contain_text("left")
    screenshot(page, "event-cfp")
    page.get_by_role("link", name="Submit a proposal").click()
    # The form's one-time token is in the address: the back button brings back this form.
    expect(page).to_have_url(re.compile(rf"^{re.escape(site.url)}/{event.slug}/submit/\?form="))
    expect(page.get_by_role("heading", name=f"Submit a proposal to {event.name}")).to_be_visible()
    expect(page.locator("#abstract-preview")).to_contain_text("Start typing to see the preview.")
    screenshot(page, "proposal-form-empty")

    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Submission type").select_option(label="Talk (30 min)")
    page.get_by_label("Track").select_option(label=track.name)
    page.get_by_label("Experience level").select_option(label="Intermediate")
    abstract = page.get_by_label("Abstract")
    abstract.click()
    abstract.press_sequentially(ABSTRACT)
    preview = page.locator("#abstract-preview")
    expect(preview.locator("strong")).to_have_text("bold")  # rendered by the server, via htmx
    expect(preview.locator("li")).to_have_text(["one 🎤", "two שלום"])
    expect(page.locator("#id_title + .char-counter")).to_have_text(f"{len(TITLE)} / 200")
    screenshot(page, "proposal-form-filled")
    _assert_legible(page.get_by_role("button", name="Submit", exact=True))
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/{event.slug}/proposals/[A-Z0-9]+/$"))
    expect(
        _alert(page, f"“{TITLE}” is submitted. We have sent a confirmation by email.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.locator("h1 + .badge")).to_have_text("Submitted")
    expect(page.locator(".markdown strong")).to_have_text("bold")
    screenshot(page, "proposal-submitted")

    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.event == event
    assert proposal.state == ProposalState.SUBMITTED
    assert proposal.submission_type == talk
    assert proposal.track == track
    assert proposal.experience_level == ExperienceLevel.INTERMEDIATE
    # Browsers send line breaks as CRLF; Lectern stores them as typed: LF.
    assert proposal.abstract == ABSTRACT.strip()
    assert list(proposal.speakers.all()) == [user]
    assert proposal.submitted_at is not None
    proposal_url = site.url + proposal.get_absolute_url()
    assert page.url == proposal_url

    assert len(mailoutbox) == 2
    received = mailoutbox[1]
    assert received.to == [EMAIL]
    assert received.subject == f"Proposal received: {TITLE} ({event.name})"
    assert f"Hello {NAME}," in received.body
    assert _link_in(received, proposal.get_absolute_url()) == proposal_url

    # 5. Invite a co-speaker, who accepts in a browser of their own.
    expect(_card(page, "Co-speaker invitations")).to_contain_text("No invitations yet.")
    page.get_by_label("Co-speaker's email address").fill(CO_EMAIL)
    _assert_legible(page.get_by_role("button", name="Send invitation"))
    page.get_by_role("button", name="Send invitation").click()
    expect(_alert(page, f"An invitation is on its way to {CO_EMAIL}.")).to_be_visible()
    invitation_item = page.locator(".list-group-item", has_text=CO_EMAIL)
    expect(invitation_item.locator(".badge")).to_have_text("Pending")
    screenshot(page, "invitation-pending")

    invitation = Invitation.objects.get(proposal=proposal)
    assert (invitation.email, invitation.state, invitation.invited_by) == (
        CO_EMAIL,
        InvitationState.PENDING,
        user,
    )
    assert len(mailoutbox) == 3
    invite_mail = mailoutbox[2]
    assert invite_mail.to == [CO_EMAIL]
    assert invite_mail.subject == f"You are invited to speak at {event.name}"
    assert f"{NAME} invites you to be a co-speaker of the proposal “{TITLE}”" in invite_mail.body
    invitation_url = _link_in(invite_mail, "/invitations/")
    assert invitation_url == site.url + invitation.get_absolute_url()

    co_page = new_page()
    _log_in(co_page, site, CO_EMAIL, PASSWORD, screenshot)
    screenshot(co_page, "co-speaker-logged-in")
    co_page.goto(invitation_url)
    heading = f"An invitation to speak at {event.name}"
    expect(co_page.get_by_role("heading", name=heading)).to_be_visible()
    expect(co_page.locator("main")).to_contain_text(f"{NAME} invites you to be a co-speaker of")
    expect(co_page.locator("main")).to_contain_text(TITLE)
    screenshot(co_page, "co-speaker-invitation")
    _assert_legible(co_page.get_by_role("button", name="Accept the invitation"))
    co_page.get_by_role("button", name="Accept the invitation").click()
    expect(co_page).to_have_url(proposal_url)
    expect(_alert(co_page, f"You are now a speaker of “{TITLE}”.")).to_be_visible()
    co_speakers_card = _card(co_page, "Speakers")
    expect(co_speakers_card).to_contain_text(NAME)
    expect(co_speakers_card).to_contain_text(CO_NAME)
    screenshot(co_page, "co-speaker-proposal")

    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED
    assert invitation.responded_at is not None
    assert set(proposal.speakers.all()) == {user, co_speaker}
    assert len(mailoutbox) == 3  # accepting sends nothing

    page.reload()
    speakers_card = _card(page, "Speakers")
    expect(speakers_card.locator(".list-group-item")).to_have_count(2)
    expect(speakers_card).to_contain_text(NAME)
    expect(speakers_card).to_contain_text(AFFILIATION)
    expect(speakers_card).to_contain_text(CO_NAME)
    expect(invitation_item.locator(".badge")).to_have_text("Accepted")
    expect(invitation_item.get_by_role("button", name="Retract")).to_have_count(0)
    screenshot(page, "proposal-two-speakers")

    # 6. "My proposals" lists it as submitted.
    page.get_by_role("link", name="My proposals").first.click()
    expect(page).to_have_url(site.url + "/me/proposals/")
    row = page.locator("tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row.locator(".badge")).to_have_text("Submitted")
    expect(row).to_contain_text(event.name)
    expect(row).to_contain_text("Talk · Internationalisation")
    expect(row).to_contain_text(CO_NAME)
    # "Last change" is in the event's time zone (Berlin), not the server's (UTC).
    proposal.refresh_from_db()
    last_change = dj_timezone.localtime(proposal.updated_at, ZoneInfo(event.timezone))
    expect(row.locator("td").last).to_have_text(dateformat.format(last_change, "M j, Y, g:i a"))
    screenshot(page, "my-proposals-submitted")

    # 7. Withdraw it, through the confirmation page.
    row.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(proposal_url)
    page.get_by_role("link", name="Withdraw").click()
    expect(page).to_have_url(proposal_url + "withdraw/")
    expect(page.get_by_role("heading", name=f"Withdraw “{TITLE}”?")).to_be_visible()
    screenshot(page, "withdraw-confirm")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED  # the GET only asks
    _assert_legible(page.get_by_role("button", name="Yes, withdraw it"))
    page.get_by_role("button", name="Yes, withdraw it").click()
    expect(page).to_have_url(proposal_url)
    expect(_alert(page, f"“{TITLE}” is withdrawn.")).to_be_visible()
    expect(page.locator("h1 + .badge")).to_have_text("Withdrawn")
    expect(page.get_by_role("link", name="Withdraw")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(f"Submitted → Withdrawn by {NAME}")
    screenshot(page, "proposal-withdrawn")

    proposal.refresh_from_db()
    assert proposal.state == ProposalState.WITHDRAWN
    transitions = list(
        ProposalTransition.objects.filter(proposal=proposal)
        .order_by("at", "pk")
        .values_list("from_state", "to_state", "by")
    )
    assert transitions == [
        (ProposalState.DRAFT, ProposalState.SUBMITTED, user.pk),
        (ProposalState.SUBMITTED, ProposalState.WITHDRAWN, user.pk),
    ]
    assert len(mailoutbox) == 3  # withdrawing sends nothing

    page.get_by_role("link", name="My proposals").first.click()
    expect(page.locator("tbody tr", has_text=TITLE).locator(".badge")).to_have_text("Withdrawn")
    screenshot(page, "my-proposals-withdrawn")
    co_page.goto(site.url + "/me/proposals/")
    expect(co_page.locator("tbody tr", has_text=TITLE).locator(".badge")).to_have_text("Withdrawn")
    screenshot(co_page, "co-speaker-my-proposals-withdrawn")

    assert page_problems.errors == []
