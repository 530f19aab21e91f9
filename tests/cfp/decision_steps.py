"""Steps and readers the decision tests share."""

from cfp import decisions
from cfp.enums import MessageState
from cfp.mail import outbox
from cfp.models import Message


def live_mails(proposal, kind=None):
    """The proposal's messages that are not discarded, as (kind, state, to)."""
    rows = Message.objects.filter(proposal=proposal).exclude(state=MessageState.DISCARDED)
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("kind", "state", "to"))


def send_decision(proposal, capture):
    """What the organizer does in the outbox: release the drafts, which are then delivered."""
    with capture(execute=True):
        outbox.messages_release(Message.objects.filter(proposal=proposal, state=MessageState.DRAFT))


def announced_acceptance(proposal, organizer, capture):
    decisions.proposal_decide(proposal=proposal, by=organizer, accept=True)
    send_decision(proposal, capture)
    proposal.refresh_from_db()
    return proposal
