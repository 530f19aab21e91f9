"""Queueing webhooks with the change that causes them.

webhook_queue() is called by the service functions where the change happens, inside their
transaction: it reads the event's active endpoints (one query, the whole cost when none is
subscribed), writes one delivery per subscribed endpoint, and has them delivered once the
transaction commits. The small functions below are the one-line hooks the services call;
their data is built only when some endpoint wants it.
"""

import uuid
from collections.abc import Callable

from django.db.models import Q
from django.utils import timezone

from cfp.enums import ProposalState
from cfp.models import Event, PublishedSlot, WebhookDelivery, WebhookEndpoint
from cfp.webhooks import payloads
from cfp.webhooks.deliver import deliver_on_commit
from cfp.webhooks.kinds import WebhookKind


def webhook_queue(
    *, event: Event, kind: str, data: dict | Callable[[], dict]
) -> list[WebhookDelivery]:
    """Store a delivery of this change for each active endpoint of the event subscribed to
    `kind`, and deliver them after the commit. `data` may be a function, called only then."""
    return _queue(event_id=event.pk, event=lambda: event, kind=kind, data=data)


def _queue(*, event_id: int, event: Callable[[], Event], kind: str, data) -> list:
    """webhook_queue, with the event read only when some endpoint is subscribed (a hook
    knows the event's id without loading it)."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(event_id=event_id, active=True).only(
            "pk", "kinds"
        )
        if kind in endpoint.kinds
    ]
    if not endpoints:
        return []
    data = data() if callable(data) else data
    event = event()
    now = timezone.now()
    deliveries = []
    for endpoint in endpoints:
        delivery_id = uuid.uuid4()
        body = payloads.envelope(
            delivery_id=delivery_id, kind=kind, created_at=now, event=event, data=data
        )
        deliveries.append(
            WebhookDelivery(
                delivery_id=delivery_id,
                endpoint=endpoint,
                event_id=event_id,
                kind=kind,
                body=body,
                created_at=now,
                queued_at=now,
            )
        )
    WebhookDelivery.objects.bulk_create(deliveries)
    deliver_on_commit([delivery.pk for delivery in deliveries])
    return deliveries


# --- the hooks: one line in each service ----------------------------------------------------


def proposal_changed(proposal, *, from_state: str) -> list[WebhookDelivery]:
    """A proposal changed state: submitted (from a draft), withdrawn, or any other change (a
    decision, its undoing, a speaker's answer, a cancellation)."""
    if from_state == ProposalState.DRAFT and proposal.state == ProposalState.SUBMITTED:
        kind, before = WebhookKind.PROPOSAL_SUBMITTED, None
    elif proposal.state == ProposalState.WITHDRAWN:
        kind, before = WebhookKind.PROPOSAL_WITHDRAWN, None
    else:
        kind, before = WebhookKind.PROPOSAL_STATE_CHANGED, from_state
    return _queue(
        event_id=proposal.event_id,
        event=lambda: proposal.event,
        kind=kind,
        data=lambda: payloads.proposal_data(proposal, from_state=before),
    )


def review_saved(review, *, criteria, values: dict[int, int]) -> list[WebhookDelivery]:
    return _queue(
        event_id=review.proposal.event_id,
        event=lambda: review.proposal.event,
        kind=WebhookKind.REVIEW_SAVED,
        data=lambda: payloads.review_data(review, criteria=criteria, values=values),
    )


def schedule_published(version) -> list[WebhookDelivery]:
    def data() -> dict:
        talks = PublishedSlot.objects.filter(
            ~Q(proposal=None), version=version, start__isnull=False
        ).count()
        return payloads.schedule_data(version, talks=talks)

    return _queue(
        event_id=version.event_id,
        event=lambda: version.event,
        kind=WebhookKind.SCHEDULE_PUBLISHED,
        data=data,
    )


def talk_moved(slot) -> list[WebhookDelivery]:
    """A talk was placed in the working schedule, or moved in it (not a break)."""
    if slot.proposal_id is None:
        return []
    return _queue(
        event_id=slot.event_id,
        event=lambda: slot.event,
        kind=WebhookKind.TALK_MOVED,
        data=lambda: payloads.talk_data(slot),
    )
