"""One webhook delivery attempt against a real HTTP receiver on 127.0.0.1: signed, recorded,
retried with backoff on 5xx, 408, 429 and timeouts, failed at once on other answers, never
following a redirect, and refused for addresses inside our network (SSRF)."""

import hashlib
import hmac
import json
import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from cfp.delivery import TransientFailure
from cfp.models import WebhookDelivery, WebhookEndpoint
from cfp.webhooks import deliver, sender
from cfp.webhooks.deliver import MAX_ATTEMPTS, delivery_attempt, delivery_redeliver
from cfp.webhooks.kinds import DeliveryState, WebhookKind
from cfp.webhooks.queue import webhook_queue
from tests.factories import EventFactory
from tests.webhook_receiver import Answer, Receiver

pytestmark = pytest.mark.django_db


# The README's check, as a receiver writes it (Python's standard library only).
def verify(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> bool:
    timestamp = headers["X-Lectern-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False  # too old: a replay
    signed = timestamp.encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Lectern-Signature"])


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def local(settings):
    """Settings that let a test deliver to its receiver on 127.0.0.1 over http."""
    settings.DEBUG = True
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    return settings


def queued(url: str, kind=WebhookKind.PROPOSAL_SUBMITTED) -> WebhookDelivery:
    event = EventFactory(name="Kernel Summit", slug="kernel")
    WebhookEndpoint.objects.create(event=event, url=url, kinds=[kind])
    (delivery,) = webhook_queue(event=event, kind=kind, data={"title": "Ünïcode 🚀"})
    return delivery


def refetch(delivery) -> WebhookDelivery:
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery.pk)


def test_a_delivery_is_signed_and_received_once(receiver, local):
    delivery = queued(receiver.url)

    assert delivery_attempt(delivery.pk) == "delivered"
    assert delivery_attempt(delivery.pk) == "skipped"  # a task that runs twice sends once

    (request,) = receiver.requests
    row = refetch(delivery)
    assert request.path == "/hooks/lectern"
    assert request.body == row.body.encode()  # the body exactly as stored
    assert json.loads(request.body)["data"] == {"title": "Ünïcode 🚀"}
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "Lectern-Webhooks/1"
    assert request.headers["X-Lectern-Delivery"] == str(row.delivery_id)
    assert request.headers["X-Lectern-Event"] == "proposal.submitted"
    assert verify(row.endpoint.secret, request.headers, request.body)
    assert (row.state, row.attempts, row.response_code) == (DeliveryState.DELIVERED, 1, 200)
    assert row.response_excerpt == "ok" and row.delivered_at is not None


def test_the_signature_check_refuses_a_changed_body_another_secret_or_an_old_time(receiver, local):
    delivery = queued(receiver.url)
    delivery_attempt(delivery.pk)
    (request,) = receiver.requests
    secret = refetch(delivery).endpoint.secret

    assert not verify(secret, request.headers, request.body.replace(b"Kernel", b"Kernal"))
    assert not verify("whsec_another", request.headers, request.body)
    old = {**request.headers, "X-Lectern-Timestamp": str(int(time.time()) - 3600)}
    assert not verify(secret, old, request.body)


def test_500_then_200_is_retried_with_backoff_then_delivered(receiver, local):
    receiver.script = [Answer(status=500, body=b"database down")]
    delivery = queued(receiver.url)

    before = timezone.now()
    with pytest.raises(TransientFailure) as failure:
        delivery_attempt(delivery.pk)

    row = refetch(delivery)
    assert failure.value.retry_in == timedelta(seconds=30)
    assert (row.state, row.attempts, row.response_code) == (DeliveryState.PENDING, 1, 500)
    assert row.response_excerpt == "database down" and row.last_error == "HTTP 500"
    assert row.next_attempt_at >= before + timedelta(seconds=29)
    assert delivery_attempt(delivery.pk) == "skipped"  # not due yet

    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert delivery_attempt(delivery.pk) == "delivered"
    row = refetch(delivery)
    assert (row.state, row.attempts, row.response_code) == (DeliveryState.DELIVERED, 2, 200)
    assert len(receiver.requests) == 2
    assert len({r.headers["X-Lectern-Delivery"] for r in receiver.requests}) == 1


def test_backoff_doubles_and_stops_after_the_last_attempt(receiver, local):
    receiver.default = Answer(status=503)
    delivery = queued(receiver.url)
    waits = []
    for _ in range(MAX_ATTEMPTS - 1):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
        with pytest.raises(TransientFailure) as failure:
            delivery_attempt(delivery.pk)
        waits.append(failure.value.retry_in.total_seconds())

    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    assert delivery_attempt(delivery.pk) == "failed"

    assert waits == [30 * 2**n for n in range(MAX_ATTEMPTS - 1)]
    row = refetch(delivery)
    assert (row.state, row.attempts, row.response_code) == (DeliveryState.FAILED, MAX_ATTEMPTS, 503)
    assert len(receiver.requests) == MAX_ATTEMPTS


@pytest.mark.parametrize("status", [408, 429, 502])
def test_a_busy_receiver_is_tried_again(receiver, local, status):
    receiver.default = Answer(status=status)
    delivery = queued(receiver.url)

    with pytest.raises(TransientFailure):
        delivery_attempt(delivery.pk)

    row = refetch(delivery)
    assert (row.state, row.response_code) == (DeliveryState.PENDING, status)


@pytest.mark.parametrize("status", [400, 401, 404, 410])
def test_a_refusal_fails_at_once(receiver, local, status):
    receiver.default = Answer(status=status, body=b"no such hook")
    delivery = queued(receiver.url)

    assert delivery_attempt(delivery.pk) == "failed"

    row = refetch(delivery)
    assert (row.state, row.attempts, row.response_code) == (DeliveryState.FAILED, 1, status)
    assert row.response_excerpt == "no such hook"


def test_a_redirect_is_recorded_and_never_followed(local):
    elsewhere, redirecting = Receiver().start(), Receiver().start()
    try:
        redirecting.default = Answer(status=302, headers={"Location": elsewhere.url})
        delivery = queued(redirecting.url)

        assert delivery_attempt(delivery.pk) == "failed"

        row = refetch(delivery)
        assert (row.state, row.response_code) == (DeliveryState.FAILED, 302)
        assert len(redirecting.requests) == 1
        assert elsewhere.requests == []  # not hit
    finally:
        elsewhere.stop()
        redirecting.stop()


def test_a_receiver_that_never_answers_times_out_and_is_tried_later(receiver, local):
    receiver.default = Answer(hang=10)
    delivery = queued(receiver.url)

    started = time.monotonic()
    with pytest.raises(TransientFailure):
        delivery_attempt(delivery.pk)
    took = time.monotonic() - started

    assert took < 5  # WEBHOOK_TIMEOUT_SECONDS is 1: long before the receiver's 10 s
    row = refetch(delivery)
    assert (row.state, row.response_code) == (DeliveryState.PENDING, None)
    assert "timed out" in row.last_error.lower()
    assert len(receiver.requests) == 1


def test_a_receiver_that_is_not_there_is_tried_later(local):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    delivery = queued(f"http://127.0.0.1:{port}/hooks")

    with pytest.raises(TransientFailure):
        delivery_attempt(delivery.pk)

    assert refetch(delivery).state == DeliveryState.PENDING


def test_only_64_kb_of_an_answer_is_read_and_an_excerpt_kept(receiver, local):
    receiver.default = Answer(body=b"x" * (5 * 1024 * 1024))
    delivery = queued(receiver.url)

    assert delivery_attempt(delivery.pk) == "delivered"

    assert refetch(delivery).response_excerpt == "x" * sender.EXCERPT_CHARS


def test_redelivery_sends_the_same_id_and_body_with_a_new_signature(receiver, local):
    delivery = queued(receiver.url)
    delivery_attempt(delivery.pk)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    secret = refetch(delivery).endpoint.secret
    time.sleep(1.1)  # the next second: a new timestamp

    assert delivery_redeliver(delivery=delivery) is True
    row = refetch(delivery)
    assert (row.state, row.attempts) == (DeliveryState.PENDING, 0)
    assert delivery_attempt(delivery.pk) == "delivered"

    first, again = receiver.requests
    assert again.body == first.body
    assert again.headers["X-Lectern-Delivery"] == first.headers["X-Lectern-Delivery"]
    assert again.headers["X-Lectern-Timestamp"] != first.headers["X-Lectern-Timestamp"]
    assert again.headers["X-Lectern-Signature"] != first.headers["X-Lectern-Signature"]
    assert verify(secret, again.headers, again.body)


def test_a_delivery_being_sent_is_not_redelivered(receiver, local):
    delivery = queued(receiver.url)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.SENDING)

    assert delivery_redeliver(delivery=delivery) is False
    assert refetch(delivery).state == DeliveryState.SENDING


