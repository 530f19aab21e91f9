"""Every response carries the Content-Security-Policy and the Permissions-Policy."""

import pytest
from django.conf import settings

from speakers.models import User
from tests.pages import ORGANIZER, REVIEWER, demo_pages

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_protected(response, address: str) -> None:
    assert response.status_code == 200, address
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"], address
    assert policy["script-src"] == ["'self'"], address  # no inline script, no eval
    assert policy["style-src"] == ["'self'"], address  # no <style> blocks
    assert policy["style-src-attr"] == ["'unsafe-inline'"], address  # style="…" only
    assert policy["img-src"] == ["'self'", "data:"], address
    assert policy["object-src"] == ["'none'"], address
    assert policy["base-uri"] == ["'self'"], address
    assert policy["form-action"] == ["'self'"], address
    assert policy["frame-ancestors"] == ["'none'"], address
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions, address


def test_every_page_of_every_role_carries_the_csp_and_permissions_policy(client):
    pages = demo_pages()
    roles = [(None, pages.public), (pages.speaker_email, pages.speaker), (REVIEWER, pages.reviewer)]
    roles.append((ORGANIZER, pages.organizer))

    for email, addresses in roles:
        client.logout()
        if email:
            client.force_login(User.objects.get(email=email))
        for address in addresses:
            response = client.get(address, follow=True)  # the new-proposal form adds its token

            assert response["Content-Type"].startswith("text/html"), address
            assert_protected(response, address)


def test_other_responses_carry_the_headers_too(client):
    pages = demo_pages()
    client.force_login(User.objects.get(email=ORGANIZER))

    for address in (
        f"/admin/cfp/sendbatch/{pages.batch.pk}/progress.json",
        f"/{pages.event.slug}/schedule.ics",
        "/healthz/",
    ):
        assert_protected(client.get(address), address)


def test_permissions_policy_comes_from_the_setting(client, db):
    assert client.get("/healthz/")["Permissions-Policy"] == settings.PERMISSIONS_POLICY
