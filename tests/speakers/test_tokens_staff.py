"""A staff member's own API tokens in the staff panel (Accounts and speakers › API tokens):
the same services as the public site, the staff panel's look, and nobody else's tokens."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from speakers.models import ApiToken, ApiTokenScope
from speakers.tokens import token_create, token_digest
from tests.factories import EventFactory, ReviewerFactory, ReviewerTeamFactory, UserFactory
from tests.helpers import is_staff_panel_refusal, list_rows, page, shown_messages

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/speakers/apitoken/"
NEW_URL = "/admin/speakers/apitoken/add/"
SECRET = re.compile(r"lct_[A-Za-z0-9_-]{43}")


def revoke_url(token) -> str:
    return f"{LIST_URL}{token.pk}/revoke/"


def make(client, **overrides):
    data = {"name": "Schedule sync", "scope": "read", "expiry": "30", "expires_on": ""}
    data.update(overrides)
    return client.post(NEW_URL, data)


def errors(response) -> list[str]:
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page(response), re.S)
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for block in found
        for item in block.split("</li>")
        if item.strip()
    ]


@pytest.fixture
def organizer(db):
    user = UserFactory(is_staff=True)
    EventFactory(organizers=[user])
    return user


@pytest.fixture
def reviewer(db):
    user = ReviewerFactory()
    ReviewerTeamFactory(event=EventFactory(), members=[user])
    return user


@pytest.mark.parametrize("role", ["organizer", "reviewer", "superuser", "plain_staff"])
def test_staff_make_list_and_revoke_their_own_token(client, request, role):
    if role in ("organizer", "reviewer"):
        user = request.getfixturevalue(role)
    else:
        user = UserFactory(is_staff=True, is_superuser=role == "superuser")
    client.force_login(user)

    created = make(client, name="Schedule sync", scope="write")
    (secret,) = set(SECRET.findall(page(created)))
    token = ApiToken.objects.get(user=user)
    listed = client.get(LIST_URL)
    done = client.post(revoke_url(token), follow=True)

    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    assert "will not be shown again" in page(created)
    assert token.scope == ApiTokenScope.WRITE and token.digest == token_digest(secret)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    (row,) = list_rows(listed)
    assert row["name"] == "Schedule sync"
    assert row["token"] == f"{token.prefix}…"
    assert row["status"] == "Active"
    assert secret not in page(listed)
    assert ApiToken.objects.get(pk=token.pk).is_revoked
    assert done.redirect_chain == [(LIST_URL, 302)]
    assert (
        "success",
        "The token “Schedule sync” is revoked: programs that use it can no longer call the API.",
    ) in shown_messages(done)
    assert list_rows(done)[0]["status"].startswith("Revoked")


@pytest.mark.parametrize("role", ["organizer", "reviewer"])
def test_staff_never_see_another_accounts_tokens(client, request, role):
    user = request.getfixturevalue(role)
    mine, _ = token_create(user=user, name="Mine")
    theirs, _ = token_create(user=UserFactory(is_staff=True), name="Theirs")
    client.force_login(user)

    response = client.get(LIST_URL)
    asked_for_all = client.get(LIST_URL, {"whose": "all"})

    assert [row["name"] for row in list_rows(response)] == ["Mine"]
    assert theirs.prefix not in page(response)
    assert theirs.prefix not in page(asked_for_all)
    assert client.get(revoke_url(theirs)).status_code == 404
    assert client.post(revoke_url(theirs)).status_code == 404
    assert not ApiToken.objects.get(pk=theirs.pk).is_revoked


def test_superuser_sees_own_tokens_first_and_may_list_and_revoke_any(client):
    root = UserFactory(is_staff=True, is_superuser=True)
    token_create(user=root, name="Mine")
    owner = UserFactory(is_staff=True, email="leaky@example.org")
    theirs, secret = token_create(user=owner, name="Leaked")
    client.force_login(root)

    own = client.get(LIST_URL)
    every = client.get(LIST_URL, {"whose": "all"})
    asked = client.get(revoke_url(theirs))
    done = client.post(revoke_url(theirs), follow=True)

    assert [row["name"] for row in list_rows(own)] == ["Mine"]
    assert {(row["account"], row["name"]) for row in list_rows(every)} == {
        (root.email, "Mine"),
        ("leaky@example.org", "Leaked"),
    }
    assert secret not in page(every)
    assert "This token belongs to leaky@example.org, not to you." in page(asked)
    assert ApiToken.objects.get(pk=theirs.pk).is_revoked
    assert done.redirect_chain == [(f"{LIST_URL}?whose=all", 302)]


def test_staff_token_pages_are_in_the_navigation(client, reviewer):
    client.force_login(reviewer)

    body = page(client.get("/admin/"))

    assert f'href="{LIST_URL}"' in body  # the account's links in the header
    navigation = page(client.get(LIST_URL)).split('id="nav-sidebar"')[1]
    assert f'href="{LIST_URL}"' in navigation


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Please give the token a name."),
        ({"name": "y" * 101}, "at most 100 characters"),
        ({"name": "<img src=x onerror=alert(1)>"}, "HTML is not allowed here"),
        ({"name": "Broken \ufffd"}, "not valid UTF-8"),
        ({"scope": "root"}, "Choose read, or read and write."),
        ({"expiry": "date", "expires_on": "2001-01-01"}, "Choose a date after today."),
        ({"expiry": "date", "expires_on": "tomorrow"}, "year-month-day"),
    ],
)
def test_staff_create_refuses_bad_input(client, organizer, data, message):
    client.force_login(organizer)

    response = make(client, **data)

    assert response.status_code == 200
    assert any(message in text for text in errors(response)), errors(response)
    assert not ApiToken.objects.exists()
    assert not SECRET.search(page(response))


def test_staff_create_needs_a_verified_address(client):
    staff = UserFactory(is_staff=True, verified=False)
    client.force_login(staff)

    response = make(client)

    assert response.status_code == 302 and response["Location"] == "/accounts/email/"
    assert not ApiToken.objects.exists()


def test_staff_pages_refuse_accounts_without_staff_status(client, speaker):
    token, _ = token_create(user=speaker, name="Public")
    client.force_login(speaker)

    for response in (client.get(LIST_URL), make(client), client.post(revoke_url(token))):
        assert is_staff_panel_refusal(response)
    assert ApiToken.objects.filter(user=speaker).count() == 1
    assert not ApiToken.objects.get(pk=token.pk).is_revoked


def test_staff_pages_send_anonymous_visitors_to_log_in(client):
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/speakers/apitoken/"


def test_staff_token_has_no_change_or_delete_page(client, organizer):
    token, _ = token_create(user=organizer, name="Mine")
    client.force_login(organizer)

    assert client.get(f"{LIST_URL}{token.pk}/change/")["Location"] == LIST_URL
    assert client.post(f"{LIST_URL}{token.pk}/delete/").status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.parametrize("count", [1, 30])
def test_superuser_every_account_list_queries_do_not_grow(client, django_assert_num_queries, count):
    root = UserFactory(is_staff=True, is_superuser=True)
    for n in range(count):
        token_create(user=UserFactory(), name=f"Token {n}")
    client.force_login(root)
    client.get(LIST_URL, {"whose": "all"})

    with django_assert_num_queries(4):
        response = client.get(LIST_URL, {"whose": "all"})

    assert len(list_rows(response)) == count


@pytest.mark.parametrize("count", [1, 30])
def test_staff_list_queries_do_not_grow_with_the_tokens(
    client, organizer, django_assert_num_queries, count
):
    for n in range(count):
        token_create(user=organizer, name=f"Token {n}")
    client.force_login(organizer)
    client.get(LIST_URL)

    with django_assert_num_queries(4):
        response = client.get(LIST_URL)

    assert len(list_rows(response)) == count


def test_staff_form_sent_twice_makes_one_token(client, organizer):
    client.force_login(organizer)
    drawn = client.get(NEW_URL)
    once = re.search(r'name="once" value="([^"]+)"', page(drawn)).group(1)

    first = make(client, once=once)
    again = make(client, once=once)

    assert ApiToken.objects.filter(user=organizer).count() == 1
    assert len(set(SECRET.findall(page(first)))) == 1
    assert again.status_code == 302 and again["Location"] == LIST_URL
    listed = client.get(LIST_URL)
    assert any("This form was sent before" in text for _level, text in shown_messages(listed))
    assert not SECRET.findall(page(listed))
