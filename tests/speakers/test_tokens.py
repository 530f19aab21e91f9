"""Personal API tokens on the public site (/me/tokens/): made, listed and revoked by their
owner; the secret is shown once and kept nowhere; bad input changes nothing."""

import html
import logging
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from speakers.models import ApiToken, ApiTokenScope
from speakers.tokens import MAX_LIVE, token_create, token_digest
from tests.factories import SpeakerFactory, UserFactory
from tests.helpers import page, table

pytestmark = pytest.mark.django_db

LIST_URL = "/me/tokens/"
NEW_URL = "/me/tokens/new/"
SECRET = re.compile(r"lct_[A-Za-z0-9_-]{43}")


def make(client, **overrides):
    data = {"name": "Website import", "scope": "read", "expiry": "90", "expires_on": ""}
    data.update(overrides)
    return client.post(NEW_URL, data)


def form_errors(response) -> dict[str, list[str]]:
    """The errors the page's summary lists, by field ("__all__" for the form's own)."""
    summary = re.search(r"data-error-summary>(.*?)</ul>", page(response), re.S)
    errors: dict[str, list[str]] = {}
    for item in re.findall(r"<li>(.*?)</li>", summary.group(1) if summary else "", re.S):
        target = re.search(r'href="#id_([a-z_]+?)(?:_\d+)?"', item)
        text = html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
        errors.setdefault(target.group(1) if target else "__all__", []).append(text)
    return errors


def revoke_url(token) -> str:
    return f"/me/tokens/{token.pk}/revoke/"


# --- making one ------------------------------------------------------------------------------


def test_create_shows_the_secret_once_and_stores_its_digest(speaker_client, speaker):
    response = make(speaker_client, name="  Website   import ", scope="write")

    assert response.status_code == 200
    (secret,) = set(SECRET.findall(page(response)))
    token = ApiToken.objects.get(user=speaker)
    assert token.name == "Website import"
    assert token.scope == ApiTokenScope.WRITE
    assert token.digest == token_digest(secret) and token.digest != secret
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret)
    assert "will not be shown again" in page(response)
    assert "no-store" in response["Cache-Control"]
    # Expires in 90 days, from now.
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


def test_create_form_sent_twice_makes_one_token(speaker_client, speaker):
    drawn = speaker_client.get(NEW_URL)
    once = re.search(r'name="once" value="([^"]+)"', page(drawn)).group(1)

    first = make(speaker_client, once=once)
    again = make(speaker_client, once=once)  # the browser's reload of the secret's page

    assert ApiToken.objects.filter(user=speaker).count() == 1
    assert len(set(SECRET.findall(page(first)))) == 1
    assert again.status_code == 302 and again["Location"] == LIST_URL
    listed = speaker_client.get(LIST_URL)
    assert "This form was sent before" in page(listed)
    assert not SECRET.findall(page(listed))
    assert make(speaker_client, once=once + "x").status_code == 200  # a new form: a new token
    assert ApiToken.objects.filter(user=speaker).count() == 2


def test_create_keeps_the_secret_nowhere_else(speaker_client, speaker, caplog):
    caplog.set_level(logging.DEBUG)
    with CaptureQueriesContext(connection) as queries:
        response = make(speaker_client)
    (secret,) = set(SECRET.findall(page(response)))

    # Not written to the database (the statements and their values), nor to any log.
    statements = " ".join(query["sql"] for query in queries.captured_queries)
    assert token_digest(secret) in statements  # the values are there: the digest only
    assert secret not in statements
    assert secret not in caplog.text

    # Not in the session, nor in any cookie (the messages framework's included).
    session = speaker_client.session
    assert secret not in repr(dict(session.items()))
    assert all(secret not in morsel.value for morsel in response.cookies.values())
    assert all(secret not in morsel.value for morsel in speaker_client.cookies.values())
    # Never again on any page.
    token = ApiToken.objects.get(user=speaker)
    for url in (LIST_URL, NEW_URL, revoke_url(token), "/me/profile/"):
        later = speaker_client.get(url)
        assert later.status_code == 200, url
        assert secret not in page(later), url
        assert token.prefix in page(later) or url in (NEW_URL, "/me/profile/")


@pytest.mark.parametrize(
    ("choice", "days"), [("never", None), ("30", 30), ("90", 90), ("365", 365)]
)
def test_create_with_each_expiry(speaker_client, speaker, choice, days):
    make(speaker_client, expiry=choice)

    token = ApiToken.objects.get(user=speaker)
    if days is None:
        assert token.expires_at is None
    else:
        expected = timezone.now() + timedelta(days=days)
        assert abs(token.expires_at - expected) < timedelta(minutes=1)