def test_an_inactive_endpoint_is_sent_nothing(receiver, local):
    delivery = queued(receiver.url)
    WebhookEndpoint.objects.update(active=False)

    assert delivery_attempt(delivery.pk) == "failed"

    assert receiver.requests == []
    assert refetch(delivery).last_error == "The endpoint is inactive."


def test_the_sweeper_takes_back_a_dead_workers_claim(receiver, local):
    delivery = queued(receiver.url)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENDING,
        attempts=1,
        claimed_at=timezone.now() - deliver.claim_timeout() - timedelta(minutes=1),
    )

    assert deliver.deliveries_requeue_due() == 1  # in-process here: delivered at once

    row = refetch(delivery)
    assert (row.state, row.attempts) == (DeliveryState.DELIVERED, 2)
    assert len(receiver.requests) == 1


# --- server-side request forgery -----------------------------------------------------------

REFUSED_ADDRESSES = {
    "loopback": "127.0.0.1",
    "loopback, elsewhere in 127/8": "127.1.2.3",
    "private 10/8": "10.1.2.3",
    "private 172.16/12": "172.16.0.1",
    "private 192.168/16": "192.168.1.1",
    "shared (carrier-grade NAT)": "100.64.0.1",
    "link-local (cloud metadata)": "169.254.169.254",
    "multicast": "224.0.0.1",
    "reserved": "240.0.0.1",
    "broadcast": "255.255.255.255",
    "unspecified": "0.0.0.0",  # noqa: S104 (an address refused, not one listened on)
    "IPv6 loopback": "::1",
    "IPv6 unspecified": "::",
    "IPv6 link-local": "fe80::1",
    "IPv6 unique local": "fd00::1",
    "IPv6 multicast": "ff02::1",
    "IPv4-mapped loopback": "::ffff:127.0.0.1",
    "IPv4-mapped private": "::ffff:10.0.0.1",
}


