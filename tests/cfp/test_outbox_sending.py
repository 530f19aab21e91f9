"""Sending drafts: a batch, released by a task in chunks, delivered, retried, and its progress."""

import re
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import MessageKind, MessageState
from cfp.mail import outbox
from cfp.models import GroupEmail, Message, SendBatch
from tests.cfp.outbox_pages import action, changelist, decision_drafts, run, send_all_url, states
from tests.factories import ProposalFactory, UserFactory
from tests.helpers import input_value, list_rows, page

pytestmark = pytest.mark.django_db


def released_per_update(queries) -> list[int]:
    """How many messages each UPDATE that made drafts pending named, in the order they ran."""
    updates = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "cfp_message"') and "'pending'" in q["sql"]
    ]
    return [len(re.search(r'"id" IN \(([^)]*)\)', sql).group(1).split(",")) for sql in updates]


def test_send_all_drafts_of_an_event(
    client, outbox_world, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(outbox_world.organizer)
    confirmation = client.get(send_all_url(outbox_world.event))
    assert "Send <strong>3 emails</strong> of Kernel Summit" in page(confirmation)
    assert "Acceptance: 2" in page(confirmation) and "Rejection: 1" in page(confirmation)
    through = input_value(confirmation, "through")

    with django_capture_on_commit_callbacks() as batch_task:
        response = client.post(send_all_url(outbox_world.event), {"through": through})

    batch = SendBatch.objects.get()
    assert response.url == reverse("admin:cfp_sendbatch_progress", args=[batch.pk])
    assert (batch.event, batch.created_by, batch.total) == (
        outbox_world.event,
        outbox_world.organizer,
        3,
    )
    assert {m.batch_id for m in Message.objects.filter(event=outbox_world.event)} == {batch.pk}
    assert states(outbox_world.drafts) == [MessageState.DRAFT] * 3  # the task releases them
    assert states(outbox_world.other_drafts) == [MessageState.DRAFT]

    deliveries = run(batch_task, django_capture_on_commit_callbacks, execute=False)
    assert states(outbox_world.drafts) == [MessageState.PENDING] * 3
    run(deliveries, django_capture_on_commit_callbacks)

    received = smtp_server.wait_for(3, timeout=10)
    assert sorted(rcpt for rcpts, _ in received for rcpt in rcpts) == [
        "ada@kernel.test",
        "bob@kernel.test",
        "bob@kernel.test",
    ]
    subjects = sorted(message["Subject"].lstrip() for _, message in received)
    assert subjects[0] == "Accepted: Secret kernel talk (Kernel Summit)"
    assert states(outbox_world.drafts) == [MessageState.SENT] * 3
    figures = client.get(reverse("admin:cfp_sendbatch_progress_json", args=[batch.pk])).json()
    assert figures == {
        "total": 3,
        "sent": 3,
        "failed": 0,
        "discarded": 0,
        "unknown": 0,
        "waiting": 0,
        "done": True,
        "percent": 100,
    }


def test_send_all_sends_only_what_the_organizer_saw(
    client, outbox_world, django_capture_on_commit_callbacks
):
    client.force_login(outbox_world.organizer)
    through = input_value(client.get(send_all_url(outbox_world.event)), "through")
    (late,) = decision_drafts(
        ProposalFactory(event=outbox_world.event, speakers=[outbox_world.ada])
    )

    with django_capture_on_commit_callbacks():
        client.post(send_all_url(outbox_world.event), {"through": through})

    assert SendBatch.objects.get().total == 3
    assert Message.objects.get(pk=late.pk).batch_id is None


def test_send_a_selection(client, outbox_world, smtp_server, django_capture_on_commit_callbacks):
    chosen = outbox_world.drafts[:2]
    client.force_login(outbox_world.organizer)
    confirmation = client.post(changelist(), action("send_selected", chosen))
    assert "Send <strong>2 emails</strong> of Kernel Summit" in page(confirmation)
    assert SendBatch.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist(), action("send_selected", chosen, post="yes"))

    batch = SendBatch.objects.get()
    assert response.url == reverse("admin:cfp_sendbatch_progress", args=[batch.pk])
    assert batch.total == 2
    assert len(smtp_server.wait_for(2, timeout=10)) == 2
    assert states(outbox_world.drafts) == [MessageState.SENT, MessageState.SENT, MessageState.DRAFT]


