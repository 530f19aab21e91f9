"""One word for one thing: "Log in" and "Log out" on every page that offers them (allauth's
own pages say "Sign In" and "Sign Out"; Lectern's templates replace them)."""

import re

import pytest
from django.urls import reverse

from tests.factories import SpeakerFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db

OTHER_WORDS = re.compile(r"sign[ -]?in\b|sign[ -]?out\b|signed (in|out)\b", re.IGNORECASE)


def visible_text(body: str) -> str:
    return re.sub(r"<[^>]+>", " ", body)


def test_the_login_page_says_log_in(client):
    body = page(client.get(reverse("account_login")))
    assert re.search(r"<title>\s*Log in", body)
    assert re.search(r"<h1[^>]*>\s*Log in\s*</h1>", body)
    assert re.search(r'<button[^>]*type="submit"[^>]*>\s*Log in\s*</button>', body)
    assert not OTHER_WORDS.search(visible_text(body))


def test_the_signup_page_links_to_log_in(client):
    body = page(client.get(reverse("account_signup")))
    assert "Already have an account? Then please" in body
    assert re.search(r'<a href="/accounts/login/">\s*log in\s*</a>', body)
    assert not OTHER_WORDS.search(visible_text(body))


def test_the_logout_page_and_messages_say_log_out(client, password):
    user = SpeakerFactory()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": password}, follow=True
    )
    assert f"You are logged in as {user.email}." in page(response)
    body = page(client.get(reverse("account_logout")))
    assert re.search(r"<h1[^>]*>\s*Log out\s*</h1>", body)
    assert not OTHER_WORDS.search(visible_text(body))
    response = client.post(reverse("account_logout"), follow=True)
    assert "You have logged out." in page(response)


def test_the_staff_panels_refusal_says_log_out_and_log_in(client):
    client.force_login(SpeakerFactory())
    body = page(client.get(reverse("admin:index")))
    assert "log out and log in with your staff account" in body
    assert "Log out and use another account" in body
    assert not OTHER_WORDS.search(visible_text(body))
