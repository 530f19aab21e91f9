"""The user manager: the first administrator can log in as soon as `createsuperuser` ends."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse

from speakers.models import User


@pytest.mark.django_db
def test_createsuperuser_makes_an_administrator_who_logs_in_at_once(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long admin passphrase")

    call_command("createsuperuser", "--noinput", "--email", "Admin@Example.com")

    admin = User.objects.get()
    assert (admin.email, admin.is_staff, admin.is_superuser) == ("admin@example.com", True, True)
    address = EmailAddress.objects.get(user=admin)
    assert (address.email, address.verified, address.primary) == ("admin@example.com", True, True)
    response = client.post(
        reverse("account_login"),
        {"login": "admin@example.com", "password": "a long admin passphrase", "next": "/admin/"},
    )
    assert (response.status_code, response.url) == (302, "/admin/")
    assert int(client.session["_auth_user_id"]) == admin.pk
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_create_user_leaves_the_address_to_be_verified():
    user = User.objects.create_user("speaker@example.com", "a long passphrase")

    assert not EmailAddress.objects.filter(user=user).exists()
    assert not user.is_staff