def test_sending_twice_sends_once(client, outbox_world, django_capture_on_commit_callbacks):
    client.force_login(outbox_world.organizer)
    data = action("send_selected", outbox_world.drafts, post="yes")

    with django_capture_on_commit_callbacks():
        client.post(changelist(), data)
        client.post(changelist(), data)

    assert list(SendBatch.objects.values_list("total", flat=True)) == [3]


def test_a_selection_across_events_is_refused(client, outbox_world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        changelist(),
        action("send_selected", [outbox_world.drafts[0], outbox_world.other_drafts[0]], post="yes"),
        follow=True,
    )

    assert "Send the drafts of one event at a time." in page(response)
    assert SendBatch.objects.count() == 0


def test_a_batch_is_released_in_chunks(
    outbox_world, monkeypatch, django_capture_on_commit_callbacks
):
    from cfp.mail import tasks

    monkeypatch.setattr(outbox, "RELEASE_CHUNK", 2)  # a tunable without a setting
    with django_capture_on_commit_callbacks():
        batch = outbox.batch_send(
            event=outbox_world.event, messages=Message.objects.filter(event=outbox_world.event)
        )

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks():
        assert tasks.release_batch(batch.pk) == 3
        assert tasks.release_batch(batch_id=batch.pk) == 0  # a second run releases nothing

    # One UPDATE per chunk, each setting at most RELEASE_CHUNK drafts pending.
    assert released_per_update(queries) == [2, 1]
    assert states(outbox_world.drafts) == [MessageState.PENDING] * 3


