"""Addresses and small steps the speaker-facing page tests share."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cfp.models import Proposal


def login_url(next_path: str) -> str:
    return f"{reverse('account_login')}?next={next_path}"


def proposal_url(name: str, proposal: Proposal, **extra) -> str:
    return reverse(
        f"cfp:{name}", kwargs={"event": proposal.event.slug, "code": proposal.code, **extra}
    )


def event_url(name: str, event) -> str:
    return reverse(f"cfp:{name}", kwargs={"event": event.slug})


def submitted(proposal: Proposal) -> Proposal:
    proposal.submit(by=proposal.speakers.first())
    return proposal


def close_cfp(event) -> None:
    event.cfp.deadline = timezone.now() - timedelta(hours=1)
    event.cfp.opens_at = timezone.now() - timedelta(days=30)
    event.cfp.save()
