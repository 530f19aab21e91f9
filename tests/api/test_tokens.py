"""Personal tokens as the API's credential: what a revoked, expired or read-only token, a
token of a deactivated account, too many calls of one token and too many wrong tokens from
one address get; and the browser session (the docs page) with its CSRF check."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from speakers.api.throttling import TokenRateThrottle
from speakers.models import ApiToken, ApiTokenScope
from speakers.tokens import token_create, token_revoke
from tests.api.helpers import assert_matches_schema, client_for
from tests.factories import SpeakerFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def assert_json_error(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == code
    assert response.json()["detail"]


# --- a token's state -------------------------------------------------------------------------


def test_token_made_on_the_site_calls_the_api_until_revoked_there(client):
    speaker = SpeakerFactory()
    client.force_login(speaker)
    made = client.post(
        "/me/tokens/new/", {"name": "Script", "scope": "read", "expiry": "30", "expires_on": ""}
    )
    (secret,) = set(re.findall(r"lct_[A-Za-z0-9_-]{43}", made.content.decode()))
    api = client_for(token=secret)

    before = api.get(ME)
    token = ApiToken.objects.get(user=speaker)
    client.post(f"/me/tokens/{token.pk}/revoke/")
    after = api.get(ME)

    assert before.status_code == 200 and before.json()["email"] == speaker.email
    assert before.json()["token_scope"] == "read"
    assert_matches_schema(before)
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    assert_json_error(after, 401, "token_revoked")
    assert after["WWW-Authenticate"] == 'Bearer realm="api"'


def test_token_stops_working_when_its_expiry_passes():
    speaker = SpeakerFactory()
    token, secret = token_create(
        user=speaker, name="Short", expires_at=timezone.now() + timedelta(hours=1)
    )
    api = client_for(token=secret)
    assert api.get(ME).status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert_json_error(api.get(ME), 401, "token_expired")


def test_token_of_a_deactivated_account_is_401():
    speaker = SpeakerFactory()
    _, secret = token_create(user=speaker, name="Leaver")
    speaker.is_active = False
    speaker.save(update_fields=["is_active"])

    response = client_for(token=secret).get(ME)

    assert_json_error(response, 401, "account_inactive")
    assert "email" not in response.json()


def test_deactivated_account_cannot_make_a_token():
    from speakers.tokens import TokenRefused

    user = SpeakerFactory(is_active=False)

    with pytest.raises(TokenRefused, match="inactive"):
        token_create(user=user, name="Nope")
    assert not ApiToken.objects.exists()


def test_read_token_cannot_write_and_write_token_can():
    speaker = SpeakerFactory()

    read = client_for(speaker, scope=ApiTokenScope.READ).post(ME, {}, format="json")
    write = client_for(speaker, scope=ApiTokenScope.WRITE).post(ME, {}, format="json")

    assert_json_error(read, 403, "token_read_only")
    # Past the credential check: /me/ itself only reads.
    assert_json_error(write, 405, "method_not_allowed")


def test_token_scheme_word_is_accepted_and_others_are_not_tokens():
    speaker = SpeakerFactory()
    _, secret = token_create(user=speaker, name="Either word")

    as_token = APIClient()
    as_token.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    basic = APIClient()
    basic.credentials(HTTP_AUTHORIZATION=f"Basic {secret}")

    assert as_token.get(ME).status_code == 200
    assert_json_error(basic.get(ME), 401, "not_authenticated")


def test_digest_is_not_a_token():
    speaker = SpeakerFactory()
    token, _ = token_create(user=speaker, name="Hashed")

    for stolen in (token.digest, f"lct_{token.digest}", token.prefix):
        assert_json_error(client_for(token=stolen).get(ME), 401, "token_invalid")


def test_revoking_one_token_leaves_the_others_working():
    speaker = SpeakerFactory()
    first, first_secret = token_create(user=speaker, name="One")
    _, second_secret = token_create(user=speaker, name="Two")

    token_revoke(token=first, by=speaker)

    assert client_for(token=first_secret).get(ME).status_code == 401
    assert client_for(token=second_secret).get(ME).status_code == 200


# --- how often one token may ask ---------------------------------------------------------


@pytest.fixture
def three_a_minute(monkeypatch):
    """The per-token rate, low for the test (DRF reads its rates when the class is made)."""
    monkeypatch.setattr(
        TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute", "anonymous": "1000/minute"}
    )


def test_token_past_its_rate_gets_429_with_retry_after(three_a_minute):
    speaker = SpeakerFactory()
    busy, other = client_for(speaker), client_for(speaker)

    codes = [busy.get(ME).status_code for _ in range(3)]
    limited = busy.get(ME)
    still = other.get(ME)

    assert codes == [200, 200, 200]
    assert_json_error(limited, 429, "throttled")
    assert 0 < int(limited["Retry-After"]) <= 60
    # Another token of the same account has its own count.
    assert still.status_code == 200 and still.json()["email"] == speaker.email


def test_token_rate_does_not_count_the_session(client, three_a_minute):
    speaker = SpeakerFactory()
    client.force_login(speaker)

    codes = [client.get(ME).status_code for _ in range(5)]

    assert codes == [200] * 5


# --- wrong tokens from one address -------------------------------------------------------------


@pytest.fixture
def three_wrong(settings):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "token_failed": "3/m/ip"}


def call(header: str | bytes, address: str = "127.0.0.1"):
    return APIClient().get(ME, HTTP_AUTHORIZATION=header, REMOTE_ADDR=address)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",  # no token at all
        "Bearer lct_a lct_b",  # two
        "Bearer " + "lct_" + "a" * 300,  # longer than any token
        "Bearer not-even-a-token",
        "Bearer lct_Z\u00e9\u00e9".encode(),  # not ASCII: never a token
    ],
)
def test_malformed_tokens_are_401_and_count_as_wrong(three_wrong, header):
    codes = [call(header).status_code for _ in range(3)]
    limited = call(header)

    assert codes == [401, 401, 401]
    assert_json_error(limited, 429, "throttled")


def test_wrong_tokens_limit_only_their_address(three_wrong):
    speaker = SpeakerFactory()
    _, good = token_create(user=speaker, name="Good")
    for _ in range(3):
        call("Bearer lct_wrong", "10.0.0.1")

    assert call("Bearer lct_wrong", "10.0.0.1").status_code == 429
    assert call(f"Bearer {good}", "10.0.0.2").status_code == 200
    assert call("Bearer lct_wrong", "10.0.0.2").status_code == 401


def test_right_tokens_never_count_as_wrong(three_wrong):
    speaker = SpeakerFactory()
    _, good = token_create(user=speaker, name="Good")

    goods = [call(f"Bearer {good}").status_code for _ in range(10)]
    wrongs = [call("Bearer lct_wrong").status_code for _ in range(4)]

    assert goods == [200] * 10
    assert wrongs == [401, 401, 401, 429]


def test_revoked_and_expired_tokens_are_told_apart_and_not_counted_as_guesses(three_wrong):
    speaker = SpeakerFactory()
    revoked, revoked_secret = token_create(user=speaker, name="Revoked")
    token_revoke(token=revoked, by=speaker)

    codes = [call(f"Bearer {revoked_secret}").json()["code"] for _ in range(5)]

    # A real token that was revoked is not a guess: it keeps saying why, and the address
    # keeps its tries for wrong tokens.
    assert codes == ["token_revoked"] * 5
    assert call("Bearer lct_wrong").status_code == 401


def test_limited_address_without_a_token_is_asked_to_sign_in(three_wrong):
    for _ in range(4):
        call("Bearer lct_wrong")

    response = APIClient().get(ME, REMOTE_ADDR="127.0.0.1")

    assert_json_error(response, 401, "not_authenticated")


# --- the browser's session ---------------------------------------------------------------------


def test_signed_in_session_reads_me_without_a_token():
    speaker = SpeakerFactory()
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(speaker)

    response = browser.get(ME)

    assert response.status_code == 200
    assert response.json()["email"] == speaker.email
    assert response.json()["token_scope"] is None
    assert_matches_schema(response)


def test_session_write_without_the_csrf_token_is_403_json():
    speaker = SpeakerFactory()
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(speaker)

    response = browser.post(ME, {}, format="json")

    assert_json_error(response, 403, "permission_denied")
    assert "CSRF" in response.json()["detail"]


def test_session_write_with_the_docs_pages_csrf_token_passes_the_check():
    """The docs page (Swagger UI) sends the page's CSRF token with every unsafe call: with
    it, a write reaches the endpoint (here /me/, which only reads: 405, not 403)."""
    staff = UserFactory(is_staff=True)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(staff)

    docs = browser.get("/api/v1/docs/")
    script = browser.get("/api/v1/docs/", {"script": ""}).content.decode()
    (csrf,) = re.findall(r'request\.headers\["X-CSRFTOKEN"\] = "([^"]+)"', script)
    response = browser.post(ME, {}, format="json", HTTP_X_CSRFTOKEN=csrf)

    assert docs.status_code == 200
    assert_json_error(response, 405, "method_not_allowed")


def test_session_of_a_deactivated_account_is_not_signed_in():
    user = UserFactory()
    browser = APIClient()
    browser.force_login(user)
    before = browser.get(ME)
    user.is_active = False
    user.save(update_fields=["is_active"])

    after = browser.get(ME)

    assert before.status_code == 200
    assert_json_error(after, 401, "not_authenticated")