def test_create_expiring_on_a_date_works_to_the_end_of_that_day(speaker_client, speaker):
    day = timezone.localdate() + timedelta(days=10)

    make(speaker_client, expiry="date", expires_on=day.isoformat())

    token = ApiToken.objects.get(user=speaker)
    local = timezone.localtime(token.expires_at)
    assert local.date() == day
    assert (local.hour, local.minute) == (23, 59)


def _too_far():
    return (timezone.localdate() + timedelta(days=3 * 366 + 1)).isoformat()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Please give the token a name."),
        ({"name": "   "}, "name", "Please give the token a name."),
        ({"name": "x" * 101}, "name", "Ensure this value has at most 100 characters (it has 101)."),
        ({"name": "<script>alert(1)</script>"}, "name", "HTML is not allowed here"),
        ({"name": "Broken \ufffd text"}, "name", "not valid UTF-8"),
        ({"name": "Bell \x07"}, "name", "invisible control characters"),
        ({"scope": "admin"}, "scope", "Choose read, or read and write."),
        ({"scope": ""}, "scope", "Choose what the token may do."),
        ({"expiry": "7"}, "expiry", "Choose one of the expiry options."),
        ({"expiry": "date", "expires_on": ""}, "expires_on", "Give the date the token expires."),
        ({"expiry": "date", "expires_on": "31/12/2027"}, "expires_on", "year-month-day"),
        ({"expiry": "date", "expires_on": "2027-02-30"}, "expires_on", "year-month-day"),
        ({"expiry": "date", "expires_on": "2020-01-01"}, "expires_on", "after today"),
        ({"expiry": "date", "expires_on": "today"}, "expires_on", "year-month-day"),
        ({"expiry": "date", "expires_on": "9999-12-31"}, "expires_on", "at most three years"),
        ({"expiry": "date", "expires_on": _too_far()}, "expires_on", "at most three years"),
        ({"expiry": "never", "expires_on": "2030-01-01"}, "expires_on", "choose “On a date”"),
    ],
)
def test_create_refuses_bad_input_with_a_clear_message(speaker_client, data, field, message):
    response = make(speaker_client, **data)

    assert response.status_code == 200
    errors = form_errors(response)
    assert any(message in text for text in errors.get(field, [])), errors
    assert not ApiToken.objects.exists()
    assert not SECRET.search(page(response))


def test_create_with_bytes_that_are_not_utf8_is_refused(speaker_client):
    body = b"name=Caf%E9+%FF&scope=read&expiry=30&expires_on="

    response = speaker_client.post(NEW_URL, body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert any("not valid UTF-8" in text for text in form_errors(response)["name"])
    assert not ApiToken.objects.exists()


def test_create_today_is_refused(speaker_client):
    response = make(speaker_client, expiry="date", expires_on=timezone.localdate().isoformat())

    assert form_errors(response)["expires_on"] == ["Expiry date: Choose a date after today."]
    assert not ApiToken.objects.exists()


def test_create_past_the_cap_is_refused(speaker_client, speaker):
    for n in range(MAX_LIVE):
        token_create(user=speaker, name=f"Token {n}")

    response = make(speaker_client)

    assert "the most an account may hold" in " ".join(form_errors(response)["__all__"])
    assert ApiToken.objects.filter(user=speaker).count() == MAX_LIVE
    # A revoked or expired token leaves room for a new one.
    ApiToken.objects.filter(user=speaker, name="Token 0").update(revoked_at=timezone.now())
    assert SECRET.search(page(make(speaker_client)))
    assert ApiToken.objects.filter(user=speaker).count() == MAX_LIVE + 1


def test_create_is_rate_limited_per_account(client, settings):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "token_create": "2/h/user"}
    first, second = SpeakerFactory(), SpeakerFactory()
    client.force_login(first)

    made = [bool(SECRET.search(page(make(client, name=f"T{n}")))) for n in range(3)]
    refused = make(client, name="T3")
    client.force_login(second)
    other = make(client, name="Other")

    assert made == [True, True, False]
    assert "please wait an hour" in " ".join(form_errors(refused)["__all__"])
    assert ApiToken.objects.filter(user=first).count() == 2
    assert SECRET.search(page(other))  # another account is not held back


