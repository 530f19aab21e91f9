from django.urls import reverse


def test_cfp_page_shows_event(client, event):
    response = client.get(reverse("cfp:event", kwargs={"event": event.slug}))
    assert response.status_code == 200
    assert event.name in response.content.decode()
