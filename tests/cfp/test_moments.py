"""One time format on the staff pages: every moment on its event's clock, in Django's
DATETIME_FORMAT, with the zone's name where it could be taken for another clock (cfp.moments)."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from cfp import moments
from cfp.models import Event, Message, ProposalTransition, SendBatch
from tests.factories import EventFactory
from tests.helpers import list_rows, page

pytestmark = pytest.mark.django_db

# 17:00 in UTC (the server's clock) is 2 a.m. the next day in Tokyo.
AT = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)
TOKYO = "March 2, 2027, 2 a.m."
SERVER = "March 1, 2027, 5 p.m."


def tokyo(event: Event) -> Event:
    Event.objects.filter(pk=event.pk).update(timezone="Asia/Tokyo")
    event.refresh_from_db()
    return event


def test_a_moment_reads_on_the_events_clock_with_its_zone():
    event = tokyo(EventFactory())
    assert moments.moment(AT, event) == f"{TOKYO} (Asia/Tokyo)"
    assert moments.moment(AT, event, labelled=False) == TOKYO
    assert moments.moment(AT, None) == f"{SERVER} (UTC)"  # no event: the installation's
    assert moments.moment(None, event) == "–"
    rendered = Template(
        "{% load lectern %}{{ at|moment:event }} | {{ at|moment_plain:event }}"
        " | {{ event|zone_name }}"
    ).render(Context({"at": AT, "event": event}))
    assert rendered == f"{TOKYO} (Asia/Tokyo) | {TOKYO} | Asia/Tokyo"


def test_the_outbox_shows_its_times_on_each_events_clock(client, outbox_world):
    event = tokyo(outbox_world.event)
    message = outbox_world.drafts[0]
    Message.objects.filter(pk=message.pk).update(created_at=AT, sent_at=AT, state="sent")
    client.force_login(outbox_world.organizer)

    response = client.get(reverse("admin:cfp_message_changelist"))
    rows = {r["pk"]: r for r in list_rows(response)}
    # The list's cell: created, sent, and the zone once beneath them.
    assert rows[message.pk]["times"] == f"{TOKYO}sent {TOKYO}Asia/Tokyo"
    assert '<div class="lectern-muted">Asia/Tokyo</div>' in page(response)

    body = page(client.get(reverse("admin:cfp_message_change", args=[message.pk])))
    assert f"{TOKYO} (Asia/Tokyo)" in body
    assert SERVER not in body
    assert event.timezone == "Asia/Tokyo"


def test_the_send_progress_and_the_batches_show_the_events_clock(client, outbox_world):
    tokyo(outbox_world.event)
    batch = SendBatch.objects.create(
        event=outbox_world.event, total=1, created_by=outbox_world.organizer
    )
    SendBatch.objects.filter(pk=batch.pk).update(created_at=AT)
    client.force_login(outbox_world.organizer)

    progress = page(client.get(reverse("admin:cfp_sendbatch_progress", args=[batch.pk])))
    assert f"Started {TOKYO} (Asia/Tokyo)" in progress
    batches = page(client.get(reverse("admin:cfp_sendbatch_changelist")))
    assert f"{TOKYO} (Asia/Tokyo)" in batches and SERVER not in batches


def test_the_proposal_page_shows_its_history_on_the_events_clock(client, outbox_world):
    tokyo(outbox_world.event)
    outbox_world.accepted.state = "accepted"  # a draft has no staff page
    outbox_world.accepted.save(update_fields=["state"])
    ProposalTransition.objects.create(
        proposal=outbox_world.accepted, from_state="draft", to_state="submitted", at=AT
    )
    client.force_login(outbox_world.organizer)

    url = reverse("admin:cfp_proposal_change", args=[outbox_world.accepted.pk])
    body = page(client.get(url))
    assert f"{TOKYO} (Asia/Tokyo)" in body
    assert SERVER not in body