def test_a_lost_batch_task_is_resumed_by_the_sweeper(
    outbox_world, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from cfp.mail import tasks

    with django_capture_on_commit_callbacks():  # the task never runs: Redis was down
        batch = outbox.batch_send(
            event=outbox_world.event, messages=Message.objects.filter(event=outbox_world.event)
        )
    SendBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    with django_capture_on_commit_callbacks():
        tasks.requeue_due_messages()

    assert states(outbox_world.drafts) == [MessageState.PENDING] * 3


def test_progress_page_and_endpoint_count_each_state(client, outbox_world):
    batch = SendBatch.objects.create(
        event=outbox_world.event, total=5, created_by=outbox_world.organizer
    )
    (extra,) = decision_drafts(
        ProposalFactory(event=outbox_world.event, speakers=[outbox_world.ada])
    )
    (unknown,) = decision_drafts(
        ProposalFactory(event=outbox_world.event, speakers=[outbox_world.bob])
    )
    for message, state in zip(
        [*outbox_world.drafts, extra, unknown],
        [
            MessageState.SENT,
            MessageState.FAILED,
            MessageState.PENDING,
            MessageState.DISCARDED,
            MessageState.UNKNOWN,
        ],
        strict=True,
    ):
        Message.objects.filter(pk=message.pk).update(
            batch=batch,
            state=state,
            last_error="550 5.1.1 No such user" if state == "failed" else "",
        )
    client.force_login(outbox_world.organizer)

    figures = client.get(reverse("admin:cfp_sendbatch_progress_json", args=[batch.pk])).json()
    body = page(client.get(reverse("admin:cfp_sendbatch_progress", args=[batch.pk])))

    assert figures == {
        "total": 5,
        "sent": 1,
        "failed": 1,
        "discarded": 1,
        "unknown": 1,  # finished: it waits for nothing unless an organizer sends it again
        "waiting": 1,
        "done": False,
        "percent": 80,
    }
    assert "Delivery unknown" in body
    assert "Sending 5 emails of Kernel Summit" in body
    assert "550 5.1.1 No such user" in body and "Retry 1 failed" in body
    assert "this page updates itself" in body
    assert 'data-url="' + reverse("admin:cfp_sendbatch_progress_json", args=[batch.pk]) in body


def test_failed_then_retried_then_sent(
    client, outbox_world, smtp_server, django_capture_on_commit_callbacks
):
    draft = outbox_world.drafts[0]
    smtp_server.refusals = ["550 5.1.1 No such user"]
    client.force_login(outbox_world.organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:cfp_message_send", args=[draft.pk]))

    draft.refresh_from_db()
    assert draft.state == MessageState.FAILED and "550" in draft.last_error
    progress = page(client.get(response.url))
    assert "No such user" in progress and "Done" in progress
    listed = page(client.get(changelist(), {"state__exact": MessageState.FAILED}))
    assert "No such user" in listed

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:cfp_message_retry", args=[draft.pk]))

    draft.refresh_from_db()
    assert (draft.state, draft.attempts, draft.last_error) == (MessageState.SENT, 2, "")
    assert [rcpts for rcpts, _ in smtp_server.wait_for(1, timeout=10)] == [["ada@kernel.test"]]


def test_retry_a_selection_and_a_batch(client, outbox_world, django_capture_on_commit_callbacks):
    batch = SendBatch.objects.create(event=outbox_world.event, total=3)
    Message.objects.filter(pk__in=[m.pk for m in outbox_world.drafts]).update(
        state=MessageState.FAILED, batch=batch, last_error="550"
    )
    client.force_login(outbox_world.organizer)

    with django_capture_on_commit_callbacks():
        client.post(changelist(), action("retry_selected", outbox_world.drafts[:1]))
    assert states(outbox_world.drafts) == [
        MessageState.PENDING,
        MessageState.FAILED,
        MessageState.FAILED,
    ]

    with django_capture_on_commit_callbacks():
        client.post(reverse("admin:cfp_sendbatch_retry", args=[batch.pk]))
    assert states(outbox_world.drafts) == [MessageState.PENDING] * 3


def test_batch_list_shows_figures(client, outbox_world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        batch = outbox.batch_send(
            event=outbox_world.event, messages=Message.objects.filter(event=outbox_world.event)
        )
    client.force_login(outbox_world.organizer)

    response = client.get(reverse("admin:cfp_sendbatch_changelist"))

    (row,) = list_rows(response)
    assert (row["pk"], row["total"], row["sent"], row["waiting"]) == (batch.pk, "3", "0", "3")


def test_send_batches_and_group_emails_count_their_messages_by_state(outbox_world):
    event = outbox_world.event
    batch = SendBatch.objects.create(event=event)
    written = GroupEmail.objects.create(
        event=event, group="speakers", recipients="Speakers", subject="S", body="B", token=uuid4()
    )
    # One of every state, and a second sent and two more drafts: no two figures alike.
    for state in [*MessageState, MessageState.SENT, MessageState.DRAFT, MessageState.DRAFT]:
        Message.objects.create(
            event=event, kind=MessageKind.GROUP, to="ada@kernel.test", subject="S", body="B",
            state=state, batch=batch, group_email=written,
        )  # fmt: skip
    SendBatch.objects.create(event=event)  # counts nothing of the others'

    for model in (SendBatch, GroupEmail):
        counted = model.objects.with_message_counts().order_by("pk")
        figures = "message_count", "draft_count", "waiting_count", "sent_count", "failed_count"
        assert [tuple(getattr(row, name) for name in figures) for row in counted] == (
            [(10, 3, 5, 2, 1), (0, 0, 0, 0, 0)] if model is SendBatch else [(10, 3, 5, 2, 1)]
        )
