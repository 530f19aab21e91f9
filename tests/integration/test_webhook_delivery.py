"""Webhooks delivered by a real Celery worker on Redis to a real HTTP receiver on 127.0.0.1:
signed and received once; a 500 retried once, then delivered; a worker killed mid-delivery
(delivered, the duplicate recognisable by its delivery id); a receiver that never answers
does not slow the page that caused the webhook.

The worker runs with DEBUG (http allowed) and WEBHOOK_ALLOW_PRIVATE_ADDRESSES (127.0.0.1
allowed): the receiver is a local http server.
"""

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from cfp.models import WebhookDelivery, WebhookEndpoint
from cfp.services import proposal_submit
from cfp.webhooks import deliver
from cfp.webhooks.kinds import DeliveryState, WebhookKind
from tests.cfp.speaker_pages import proposal_url
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory
from tests.helpers import wait_until
from tests.webhook_receiver import Answer, Receiver

pytestmark = pytest.mark.celery

LOCAL = {"DEBUG": "1", "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "1"}


def verify(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> bool:
    """The README's check, as a receiver writes it."""
    timestamp = headers["X-Lectern-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    signed = timestamp.encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Lectern-Signature"])


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def subscribed_proposal(url: str):
    speaker = SpeakerFactory(profile__name="Zoë")
    event = EventFactory(name="Kernel Summit 東京")
    endpoint = WebhookEndpoint.objects.create(
        event=event, url=url, kinds=[WebhookKind.PROPOSAL_SUBMITTED]
    )
    proposal = ProposalFactory(event=event, speakers=[speaker], title="Ünïcode 🚀")
    return proposal, speaker, endpoint


def the_delivery() -> WebhookDelivery:
    return WebhookDelivery.objects.get()


def test_a_delivery_is_signed_and_received_once(redis_broker, make_worker, receiver):
    worker = make_worker(redis_broker, **LOCAL)
    worker.start()
    proposal, speaker, endpoint = subscribed_proposal(receiver.url)

    proposal_submit(proposal=proposal, by=speaker)  # commits: the task goes to Redis

    assert wait_until(lambda: the_delivery().state == DeliveryState.DELIVERED), worker.output()
    time.sleep(1)  # anything delivered twice would arrive by now
    (request,) = receiver.requests
    delivery = the_delivery()
    assert verify(endpoint.secret, request.headers, request.body)
    assert request.headers["X-Lectern-Delivery"] == str(delivery.delivery_id)
    assert request.body == delivery.body.encode()
    body = json.loads(request.body)
    assert (body["type"], body["data"]["title"]) == ("proposal.submitted", "Ünïcode 🚀")
    assert (delivery.attempts, delivery.response_code) == (1, 200)


def test_500_then_200_is_retried_once_and_delivered(redis_broker, make_worker, receiver):
    receiver.script = [Answer(status=500, body=b"try later")]
    worker = make_worker(redis_broker, WEBHOOK_RETRY_BASE_SECONDS="1", **LOCAL)
    worker.start()
    proposal, speaker, endpoint = subscribed_proposal(receiver.url)

    proposal_submit(proposal=proposal, by=speaker)

    assert wait_until(lambda: the_delivery().state == DeliveryState.DELIVERED), worker.output()
    time.sleep(1.5)
    first, retry = receiver.requests  # one retry, and nothing more
    assert first.headers["X-Lectern-Delivery"] == retry.headers["X-Lectern-Delivery"]
    assert first.body == retry.body
    assert verify(endpoint.secret, retry.headers, retry.body)
    assert retry.at - first.at >= 0.9  # after the backoff's second
    delivery = the_delivery()
    assert (delivery.attempts, delivery.response_code, delivery.last_error) == (2, 200, "")


def test_worker_killed_mid_delivery_is_delivered_and_the_duplicate_recognisable(
    redis_broker, make_worker, receiver
):
    receiver.script = [Answer(hang=60)]  # holds the first request: the worker waits
    worker = make_worker(redis_broker, WEBHOOK_TIMEOUT_SECONDS="60", **LOCAL)
    worker.start()
    proposal, speaker, endpoint = subscribed_proposal(receiver.url)
    proposal_submit(proposal=proposal, by=speaker)
    assert wait_until(lambda: len(receiver.requests) == 1), worker.output()

    worker.kill()  # SIGKILL, mid-request: its claim and its unacknowledged task are left
    assert the_delivery().state == DeliveryState.SENDING

    # Minutes pass for the row: the dead worker's claim grows old; the sweeper takes it back.
    WebhookDelivery.objects.update(
        claimed_at=timezone.now() - deliver.claim_timeout() - timedelta(minutes=1)
    )
    replacement = make_worker(redis_broker, **LOCAL)
    replacement.start()
    assert deliver.deliveries_requeue_due() == 1

    assert wait_until(lambda: the_delivery().state == DeliveryState.DELIVERED), replacement.output()
    time.sleep(1)
    first, again = receiver.requests
    # At least once: the receiver got it twice, and drops the copy by its delivery id.
    assert first.headers["X-Lectern-Delivery"] == again.headers["X-Lectern-Delivery"]
    assert first.body == again.body
    assert verify(endpoint.secret, again.headers, again.body)
    assert the_delivery().attempts == 2


def test_a_receiver_that_never_answers_does_not_slow_the_page(
    redis_broker, make_worker, receiver, client
):
    hang = 10
    receiver.default = Answer(hang=hang)
    worker = make_worker(redis_broker, WEBHOOK_TIMEOUT_SECONDS="30", **LOCAL)
    worker.start()
    proposal, speaker, _ = subscribed_proposal(receiver.url)
    client.force_login(speaker)

    response = client.post(proposal_url("proposal_submit", proposal))
    page_done = time.monotonic()

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "submitted"
    assert wait_until(lambda: len(receiver.requests) == 1, timeout=30), worker.output()
    (request,) = receiver.requests
    assert page_done < request.at + hang  # the page was done before the receiver's wait ended
    delivery = the_delivery()
    assert delivery.state == DeliveryState.SENDING  # the worker, not the page, is waiting
    assert delivery.response_code is None


def test_in_process_tasks_do_not_hold_the_page_either(transactional_db, settings, receiver, client):
    """`make run` (no Redis): deliveries run in a thread after the commit, not in the request."""
    settings.DEBUG = True
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 3
    receiver.default = Answer(hang=10)
    proposal, speaker, _ = subscribed_proposal(receiver.url)
    client.force_login(speaker)

    response = client.post(proposal_url("proposal_submit", proposal))

    assert response.status_code == 302
    delivery = the_delivery()
    assert delivery.last_error == "" and delivery.response_code is None  # no outcome yet
    # The thread times out (3 s), records the failure and puts the delivery back for later.
    assert wait_until(lambda: the_delivery().last_error != "", timeout=30)
    delivery = the_delivery()
    assert delivery.state == DeliveryState.PENDING and "timed out" in delivery.last_error.lower()
    assert len(receiver.requests) == 1
