"""Email texts with placeholders: `{speaker_name}`, `{proposal_title}`, `{event_name}`, …

Each kind of email has Lectern's default text, which an event may replace with its own
(EmailTemplate). validate() refuses an unknown placeholder when a template is saved;
render() fills the placeholders in one pass, so a value that itself contains "{…}" (a title
typed by a speaker) is never expanded. Bodies are plain text; the HTML alternative is made
from them by the outbox, which escapes every value.
"""

import re

from django.core.exceptions import ValidationError

from cfp.enums import MessageKind

PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")

COMMON = {"event_name", "event_url"}
PROPOSAL = COMMON | {"speaker_name", "proposal_title", "proposal_url", "speakers"}
PLACEHOLDERS: dict[str, set[str]] = {
    MessageKind.SUBMISSION_RECEIVED: PROPOSAL | {"deadline"},
    MessageKind.INVITATION: COMMON
    | {"inviter_name", "proposal_title", "invitation_url", "expires"},
    MessageKind.INVITATION_DECLINED: COMMON
    | {"inviter_name", "invitee_email", "proposal_title", "proposal_url"},
    MessageKind.ACCEPTANCE: PROPOSAL | {"confirm_url"},
    MessageKind.REJECTION: PROPOSAL,
    MessageKind.CONFIRMATION_REMINDER: PROPOSAL | {"confirm_url"},
    MessageKind.REVIEW_REMINDER: COMMON | {"reviewer_name", "unreviewed", "review_url", "deadline"},
    MessageKind.SCHEDULE_CHANGED: PROPOSAL | {"talk_slot", "schedule_url", "schedule_version"},
    MessageKind.SLIDES_REMINDER: PROPOSAL | {"slides_url", "event_start"},
}

DEFAULTS: dict[str, tuple[str, str]] = {
    MessageKind.SUBMISSION_RECEIVED: (
        "Proposal received: {proposal_title} ({event_name})",
        "Hello {speaker_name},\n\n"
        "we have received the proposal “{proposal_title}” for {event_name}.\n\n"
        "You and your co-speakers can see and edit it until {deadline}:\n"
        "{proposal_url}\n\n"
        "Thank you for submitting!\n"
        "The organizers of {event_name}\n",
    ),
    MessageKind.INVITATION: (
        "You are invited to speak at {event_name}",
        "Hello,\n\n"
        "{inviter_name} invites you to be a co-speaker of the proposal “{proposal_title}” for "
        "{event_name}.\n\n"
        "To accept, open this link (you may need to sign up with this email address first):\n"
        "{invitation_url}\n\n"
        "The invitation is valid until {expires}.\n",
    ),
    MessageKind.INVITATION_DECLINED: (
        "{invitee_email} declined your invitation ({proposal_title})",
        "Hello {inviter_name},\n\n"
        "{invitee_email} has declined your invitation to be a co-speaker of “{proposal_title}” "
        "for {event_name}.\n\n"
        "You can invite someone else from the proposal's page:\n"
        "{proposal_url}\n",
    ),
    MessageKind.ACCEPTANCE: (
        "Accepted: {proposal_title} ({event_name})",
        "Hello {speaker_name},\n\n"
        "congratulations! “{proposal_title}” has been accepted for {event_name}.\n\n"
        "Please confirm that you will give the talk (or let us know that you can't):\n"
        "{confirm_url}\n\n"
        "The organizers of {event_name}\n",
    ),
    MessageKind.REJECTION: (
        "Your proposal to {event_name}: {proposal_title}",
        "Hello {speaker_name},\n\n"
        "thank you for proposing “{proposal_title}” for {event_name}. We received many more "
        "proposals than we have room for, and we are sorry that we could not accept yours "
        "this time.\n\n"
        "We hope to see you at {event_name} all the same.\n"
        "The organizers of {event_name}\n",
    ),
    MessageKind.CONFIRMATION_REMINDER: (
        "Please confirm your talk: {proposal_title} ({event_name})",
        "Hello {speaker_name},\n\n"
        "“{proposal_title}” was accepted for {event_name}, and we have not heard from you yet. "
        "Please confirm (or decline) here:\n"
        "{confirm_url}\n\n"
        "The organizers of {event_name}\n",
    ),
    MessageKind.REVIEW_REMINDER: (
        "{unreviewed} proposals wait for your review ({event_name})",
        "Hello {reviewer_name},\n\n"
        "{unreviewed} proposals for {event_name} still wait for your review.\n"
        "Review deadline: {deadline}.\n\n"
        "{review_url}\n\n"
        "Thank you!\n"
        "The organizers of {event_name}\n",
    ),
    MessageKind.SCHEDULE_CHANGED: (
        "Your talk in the schedule: {proposal_title} ({event_name})",
        "Hello {speaker_name},\n\n"
        "version {schedule_version} of the schedule of {event_name} has been published, and "
        "it changes “{proposal_title}”:\n\n"
        "{talk_slot}\n\n"
        "The whole schedule: {schedule_url}\n\n"
        "The organizers of {event_name}\n",
    ),
    MessageKind.SLIDES_REMINDER: (
        "Your slides for {event_name}: {proposal_title}",
        "Hello {speaker_name},\n\n"
        "{event_name} starts on {event_start}, and we have no slides yet for "
        "“{proposal_title}”. Please upload them as a PDF, or give a link to them, here:\n"
        "{slides_url}\n\n"
        "Thank you!\n"
        "The organizers of {event_name}\n",
    ),
}


def validate(text: str, kind: str) -> None:
    """Refuse placeholders that this kind of email does not know, and unbalanced braces."""
    validate_placeholders(text, PLACEHOLDERS[kind])


def validate_placeholders(text: str, allowed: set[str] | frozenset[str]) -> None:
    """Refuse placeholders other than `allowed`, and unbalanced braces."""
    unknown = sorted({name for name in PLACEHOLDER.findall(text) if name not in allowed})
    if unknown:
        names = ", ".join("{" + n + "}" for n in unknown)
        usable = ", ".join("{" + n + "}" for n in sorted(allowed))
        plural = "s" if len(unknown) > 1 else ""
        raise ValidationError(
            f"Unknown placeholder{plural}: {names}. You can use: {usable}.",
            code="unknown_placeholder",
        )
    stripped = PLACEHOLDER.sub("", text)
    if "{" in stripped or "}" in stripped:
        raise ValidationError(
            "A brace { or } stands alone; placeholders look like {event_name}.",
            code="stray_brace",
        )


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each known placeholder once; values are inserted as they are, never expanded."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def template_for(kind: str, event=None) -> tuple[str, str]:
    if event is not None:
        custom = event.email_templates.filter(kind=kind).first()
        if custom is not None:
            return custom.subject, custom.body
    return DEFAULTS[kind]


def render(kind: str, values: dict[str, str], event=None) -> tuple[str, str]:
    """The subject (on one line) and the plain-text body of an email of this kind."""
    subject, body = template_for(kind, event)
    return " ".join(fill(subject, values).split()), fill(body, values)
