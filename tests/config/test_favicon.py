"""The site's icon: linked from the public pages and the staff panel, and at /favicon.ico."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import UserFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db

ICON_LINK = re.compile(r'<link rel="icon" href="([^"]+favicon[^"]*\.svg)" type="image/svg\+xml">')


def test_favicon_ico_leads_to_the_icon_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg"), "the icon is a static file"
    assert client.post("/favicon.ico").status_code == 405


def test_the_public_pages_link_the_icon(client):
    found = ICON_LINK.search(page(client.get(reverse("cfp:home"))))
    assert found and found[1].endswith("favicon.svg")


def test_the_staff_panel_links_the_icon(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert ICON_LINK.search(page(client.get(reverse("admin:index"))))
    # Every page of the panel extends the same frame (a changelist here).
    assert ICON_LINK.search(page(client.get(reverse("admin:cfp_event_changelist"))))
