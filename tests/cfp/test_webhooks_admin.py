"""Webhooks in the staff panel: organizers register endpoints (checked as they are saved), see
the secret and rotate it, list the deliveries and redeliver one; nobody else gets in."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.models import WebhookDelivery, WebhookEndpoint
from cfp.webhooks.kinds import DeliveryState, WebhookKind
from tests.factories import (
    EventFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.helpers import is_staff_panel_refusal, list_rows, page

pytestmark = pytest.mark.django_db

ADD = reverse("admin:cfp_webhookendpoint_add")
ENDPOINTS = reverse("admin:cfp_webhookendpoint_changelist")
DELIVERIES = reverse("admin:cfp_webhookdelivery_changelist")


class World:
    def __init__(self):
        self.organizer = UserFactory(is_staff=True)
        self.event = EventFactory(organizers=[self.organizer], name="Kernel Summit")
        self.endpoint = WebhookEndpoint.objects.create(
            event=self.event,
            url="https://hooks.kernel.test/secret-path",
            kinds=[WebhookKind.PROPOSAL_SUBMITTED],
            created_by=self.organizer,
        )
        self.delivery = delivery(self.endpoint, state=DeliveryState.FAILED, code=500)
        self.speaker = SpeakerFactory()
        self.reviewer = ReviewerFactory()
        ReviewerTeamFactory(event=self.event, members=[self.reviewer])
        self.other_organizer = UserFactory(is_staff=True)
        EventFactory(organizers=[self.other_organizer], name="Other Days")


def delivery(endpoint, *, state=DeliveryState.DELIVERED, code=200, n=0) -> WebhookDelivery:
    body = json.dumps({"type": "proposal.submitted", "data": {"title": f"Secret title {n}"}})
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=endpoint.event,
        kind=WebhookKind.PROPOSAL_SUBMITTED,
        body=body,
        state=state,
        attempts=1,
        response_code=code,
        response_excerpt="Secret answer",
        last_error="HTTP 500" if state == DeliveryState.FAILED else "",
    )


@pytest.fixture
def world():
    return World()


def add_data(event, **overrides) -> dict:
    data = {
        "event": event.pk,
        "url": "https://93.184.215.14/hooks",
        "kinds": [WebhookKind.PROPOSAL_SUBMITTED, WebhookKind.TALK_MOVED],
        "active": "on",
    }
    data.update(overrides)
    return data


# --- the organizer's pages -----------------------------------------------------------------


def test_organizer_registers_an_endpoint_with_a_secret_made_for_it(client, world):
    client.force_login(world.organizer)

    response = client.post(ADD, add_data(world.event))

    assert response.status_code == 302, page(response)[:3000]
    endpoint = WebhookEndpoint.objects.exclude(pk=world.endpoint.pk).get()
    assert endpoint.url == "https://93.184.215.14/hooks"
    assert endpoint.kinds == ["proposal.submitted", "talk.moved"]
    assert endpoint.active and endpoint.created_by == world.organizer
    assert re.fullmatch(r"whsec_[\w-]{43}", endpoint.secret)
    assert endpoint.secret != world.endpoint.secret
    shown = page(client.get(reverse("admin:cfp_webhookendpoint_change", args=[endpoint.pk])))
    assert endpoint.secret in shown


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://93.184.215.14/hooks", "must use https"),
        ("https://127.0.0.1/hooks", "loopback"),
        ("https://localhost/hooks", "loopback"),
        ("https://10.0.0.8/hooks", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[::ffff:192.168.0.1]/hooks", "private"),
        ("ftp://example.org/hooks", "must start with https://"),
        ("https://user:secret@example.org/hooks", "user name and password"),
        ("", "This field is required"),
        ("https://example.org/" + "a" * 600, "at most 500 characters"),
        ("https://exa mple.org/<script>", "valid URL"),
    ],
)
def test_an_endpoint_that_may_not_be_requested_is_refused_with_a_clear_error(
    client, world, url, message
):
    client.force_login(world.organizer)

    response = client.post(ADD, add_data(world.event, url=url))

    assert response.status_code == 200
    assert message in page(response)
    assert WebhookEndpoint.objects.count() == 1


def test_an_endpoint_without_events_is_refused(client, world):
    client.force_login(world.organizer)

    response = client.post(ADD, add_data(world.event, kinds=[]))

    assert "Choose at least one event to send." in page(response)
    assert WebhookEndpoint.objects.count() == 1


def test_an_endpoint_for_another_event_is_refused(client, world):
    client.force_login(world.organizer)
    other = EventFactory()

    response = client.post(ADD, add_data(other))

    assert response.status_code == 200
    assert "Select a valid choice" in page(response)
    assert not WebhookEndpoint.objects.filter(event=other).exists()


def test_organizer_rotates_the_secret(client, world):
    client.force_login(world.organizer)
    before = world.endpoint.secret

    response = client.post(reverse("admin:cfp_webhookendpoint_rotate", args=[world.endpoint.pk]))

    world.endpoint.refresh_from_db()
    assert response.status_code == 302
    assert world.endpoint.secret != before and world.endpoint.secret.startswith("whsec_")
    assert (
        client.get(
            reverse("admin:cfp_webhookendpoint_rotate", args=[world.endpoint.pk])
        ).status_code
        == 405
    )


def test_the_endpoint_page_shows_its_recent_deliveries(client, world):
    client.force_login(world.organizer)

    body = page(client.get(reverse("admin:cfp_webhookendpoint_change", args=[world.endpoint.pk])))

    assert reverse("admin:cfp_webhookdelivery_change", args=[world.delivery.pk]) in body
    assert f"{DELIVERIES}?endpoint={world.endpoint.pk}" in body


def test_the_delivery_list_shows_newest_first_with_status_and_code(client, world):
    newer = delivery(world.endpoint, code=204, n=1)
    client.force_login(world.organizer)

    rows = list_rows(client.get(f"{DELIVERIES}?endpoint={world.endpoint.pk}"))

    assert [row["pk"] for row in rows] == [newer.pk, world.delivery.pk]
    assert [row["state_label"] for row in rows] == ["Delivered", "Failed"]
    assert [row["response_code"] for row in rows] == ["204", "500"]


def test_the_delivery_page_shows_the_body_the_answer_and_the_error(client, world):
    client.force_login(world.organizer)

    body = page(client.get(reverse("admin:cfp_webhookdelivery_change", args=[world.delivery.pk])))

    assert "Secret title 0" in body
    assert "Secret answer" in body
    assert "HTTP 500" in body
    assert str(world.delivery.delivery_id) in body
    assert reverse("admin:cfp_webhookdelivery_redeliver", args=[world.delivery.pk]) in body


def test_organizer_redelivers_a_delivery(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.organizer)
    url = reverse("admin:cfp_webhookdelivery_redeliver", args=[world.delivery.pk])

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url)

    assert response.status_code == 302
    world.delivery.refresh_from_db()
    assert (world.delivery.state, world.delivery.attempts) == (DeliveryState.PENDING, 0)
    assert len(callbacks) == 1  # delivered after the commit
    assert client.get(url).status_code == 405  # a GET changes nothing


def test_a_delivery_cannot_be_edited_or_deleted(client, world):
    client.force_login(world.organizer)
    change = reverse("admin:cfp_webhookdelivery_change", args=[world.delivery.pk])

    client.post(change, {"body": "changed", "state": "delivered"})
    response = client.post(
        reverse("admin:cfp_webhookdelivery_delete", args=[world.delivery.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    world.delivery.refresh_from_db()
    assert world.delivery.state == DeliveryState.FAILED and "Secret title 0" in world.delivery.body


# --- nobody else ----------------------------------------------------------------------------

PAGES = {
    "endpoint list": lambda w: ("get", ENDPOINTS, None),
    "endpoint page": lambda w: (
        "get",
        reverse("admin:cfp_webhookendpoint_change", args=[w.endpoint.pk]),
        None,
    ),
    "endpoint add": lambda w: ("post", ADD, add_data(w.event)),
    "endpoint edit": lambda w: (
        "post",
        reverse("admin:cfp_webhookendpoint_change", args=[w.endpoint.pk]),
        {"url": "https://93.184.215.14/stolen", "kinds": ["review.saved"], "active": "on"},
    ),
    "rotate": lambda w: (
        "post",
        reverse("admin:cfp_webhookendpoint_rotate", args=[w.endpoint.pk]),
        {},
    ),
    "delivery list": lambda w: ("get", f"{DELIVERIES}?endpoint={w.endpoint.pk}", None),
    "delivery page": lambda w: (
        "get",
        reverse("admin:cfp_webhookdelivery_change", args=[w.delivery.pk]),
        None,
    ),
    "redeliver": lambda w: (
        "post",
        reverse("admin:cfp_webhookdelivery_redeliver", args=[w.delivery.pk]),
        {},
    ),
}

ROLES = {
    "anonymous": lambda w: None,
    "speaker": lambda w: w.speaker,
    "reviewer of this event": lambda w: w.reviewer,
    "organizer of another event": lambda w: w.other_organizer,
}

SECRETS = ("secret-path", "Secret title", "Secret answer")


def snapshot():
    return (
        sorted(WebhookEndpoint.objects.values_list("pk", "url", "secret", "kinds")),
        sorted(WebhookDelivery.objects.values_list("pk", "state", "attempts")),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_nobody_else_gets_in(client, world, name, role, django_capture_on_commit_callbacks):
    method, url, data = PAGES[name](world)
    user = ROLES[role](world)
    if user is not None:
        client.force_login(user)
    secret = world.endpoint.secret
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)

    assert snapshot() == before, "an action went through"
    if role == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response.url
        return
    if role == "speaker":
        assert is_staff_panel_refusal(response)
        return
    body = page(response)
    if response.status_code == 302:
        body = page(client.get(response.url))  # "does not exist" for them
    elif role == "organizer of another event" and response.status_code == 200:
        assert "Kernel Summit" not in body  # their own (empty) list, or a refused form
    else:
        assert response.status_code in (403, 404), response.status_code
    for text in (*SECRETS, secret):
        assert text not in body


# --- query counts ---------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind", ["endpoints", "deliveries"])
def test_the_lists_cost_the_same_queries_at_two_sizes(
    client, world, kind, django_assert_num_queries, print_figures
):
    client.force_login(world.organizer)
    second_event = EventFactory(organizers=[world.organizer])  # the event column is shown
    url = ENDPOINTS if kind == "endpoints" else DELIVERIES
    _count(client, url)  # warm: the session, the staff sections' addresses
    small = _count(client, url)

    for n in range(30):
        endpoint = WebhookEndpoint.objects.create(
            event=second_event if n % 2 else world.event,
            url=f"https://93.184.215.14/hooks/{n}",
            kinds=[WebhookKind.REVIEW_SAVED, WebhookKind.TALK_MOVED],
        )
        delivery(endpoint, n=n)

    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(list_rows(response)) == 31
    print_figures(f"the {kind} list: {small} queries with 1 row and with 31")
