"""The staff panel has one section for accounts: "Accounts and speakers", whose user pages
hold the account's email addresses (allauth's "Accounts" section is gone)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.factories import SpeakerFactory, UserFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db


def sections(body: str) -> list[str]:
    return re.findall(r'<caption>\s*<a href="[^"]*" class="section"[^>]*>([^<]+)</a>', body)


def test_the_panel_lists_accounts_once_and_the_user_page_holds_the_addresses(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    speaker = SpeakerFactory(email="ada@kernel.test")
    assert EmailAddress.objects.filter(user=speaker, email="ada@kernel.test").exists()

    # The side navigation of any page lists the sections, as the index does.
    listed = sections(page(client.get(reverse("admin:speakers_user_changelist"))))
    assert "Accounts and speakers" in listed
    assert "Accounts" not in listed
    assert client.get("/admin/account/emailaddress/").status_code == 404

    body = page(client.get(reverse("admin:speakers_user_change", args=[speaker.pk])))
    assert 'name="emailaddress_set-0-email"' in body
    assert 'value="ada@kernel.test"' in body