@pytest.mark.parametrize("address", REFUSED_ADDRESSES.values(), ids=REFUSED_ADDRESSES.keys())
def test_an_address_inside_our_network_is_refused(settings, address):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    host = f"[{address}]" if ":" in address else address

    with pytest.raises(sender.Refused, match="public addresses only"):
        sender.post(f"https://{host}/hooks", b"{}", {})


def test_a_public_address_is_allowed():
    assert sender.address_refusal("93.184.215.14") is None
    assert sender.address_refusal("2606:2800:21f:cb07:6820:80da:af6b:8b2c") is None


def test_a_host_name_resolving_to_loopback_is_refused_and_nothing_is_sent(
    receiver, settings, monkeypatch
):
    settings.DEBUG = True  # http allowed: only the address stops it
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    port = receiver.server.server_address[1]
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):  # the name points at us (DNS is outside the project)
        return real("127.0.0.1" if host == "hooks.example.org" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    delivery = queued(f"http://hooks.example.org:{port}/hooks")

    assert delivery_attempt(delivery.pk) == "failed"

    row = refetch(delivery)
    assert "a loopback address (127.0.0.1)" in row.last_error
    assert receiver.requests == []


def test_localhost_is_refused(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False

    with pytest.raises(sender.Refused, match="loopback"):
        sender.post("https://localhost/hooks", b"{}", {})


def test_the_connection_goes_to_the_checked_address(receiver, settings, monkeypatch):
    """The name is resolved once: a second answer (DNS rebinding) is never asked for."""
    settings.DEBUG = True
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    port = receiver.server.server_address[1]
    real, asked = socket.getaddrinfo, []

    def resolve(host, *args, **kwargs):
        asked.append(host)
        return real("127.0.0.1" if host == "hooks.example.org" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    response = sender.post(f"http://hooks.example.org:{port}/hooks", b"{}", {})

    assert response.status == 200
    assert asked.count("hooks.example.org") == 1
    (request,) = receiver.requests
    assert request.headers["Host"] == f"hooks.example.org:{port}"


def test_https_is_required_without_debug(receiver, settings):
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    delivery = queued(receiver.url)

    assert delivery_attempt(delivery.pk) == "failed"

    assert "must use https" in refetch(delivery).last_error
    assert receiver.requests == []


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/hooks", "https://user:pw@example.org/hooks", "https:///hooks", "hooks"],
)
def test_a_url_of_another_form_is_refused(url):
    with pytest.raises(sender.Refused):
        sender.check_url(url)
