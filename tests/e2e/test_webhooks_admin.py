"""An organizer registers a webhook endpoint and redelivers a delivery, in a real browser:
the add form, the endpoint's page with its secret, the deliveries and one delivery; each
accessible (axe) at 1280 and 390 pixels wide, and none wider than a phone at 390."""

import json
import re

import pytest
from playwright.sync_api import expect

from cfp.models import WebhookDelivery, WebhookEndpoint
from cfp.services import proposal_submit
from cfp.webhooks.kinds import DeliveryState
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOT_DIR, admin_message, screenshot_taker
from tests.factories import PASSWORD, EventFactory, ProposalFactory, SpeakerFactory, UserFactory
from tests.helpers import wait_until
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def screenshot():
    return screenshot_taker(SCREENSHOT_DIR / "webhooks-admin")


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def check_both_widths(page, screenshot, name: str) -> None:
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)
    screenshot(page, name)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, (name, width)
    screenshot(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)


def test_organizer_registers_an_endpoint_and_redelivers_a_delivery(
    transactional_db, site, settings, new_page, screenshot, receiver
):
    # The receiver is a local http server: allowed by these two settings only.
    settings.DEBUG = True
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    organizer = UserFactory(is_staff=True, email="olga@hooks.test")
    event = EventFactory(name="HookConf", organizers=[organizer])
    speaker = SpeakerFactory()
    proposal = ProposalFactory(event=event, speakers=[speaker], title="Ünïcode 🚀 hooks")

    page = new_page()
    page.goto(site.url + "/admin/")
    page.get_by_label("Email").fill(organizer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(site.url + "/admin/")
    page.get_by_role("link", name="Webhook endpoints").first.click()
    page.get_by_role("link", name=re.compile("Add webhook endpoint")).click()

    # A loopback address is refused with a clear error once private addresses are not allowed.
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Proposal submitted").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("loopback address")
    check_both_widths(page, screenshot, "add-endpoint-refused")
    assert not WebhookEndpoint.objects.exists()

    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(admin_message(page, "was added successfully")).to_be_visible()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.kinds == ["proposal.submitted"] and endpoint.event == event
    check_both_widths(page, screenshot, "endpoint-list")

    page.locator("#result_list").get_by_role("link", name=receiver.url).click()
    expect(page.locator("#webhook-secret")).to_have_text(endpoint.secret)
    check_both_widths(page, screenshot, "endpoint-page")

    proposal_submit(proposal=proposal, by=speaker)  # the change: a delivery, sent at once
    assert wait_until(
        lambda: WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).exists(), timeout=30
    )
    page.reload()
    page.get_by_role("link", name="All deliveries of this endpoint").click()
    expect(page.locator("#result_list td.field-state_label")).to_have_text("Delivered")
    check_both_widths(page, screenshot, "delivery-list")

    page.locator("#result_list").get_by_role("link", name="Proposal submitted").click()
    expect(page.locator(".field-body_as_sent")).to_contain_text("Ünïcode 🚀 hooks")
    check_both_widths(page, screenshot, "delivery-page")
    page.get_by_role("button", name="Redeliver").click()
    expect(admin_message(page, "will be sent again")).to_be_visible()

    assert wait_until(lambda: len(receiver.requests) == 2, timeout=30)
    first, again = receiver.requests
    assert first.headers["X-Lectern-Delivery"] == again.headers["X-Lectern-Delivery"]
    assert json.loads(again.body)["data"]["title"] == "Ünïcode 🚀 hooks"
    assert wait_until(
        lambda: WebhookDelivery.objects.get().state == DeliveryState.DELIVERED, timeout=30
    )
