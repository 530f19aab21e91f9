"""Accounts through django-allauth: login by email, rate limits, password reset, styling."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD, SpeakerFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_login_by_email_is_case_insensitive(client):
    user = SpeakerFactory(email="ada@example.com")

    response = client.post(
        reverse("account_login"), {"login": "ADA@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("cfp:my_proposals")
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_repeated_failed_logins_are_rate_limited(client):
    user = SpeakerFactory(email="ada@example.com")
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": user.email, "password": "wrong password"})
        assert "_auth_user_id" not in client.session

    # Even the right password is refused while the limit holds.
    response = client.post(url, {"login": user.email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_signup_requires_email_verification_before_login(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
        )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert [m.to for m in mailoutbox] == [["new@example.com"]]
    assert "/accounts/confirm-email/" in mailoutbox[0].body


@pytest.mark.django_db
def test_password_reset_sends_a_link_and_the_page_matches_the_site(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    SpeakerFactory(email="ada@example.com")

    page = client.get(reverse("account_reset_password")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "ada@example.com"})

    assert "vendor/bootstrap/bootstrap.min.css" in page
    assert 'class="navbar' in page
    assert [m.to for m in mailoutbox] == [["ada@example.com"]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


@pytest.mark.django_db
def test_password_change_requires_login_and_works(client):
    user = SpeakerFactory()
    url = reverse("account_change_password")
    assert client.get(url).status_code == 302

    client.force_login(user)
    response = client.post(
        url,
        {
            "oldpassword": PASSWORD,
            "password1": "a brand new passphrase",
            "password2": "a brand new passphrase",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a brand new passphrase")
    assert user.password.startswith("argon2")
