from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CANCELED = "canceled", "Canceled"


# Groups of states that pages and rules ask about.
EDITABLE_STATES = (ProposalState.DRAFT, ProposalState.SUBMITTED)
DECIDED_STATES = (ProposalState.ACCEPTED, ProposalState.REJECTED)
ACCEPTED_STATES = (ProposalState.ACCEPTED, ProposalState.CONFIRMED)
# A decision was made (and perhaps answered): reviews of these proposals are read-only.
SETTLED_STATES = (
    ProposalState.ACCEPTED,
    ProposalState.REJECTED,
    ProposalState.CONFIRMED,
    ProposalState.DECLINED,
    ProposalState.CANCELED,
)
ACTIVE_STATES = (
    ProposalState.SUBMITTED,
    ProposalState.ACCEPTED,
    ProposalState.REJECTED,
    ProposalState.CONFIRMED,
)

# Every transition Lectern knows, and who may make it. Methods for the decision states
# (accept, reject, confirm, decline, cancel, undo) arrive with the decisions issue and use
# this table as they are.
TRANSITIONS: dict[tuple[str, str], str] = {
    (ProposalState.DRAFT, ProposalState.SUBMITTED): "submit",
    (ProposalState.SUBMITTED, ProposalState.WITHDRAWN): "withdraw",
    (ProposalState.SUBMITTED, ProposalState.ACCEPTED): "accept",
    (ProposalState.SUBMITTED, ProposalState.REJECTED): "reject",
    (ProposalState.ACCEPTED, ProposalState.SUBMITTED): "undo",
    (ProposalState.REJECTED, ProposalState.SUBMITTED): "undo",
    (ProposalState.ACCEPTED, ProposalState.CONFIRMED): "confirm",
    (ProposalState.ACCEPTED, ProposalState.DECLINED): "decline",
    (ProposalState.CONFIRMED, ProposalState.CANCELED): "cancel",
}


class ExperienceLevel(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"
    ANY = "any", "Any"


class InvitationState(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    RETRACTED = "retracted", "Retracted"
    DECLINED = "declined", "Declined"


class MessageState(models.TextChoices):
    DRAFT = "draft", "Draft (waits for an organizer)"
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded"
    # The server took the text but its final reply never came (RFC 5321's ten minutes passed,
    # or the connection broke): it may have the message. Never sent again automatically.
    UNKNOWN = "unknown", _("Delivery unknown (the server never confirmed it)")


UNSENT_STATES = (MessageState.DRAFT, MessageState.PENDING, MessageState.FAILED)
# Not out yet, and no answer from the server: what a batch's progress still waits for.
WAITING_STATES = (MessageState.DRAFT, MessageState.PENDING, MessageState.SENDING)


class MessageKind(models.TextChoices):
    SUBMISSION_RECEIVED = "submission_received", "Submission received"
    INVITATION = "invitation", "Co-speaker invitation"
    INVITATION_DECLINED = "invitation_declined", "Co-speaker invitation declined"
    ACCEPTANCE = "acceptance", "Acceptance"
    REJECTION = "rejection", "Rejection"
    CONFIRMATION_REMINDER = "confirmation_reminder", "Confirmation reminder"
    REVIEW_REMINDER = "review_reminder", "Review reminder"
    SCHEDULE_CHANGED = "schedule_changed", "Schedule changed"
    SLIDES_REMINDER = "slides_reminder", _("Slides reminder")
    GROUP = "group", _("Email to a group")
    ACCOUNT = "account", "Account (sign-up, password)"


DECISION_KINDS = (MessageKind.ACCEPTANCE, MessageKind.REJECTION)


class QuestionTarget(models.TextChoices):
    """Whom a custom question asks: each proposal, each speaker (once per event), or each
    reviewer (once per review)."""

    PROPOSAL = "proposal", _("Proposal")
    SPEAKER = "speaker", _("Speaker")
    REVIEWER = "reviewer", _("Reviewer")


class QuestionKind(models.TextChoices):
    TEXT = "text", _("One line of text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    URL = "url", _("Web address (URL)")
    DATE = "date", _("Date")
    DATETIME = "datetime", _("Date and time")
    BOOLEAN = "boolean", _("Yes or no")
    CHOICE = "choice", _("One choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Several choices")
    FILE = "file", _("File upload")


CHOICE_KINDS = (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE)


class FieldState(models.TextChoices):
    """How the CfP form asks one of its optional built-in fields."""

    REQUIRED = "required", _("Required")
    OPTIONAL = "optional", _("Optional")
    NOT_ASKED = "not_asked", _("Not asked")
