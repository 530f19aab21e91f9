from cfp.models.event import CfP, Event, SubmissionType, Track
from cfp.models.invitation import Invitation
from cfp.models.mail import EmailTemplate, GroupEmail, SendBatch
from cfp.models.organizing import AccessCode, SpeakerAvailability, Tag
from cfp.models.outbox import Message
from cfp.models.proposal import (
    Proposal,
    ProposalSpeaker,
    ProposalTransition,
    TransitionNotAllowed,
)
from cfp.models.questions import Answer, Question, QuestionOption
from cfp.models.schedule import PublishedSlot, Room, ScheduleVersion, TalkSlot
from cfp.models.webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "AccessCode",
    "Answer",
    "Question",
    "QuestionOption",
    "SpeakerAvailability",
    "Tag",
    "CfP",
    "EmailTemplate",
    "Event",
    "GroupEmail",
    "Invitation",
    "Message",
    "Proposal",
    "ProposalSpeaker",
    "ProposalTransition",
    "PublishedSlot",
    "Room",
    "ScheduleVersion",
    "SendBatch",
    "SubmissionType",
    "TalkSlot",
    "Track",
    "TransitionNotAllowed",
    "WebhookDelivery",
    "WebhookEndpoint",
]
