from django.urls import reverse


def test_cfp_page_shows_event(client, event):
    response = client.get(reverse("cfp:event", kwargs={"event": event.slug}))
    assert response.status_code == 200
    assert event.name in response.content.decode()


def test_not_found_page_uses_the_site_layout(client, db):
    response = client.get("/no-such-event/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body
    assert 'class="navbar' in body