def test_create_with_bad_input_does_not_count_against_the_rate(client, settings, speaker):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "token_create": "1/h/user"}
    client.force_login(speaker)

    make(client, name="")  # refused by the form
    response = make(client)

    assert SECRET.search(page(response))


def test_create_needs_a_verified_account(client):
    unverified = UserFactory(verified=False)
    client.force_login(unverified)

    for response in (client.get(LIST_URL), client.get(NEW_URL), make(client)):
        assert response.status_code == 302
        assert response["Location"] == "/accounts/email/"
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("url", [LIST_URL, NEW_URL, "/me/tokens/1/revoke/"])
def test_token_pages_ask_anonymous_visitors_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_create_anonymous_post_makes_nothing(client):
    response = make(client)

    assert response.status_code == 302
    assert not ApiToken.objects.exists()


# --- the list --------------------------------------------------------------------------------


def test_list_shows_own_tokens_only_with_their_state(speaker_client, speaker):
    active, _ = token_create(user=speaker, name="Active one", scope=ApiTokenScope.WRITE)
    revoked, _ = token_create(user=speaker, name="Revoked one")
    expired, _ = token_create(user=speaker, name="Expired one")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    ApiToken.objects.filter(pk=active.pk).update(last_used_at=timezone.now())
    other_token, _ = token_create(user=SpeakerFactory(), name="Somebody else's")

    response = speaker_client.get(LIST_URL)

    rows = table(response, "Your API tokens")
    assert rows[0][:7] == ["Name", "Scope", "Token", "Created", "Expires", "Last used", "Status"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Active one", "Revoked one", "Expired one"}
    assert by_name["Active one"][1] == "Read and write"
    assert by_name["Active one"][2] == f"{active.prefix}…"
    assert by_name["Active one"][5] != "Never"
    assert by_name["Active one"][6] == "Active"
    assert by_name["Active one"][7].startswith("Revoke")
    assert by_name["Revoked one"][5] == "Never"
    assert by_name["Revoked one"][6].startswith("Revoked")
    assert by_name["Revoked one"][7] == ""  # nothing left to revoke
    assert by_name["Expired one"][6].startswith("Expired")
    assert other_token.prefix not in page(response)


def test_list_is_linked_from_the_profile_page(speaker_client):
    assert 'href="/me/tokens/"' in page(speaker_client.get("/me/profile/"))


@pytest.mark.parametrize("count", [1, 30])
def test_list_queries_do_not_grow_with_the_tokens(
    speaker_client, speaker, django_assert_num_queries, count
):
    for n in range(count):
        token_create(user=speaker, name=f"Token {n}")
    speaker_client.get(LIST_URL)  # the session's first read is not the page's

    # session, user, verified address, count, page of tokens
    with django_assert_num_queries(5):
        response = speaker_client.get(LIST_URL)

    assert len(table(response, "Your API tokens")) == count + 1


# --- revoking --------------------------------------------------------------------------------


def test_revoke_asks_then_revokes(speaker_client, speaker):
    token, _ = token_create(user=speaker, name="Old script")

    asked = speaker_client.get(revoke_url(token))
    still = ApiToken.objects.get(pk=token.pk).is_revoked
    done = speaker_client.post(revoke_url(token), follow=True)

    assert "Revoke “Old script”?" in page(asked)
    assert still is False
    assert ApiToken.objects.get(pk=token.pk).is_revoked
    assert done.redirect_chain == [(LIST_URL, 302)]
    assert "The token “Old script” is revoked" in page(done)


def test_revoke_twice_says_it_was_revoked_already(speaker_client, speaker):
    token, _ = token_create(user=speaker, name="Old script")
    speaker_client.post(revoke_url(token))
    first = ApiToken.objects.get(pk=token.pk).revoked_at

    again = speaker_client.post(revoke_url(token), follow=True)

    assert "was revoked already" in page(again)
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first


def test_revoke_another_accounts_token_is_404(speaker_client):
    token, _ = token_create(user=SpeakerFactory(), name="Not yours")

    assert speaker_client.get(revoke_url(token)).status_code == 404
    assert speaker_client.post(revoke_url(token)).status_code == 404
    assert not ApiToken.objects.get(pk=token.pk).is_revoked


def test_revoke_without_csrf_token_is_refused(speaker, client):
    from django.test import Client

    token, _ = token_create(user=speaker, name="Old script")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(speaker)

    response = browser.post(revoke_url(token))

    assert response.status_code == 403
    assert not ApiToken.objects.get(pk=token.pk).is_revoked
