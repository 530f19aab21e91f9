"""The staff panel's site: no password is checked outside allauth's rate limits, no account
without staff status gets a login form, and the "view on site" shortcut is closed."""

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.factories import (
    PASSWORD,
    EventFactory,
    InvitationFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.helpers import is_staff_panel_refusal, page


def signed_in_as(client):
    return int(client.session["_auth_user_id"]) if "_auth_user_id" in client.session else None


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.com", is_staff=True, is_superuser=True)


# --- item 1: the staff login cannot be brute-forced ----------------------------------------


@pytest.mark.django_db
def test_admin_login_brute_force_by_a_signed_in_speaker_never_signs_in_the_superuser(
    client, superuser
):
    speaker = SpeakerFactory()
    client.force_login(speaker)
    url = reverse("admin:login")

    answers = [
        client.post(url, {"username": superuser.email, "password": f"guess {n}"}) for n in range(12)
    ]
    right = client.post(url, {"username": superuser.email, "password": PASSWORD})

    assert signed_in_as(client) == speaker.pk
    assert all(is_staff_panel_refusal(answer) for answer in [*answers, right])
    assert 'name="password"' not in page(right)


@pytest.mark.django_db
def test_admin_login_post_by_a_signed_in_reviewer_checks_no_password(client, superuser):
    reviewer = ReviewerFactory()
    client.force_login(reviewer)

    response = client.post(
        reverse("admin:login"), {"username": superuser.email, "password": PASSWORD}
    )

    assert signed_in_as(client) == reviewer.pk
    assert (response.status_code, response.url) == (302, reverse("admin:index"))


@pytest.mark.django_db
def test_admin_login_sends_strangers_to_the_rate_limited_login(client):
    response = client.get("/admin/login/?next=/admin/cfp/event/")

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/admin/cfp/event/"


@pytest.mark.django_db
def test_admin_login_sends_staff_on_to_the_page_asked_for(client):
    client.force_login(UserFactory(is_staff=True))

    asked = client.get("/admin/login/?next=/admin/cfp/event/")
    elsewhere = client.get("/admin/login/?next=https://evil.example/")

    assert (asked.status_code, asked.url) == (302, "/admin/cfp/event/")
    assert (elsewhere.status_code, elsewhere.url) == (302, reverse("admin:index"))


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/login/",
        "/admin/login/?next=/admin/cfp/event/",
        "/admin/cfp/event/",
        "/admin/cfp/proposal/1/change/",
        "/admin/password_change/",
        "/admin/no-such-page/",
    ],
)
@pytest.mark.django_db
def test_staff_panel_tells_a_signed_in_speaker_they_have_no_access(client, url):
    speaker = SpeakerFactory(email="ada@example.com")
    client.force_login(speaker)

    response = client.get(url)

    assert is_staff_panel_refusal(response)
    body = page(response)
    assert "ada@example.com" in body
    assert 'class="navbar' in body  # the site's own layout, not the admin's
    assert 'name="password"' not in body and 'name="username"' not in body


@pytest.mark.django_db
def test_admin_password_change_leads_to_the_rate_limited_form(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    data = {
        "old_password": PASSWORD,
        "new_password1": "a brand new passphrase",
        "new_password2": "a brand new passphrase",
    }

    response = client.post(reverse("admin:password_change"), data)

    assert (response.status_code, response.url) == (302, reverse("account_change_password"))
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_change_refuses_guesses_past_its_rate_limit(client):
    user = SpeakerFactory()
    client.force_login(user)
    url = reverse("account_change_password")
    new = {"password1": "a brand new passphrase", "password2": "a brand new passphrase"}

    guesses = [client.post(url, {"oldpassword": f"guess {n}", **new}) for n in range(5)]
    right = client.post(url, {"oldpassword": PASSWORD, **new})

    assert [g.status_code for g in guesses] == [200] * 5  # the form, with its error
    assert right.status_code == 429
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_reauthentication_refuses_guesses_past_its_rate_limit(client):
    user = SpeakerFactory()
    client.force_login(user)
    url = reverse("account_reauthenticate")

    guesses = [client.post(url, {"password": f"guess {n}"}) for n in range(10)]
    right = client.post(url, {"password": PASSWORD})

    # Five wrong passwords for the account, then allauth's per-account login limit, then the
    # reauthentication limit itself (10 a minute per user) refuses the request outright.
    assert all("Incorrect password." in page(g) for g in guesses[:5])
    assert all("Too many failed login attempts" in page(g) for g in guesses[5:])
    assert right.status_code == 429
    assert "account_authentication_methods" not in client.session


# --- item 2: the "view on site" shortcut is closed ------------------------------------------


@pytest.fixture
def world(db, superuser):
    organizer = UserFactory(is_staff=True)
    hidden = EventFactory(slug="secret-summit", is_public=False, organizers=[organizer])
    elsewhere = EventFactory(slug="other-con")
    reviewer = ReviewerFactory()
    ReviewerTeamFactory(event=elsewhere, members=[reviewer])
    # Submitted: a draft is its speakers' alone, and has no staff page.
    proposal = ProposalFactory(event=hidden, speakers=[SpeakerFactory()], state="submitted")
    invitation = InvitationFactory(proposal=proposal)
    return {
        "users": {
            "superuser": superuser,
            "organizer": organizer,
            "reviewer of another event": reviewer,
            "speaker": SpeakerFactory(),
            "anonymous": None,
        },
        "objects": [hidden, proposal, invitation],
    }


def shortcut(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


@pytest.mark.parametrize(
    "role", ["superuser", "organizer", "reviewer of another event", "speaker", "anonymous"]
)
def test_view_on_site_shortcut_answers_404_for_every_role(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)

    for obj in world["objects"]:
        response = client.get(shortcut(obj))

        assert response.status_code == 404, (role, obj)
        assert "Location" not in response
        assert obj.get_absolute_url() not in page(response)


def test_no_staff_page_links_to_the_view_on_site_shortcut(client, world):
    hidden, proposal, invitation = world["objects"]
    client.force_login(world["users"]["superuser"])

    pages = [
        client.get(reverse("admin:cfp_event_change", args=[hidden.pk])),
        client.get(reverse("admin:cfp_proposal_change", args=[proposal.pk])),
    ]

    assert [p.status_code for p in pages] == [200, 200]
    assert invitation.email in page(pages[1])  # the inline is there, without its link
    for response in pages:
        assert "/admin/r/" not in page(response)
        assert invitation.token not in page(response)
    # The event's own page is linked directly, for the organizers who may see it.
    assert f'href="{hidden.get_absolute_url()}"' in page(pages[0])


@pytest.mark.django_db
def test_no_model_admin_or_inline_offers_the_view_on_site_shortcut(world):
    objects = {type(obj): obj for obj in world["objects"]}
    for model, model_admin in admin.site._registry.items():
        inlines = [inline(model, admin.site) for inline in model_admin.inlines]
        for each in [model_admin, *inlines]:
            obj = objects.get(each.model) or objects.get(each.model._meta.concrete_model)
            if obj is None:
                continue
            url = each.get_view_on_site_url(obj)
            assert url is None or not url.startswith("/admin/r/"), (model, each)
