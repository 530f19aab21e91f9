from cfp.models.event import CfP, Event, SubmissionType, Track
from cfp.models.invitation import Invitation
from cfp.models.proposal import Proposal, ProposalTransition, TransitionNotAllowed

__all__ = [
    "CfP",
    "Event",
    "Invitation",
    "Proposal",
    "ProposalTransition",
    "SubmissionType",
    "Track",
    "TransitionNotAllowed",
]
