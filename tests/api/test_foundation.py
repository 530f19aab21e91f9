"""The API's shared parts: tokens as credentials, the error shape, and the schema check."""

from datetime import timedelta

import pytest
from django.utils import timezone

from speakers.models import ApiToken, ApiTokenScope
from speakers.tokens import token_create, token_revoke
from tests.api.helpers import assert_matches_schema, client_for
from tests.factories import SpeakerFactory

pytestmark = pytest.mark.django_db


def test_me_with_token_names_the_owner_and_scope():
    speaker = SpeakerFactory()

    response = client_for(speaker, scope=ApiTokenScope.WRITE).get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["email"] == speaker.email
    assert response.json()["token_scope"] == "write"
    assert_matches_schema(response)


def test_token_stored_hashed_and_shown_once():
    speaker = SpeakerFactory()

    token, raw = token_create(user=speaker, name="Website")

    stored = ApiToken.objects.get(pk=token.pk)
    assert raw.startswith("lct_") and len(raw) > 40
    assert raw not in (stored.digest, stored.prefix) and stored.digest != raw
    assert raw.startswith(stored.prefix)


def test_me_anonymous_is_401_json():
    response = client_for().get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"revoked_at": timezone.now()}, "token_revoked"),
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, "token_expired"),
    ],
)
def test_revoked_or_expired_token_is_401_with_its_code(change, code):
    speaker = SpeakerFactory()
    token, raw = token_create(user=speaker, name="Old")
    ApiToken.objects.filter(pk=token.pk).update(**change)

    response = client_for(token=raw).get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["code"] == code
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoke_only_own_token():
    owner, other = SpeakerFactory(), SpeakerFactory()
    token, raw = token_create(user=owner, name="Mine")

    assert token_revoke(token=token, by=other) is False
    assert client_for(token=raw).get("/api/v1/me/").status_code == 200
    assert token_revoke(token=token, by=owner) is True
    assert client_for(token=raw).get("/api/v1/me/").status_code == 401


def test_wrong_tokens_from_one_address_are_limited(settings):
    settings.API_RATE_LIMITS = {"token_failed": "3/m/ip"}
    speaker = SpeakerFactory()
    _, good = token_create(user=speaker, name="Good")

    codes = [client_for(token="lct_wrong").get("/api/v1/me/").status_code for _ in range(4)]
    after = client_for(token=good).get("/api/v1/me/")

    assert codes == [401, 401, 401, 429]
    assert after.status_code == 429  # the address is refused until the window passes
    assert after.json()["code"] == "throttled"
    assert after["Retry-After"] == "60"


def test_unknown_api_address_is_json_404():
    response = client_for().get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_read_token_cannot_write():
    speaker = SpeakerFactory()

    response = client_for(speaker).post("/api/v1/me/", {}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
