from cfp.models.event import CfP, Event, SubmissionType, Track
from cfp.models.invitation import Invitation
from cfp.models.mail import EmailTemplate, SendBatch
from cfp.models.outbox import Message
from cfp.models.proposal import Proposal, ProposalTransition, TransitionNotAllowed

__all__ = [
    "CfP",
    "EmailTemplate",
    "Event",
    "Invitation",
    "Message",
    "Proposal",
    "ProposalTransition",
    "SendBatch",
    "SubmissionType",
    "Track",
    "TransitionNotAllowed",
]
