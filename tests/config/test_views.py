"""The floor view and the staff panel's login."""

import pytest

from tests.factories import UserFactory


@pytest.mark.django_db
def test_healthz_answers_ok_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/healthz/").status_code == 405


@pytest.mark.django_db
def test_a_signed_in_organizer_lands_on_the_staff_page_asked_for(client):
    client.force_login(UserFactory(is_staff=True))
    asked = client.get("/admin/login/?next=/admin/cfp/event/")
    assert (asked.status_code, asked.url) == (302, "/admin/cfp/event/")
    elsewhere = client.get("/admin/login/?next=https://evil.example/")
    assert (elsewhere.status_code, elsewhere.url) == (302, "/admin/")


@pytest.mark.django_db
def test_the_staff_login_sends_strangers_to_the_rate_limited_login(client):
    response = client.get("/admin/login/?next=/admin/cfp/event/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")
