"""Accounts through django-allauth: login by email, rate limits, password reset, styling."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from cfp.models import Message
from tests.factories import PASSWORD, SpeakerFactory
from tests.helpers import page


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


def log_in(client, email, password, address="127.0.0.1", **headers):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def signed_in_as(client):
    return int(client.session["_auth_user_id"]) if "_auth_user_id" in client.session else None


@pytest.mark.django_db
def test_failed_logins_from_one_address_do_not_lock_out_another_account(client):
    ada = SpeakerFactory(email="ada@example.com")
    bob = SpeakerFactory(email="bob@example.com")
    for n in range(12):
        log_in(client, ada.email, f"guess {n}")

    bob_in = log_in(client, bob.email, PASSWORD)

    assert (bob_in.status_code, bob_in.url) == (302, reverse("cfp:my_proposals"))
    assert signed_in_as(client) == bob.pk
    client.logout()
    # The account that was guessed at stays limited, even with its right password.
    ada_refused = log_in(client, ada.email, PASSWORD)
    assert signed_in_as(client) is None
    assert "Too many failed login attempts" in page(ada_refused)


@pytest.mark.django_db
def test_a_crowd_behind_one_address_signs_in(client):
    """A venue: forty people behind one address sign in within a minute, a few mistyping."""
    crowd = [SpeakerFactory() for _ in range(40)]
    for n, person in enumerate(crowd):
        if n % 8 == 0:
            log_in(client, person.email, "a typo")
        response = log_in(client, person.email, PASSWORD)
        assert signed_in_as(client) == person.pk, page(response)
        client.logout()


@pytest.mark.django_db
def test_a_noisy_address_gives_each_account_one_wrong_try(client):
    for _ in range(10):  # ten accounts, one wrong password each: the address is noisy now
        log_in(client, SpeakerFactory().email, "a common password")
    carol = SpeakerFactory(email="carol@example.com")

    typo = log_in(client, carol.email, "a typo")
    again = log_in(client, carol.email, PASSWORD)

    assert "password you specified are not correct" in page(typo)
    assert signed_in_as(client) is None
    assert "Too many failed login attempts" in page(again)
    # From another address, carol's one wrong try left her account usable.
    elsewhere = log_in(client, carol.email, PASSWORD, address="198.51.100.7")
    assert elsewhere.status_code == 302 and signed_in_as(client) == carol.pk


@pytest.mark.django_db
def test_trusted_proxy_count_takes_the_client_address_from_x_forwarded_for(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"  # every request reaches Lectern from the proxy

    def through_proxy(email, password, client_address):
        forwarded = f"192.0.2.99, {client_address}"  # the first entry is the client's to make up
        return log_in(client, email, password, address=proxy, HTTP_X_FORWARDED_FOR=forwarded)

    for _ in range(10):
        through_proxy(SpeakerFactory().email, "a common password", "203.0.113.5")
    carol, dave = SpeakerFactory(), SpeakerFactory()
    through_proxy(carol.email, "a typo", "203.0.113.5")
    through_proxy(dave.email, "a typo", "203.0.113.6")

    refused = through_proxy(carol.email, PASSWORD, "203.0.113.5")
    assert signed_in_as(client) is None and "Too many failed login attempts" in page(refused)
    through_proxy(dave.email, PASSWORD, "203.0.113.6")
    assert signed_in_as(client) == dave.pk


def without_csrf(response) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value|X-CSRFToken": )"[^"]+"', "", page(response))


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_sends_nothing_and_reads_the_same(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    SpeakerFactory(email="ada@example.com")
    url = reverse("account_reset_password")

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "ada@example.com"}, follow=True)
        unknown = client.post(url, {"email": "stranger@example.com"}, follow=True)

    assert list(Message.objects.values_list("to", flat=True)) == ["ada@example.com"]
    assert [m.to for m in mailoutbox] == [["ada@example.com"]]
    assert (
        known.redirect_chain
        == unknown.redirect_chain
        == [(reverse("account_reset_password_done"), 302)]
    )
    assert without_csrf(known) == without_csrf(unknown)


@pytest.mark.django_db
def test_verification_email_names_the_site(
    client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://cfp.example.org"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
        )

    [mail] = mailoutbox
    assert mail.subject == "[Lectern] Please Confirm Your Email Address"
    assert mail.body.startswith("Hello from Lectern!")
    assert "to register an account on cfp.example.org." in mail.body
    assert "Thank you for using Lectern!\ncfp.example.org" in mail.body


@pytest.mark.django_db
def test_password_reset_email_names_the_site(
    client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://cfp.example.org"
    SpeakerFactory(email="ada@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "ada@example.com"})

    [mail] = mailoutbox
    assert mail.subject == "[Lectern] Password Reset Email"
    assert mail.body.startswith("Hello from Lectern!")
    assert "Thank you for using Lectern!\ncfp.example.org" in mail.body
    assert " ! " not in mail.body and "from !" not in mail.body
