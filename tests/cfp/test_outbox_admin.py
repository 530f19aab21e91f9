"""The outbox in the staff panel: drafts previewed, edited, discarded and sent in batches."""

from types import SimpleNamespace

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import MessageKind, MessageState
from cfp.mail import emails, outbox
from cfp.models import EmailTemplate, Message, SendBatch
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.helpers import is_staff_panel_refusal, page

pytestmark = pytest.mark.django_db

CONFIRM = {"confirm_url": "https://lectern.test/confirm/"}


def decision_drafts(proposal, kind=MessageKind.ACCEPTANCE) -> list[Message]:
    return emails.speaker_email_queue(proposal, kind, CONFIRM, draft=True)


@pytest.fixture
def world(db):
    """Kernel Summit with two accepted proposals' drafts; Other Summit beside it."""
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(name="Kernel Summit", organizers=[organizer])
    ada = SpeakerFactory(email="ada@kernel.test", profile__name="Ada Lovelace")
    bob = SpeakerFactory(email="bob@kernel.test", profile__name="Bob Builder")
    accepted = ProposalFactory(event=event, title="Secret kernel talk", speakers=[ada, bob])
    rejected = ProposalFactory(event=event, title="Another kernel talk", speakers=[bob])
    drafts = decision_drafts(accepted) + decision_drafts(rejected, MessageKind.REJECTION)
    reviewer = ReviewerFactory(email="rita@kernel.test")
    ReviewerTeamFactory(event=event, members=[reviewer])
    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    other_event = EventFactory(name="Other Summit", organizers=[other_organizer])
    other_speaker = SpeakerFactory(email="carol@other.test")
    other_proposal = ProposalFactory(
        event=other_event, title="Their talk", speakers=[other_speaker]
    )
    other_drafts = decision_drafts(other_proposal)
    account = outbox.message_queue(
        to="dave@account.test", subject="Confirm your email", body="Click", kind="account"
    )
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        ada=ada,
        bob=bob,
        accepted=accepted,
        drafts=drafts,
        reviewer=reviewer,
        speaker=ada,
        other_organizer=other_organizer,
        other_event=other_event,
        other_drafts=other_drafts,
        account=account,
    )


def states(messages) -> list[str]:
    return [Message.objects.get(pk=m.pk).state for m in messages]


def changelist() -> str:
    return reverse("admin:cfp_message_changelist")


def action(name, messages, **extra) -> dict:
    return {"action": name, ACTION_CHECKBOX_NAME: [m.pk for m in messages], **extra}


def send_all_url(event) -> str:
    return f"{reverse('admin:cfp_message_send_drafts')}?event={event.pk}"


def run(callbacks, capture, *, execute=True):
    """Run captured on-commit callbacks; what they register is captured (and run) in turn."""
    with capture(execute=execute) as more:
        for callback in callbacks:
            callback()
    return more


# --- the list -----------------------------------------------------------------------------


def test_outbox_lists_the_events_messages_with_their_figures(client, world):
    failed = world.drafts[0]
    Message.objects.filter(pk=failed.pk).update(
        state=MessageState.FAILED, attempts=1, last_error="SMTPDataError: (550, b'No such user')"
    )
    client.force_login(world.organizer)

    response = client.get(changelist())

    body = page(response)
    assert {m.pk for m in response.context["cl"].result_list} == {m.pk for m in world.drafts}
    assert "Outbox" in body
    assert "ada@kernel.test" in body and "Accepted: Secret kernel talk (Kernel Summit)" in body
    error = "SMTPDataError: (550, b&#x27;No such user&#x27;)"  # in full when pointed at
    assert f'<span title="{error}">550 No such user</span>' in body
    assert 'field-state_label">Draft<' in body and 'field-state_label">Failed<' in body
    assert "carol@other.test" not in body and "dave@account.test" not in body
    assert "Send 2 drafts of Kernel Summit…" in body  # three drafts; one has failed


def test_outbox_filters_by_state_and_kind_and_searches(client, world):
    client.force_login(world.organizer)

    def listed(**params):
        response = client.get(changelist(), params)
        return sorted(m.to for m in response.context["cl"].result_list)

    assert listed(kind__exact=MessageKind.REJECTION) == ["bob@kernel.test"]
    assert listed(state__exact=MessageState.SENT) == []
    assert listed(q="ada@") == ["ada@kernel.test"]
    assert listed(q="Another kernel") == ["bob@kernel.test"]


def test_superuser_sees_account_email_and_organizers_do_not(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "dave@account.test" in page(client.get(changelist()))
    url = reverse("admin:cfp_message_change", args=[world.account.pk])
    assert "Confirm your email" in page(client.get(url))

    client.force_login(world.organizer)
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert "Confirm your email" not in page(client.get(response.url))


@pytest.mark.parametrize("sizes", [(2, 12)])
def test_outbox_list_query_count_does_not_grow(client, sizes):
    counts = []
    for size in sizes:
        organizer = UserFactory(is_staff=True)
        events = [EventFactory(organizers=[organizer]) for _ in range(2)]
        for i in range(size):
            decision_drafts(ProposalFactory(event=events[i % 2]))
        client.force_login(organizer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(changelist())
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("sizes", [(1, 6)])
def test_batch_list_and_texts_query_counts_do_not_grow(client, sizes):
    counts = []
    for size in sizes:
        organizer = UserFactory(is_staff=True)
        events = [EventFactory(organizers=[organizer]) for _ in range(2)]
        for i in range(size):
            event = events[i % 2]
            decision_drafts(ProposalFactory(event=event))
            outbox.batch_send(event=event, messages=Message.objects.filter(event=event))
            EmailTemplate.objects.get_or_create(
                event=event, kind=MessageKind.REJECTION, defaults={"subject": "S", "body": "B"}
            )
        client.force_login(organizer)
        queries = []
        for url in (
            reverse("admin:cfp_sendbatch_changelist"),
            f"{reverse('admin:cfp_emailtemplate_changelist')}?event={events[0].pk}",
        ):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200
            queries.append(len(captured))
        assert (
            len(client.get(reverse("admin:cfp_sendbatch_changelist")).context["cl"].result_list)
            == size
        )
        counts.append(queries)
    assert counts[0] == counts[1], counts


# --- a draft: preview, edit, discard ------------------------------------------------------


def test_draft_page_previews_the_text_and_a_sandboxed_html_version(client, world):
    title = 'Kernels <script>alert("x")</script> & “quotes” – 東京 🚀'
    proposal = ProposalFactory(event=world.event, title=title, speakers=[world.ada])
    (draft,) = decision_drafts(proposal)
    client.force_login(world.organizer)

    body = page(client.get(reverse("admin:cfp_message_change", args=[draft.pk])))

    assert "Draft to ada@kernel.test" in body
    assert "Accepted: Kernels &lt;script&gt;" in body
    assert '<script>alert("x")' not in body  # neither in the text nor in the HTML preview
    assert 'sandbox=""' in body and "srcdoc=" in body
    assert "&amp;lt;script&amp;gt;" in body  # the HTML alternative escaped it; srcdoc again
    assert "東京 🚀" in body
    assert "Send this draft" in body and "Discard" in body


def test_organizer_edits_a_draft_and_the_html_follows(client, world):
    draft = world.drafts[0]
    client.force_login(world.organizer)

    response = client.post(
        reverse("admin:cfp_message_change", args=[draft.pk]),
        {"subject": "  Welcome   aboard, Ada ", "body": "Dear Ada,\r\n\r\nsee <you> in Köln!"},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == MessageState.DRAFT
    assert draft.subject == "Welcome aboard, Ada"
    assert draft.body == "Dear Ada,\n\nsee <you> in Köln!"
    assert draft.html == "<p>Dear Ada,</p>\n\n<p>see &lt;you&gt; in Köln!</p>"


def test_a_sent_message_cannot_be_edited(client, world):
    draft = world.drafts[0]
    Message.objects.filter(pk=draft.pk).update(state=MessageState.SENT)
    client.force_login(world.organizer)
    url = reverse("admin:cfp_message_change", args=[draft.pk])

    shown = page(client.get(url))
    response = client.post(url, {"subject": "Changed", "body": "Changed"})

    assert 'name="subject"' not in shown and "Send this draft" not in shown
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.subject.startswith("Accepted:")


def test_draft_form_refuses_once_the_draft_is_gone(client, world):
    draft = world.drafts[0]
    client.force_login(world.organizer)
    url = reverse("admin:cfp_message_change", args=[draft.pk])
    form = client.get(url).context["adminform"].form
    outbox.messages_discard(Message.objects.filter(pk=draft.pk))  # meanwhile, another organizer

    bound = form.__class__(
        {"subject": "Changed", "body": "Changed"}, instance=Message.objects.get(pk=draft.pk)
    )

    assert not bound.is_valid()
    assert "no longer a draft" in str(bound.errors)


def test_discard_one_draft(client, world):
    draft, kept = world.drafts[0], world.drafts[1]
    client.force_login(world.organizer)

    response = client.post(reverse("admin:cfp_message_discard", args=[draft.pk]))

    assert response.status_code == 302
    assert states([draft, kept]) == [MessageState.DISCARDED, MessageState.DRAFT]


def test_discard_a_selection(client, world):
    client.force_login(world.organizer)

    response = client.post(changelist(), action("discard_selected", world.drafts[:2]))

    assert response.status_code == 302
    assert states(world.drafts) == [
        MessageState.DISCARDED,
        MessageState.DISCARDED,
        MessageState.DRAFT,
    ]


def test_draft_page_links_to_the_next_draft(client, world):
    client.force_login(world.organizer)
    newest, middle, oldest = sorted(world.drafts, key=lambda m: (m.created_at, m.pk))[::-1]

    response = client.get(reverse("admin:cfp_message_change", args=[middle.pk]))

    assert response.context["previous_draft"] == newest.pk
    assert response.context["next_draft"] == oldest.pk


# --- delivery unknown: explained, sent again only on request -------------------------------


def test_unknown_delivery_is_listed_explained_and_sent_again_on_request(
    client, world, smtp_server, django_capture_on_commit_callbacks
):
    message = unknown_of(world)
    client.force_login(world.organizer)

    listing = page(client.get(changelist()))
    assert "The delivery of 1 email is unknown" in listing
    assert f'{changelist()}?state__exact=unknown"' in listing
    assert 'field-state_label">Delivery unknown<' in listing
    response = client.get(changelist(), {"state__exact": MessageState.UNKNOWN})
    assert [m.pk for m in response.context["cl"].result_list] == [message.pk]
    detail = page(client.get(reverse("admin:cfp_message_change", args=[message.pk])))
    assert "never confirmed it" in detail and "Lectern does not send it again by itself" in detail
    assert reverse("admin:cfp_message_send_again", args=[message.pk]) in detail

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:cfp_message_send_again", args=[message.pk]))

    assert response.url == reverse("admin:cfp_message_change", args=[message.pk])
    assert "will be sent again, with the same Message-ID" in page(client.get(response.url))
    (received,) = smtp_server.wait_for(1, timeout=5)
    assert received[1]["Message-ID"] == message.message_id
    assert states([message]) == [MessageState.SENT]
    assert "is unknown" not in page(client.get(changelist()))


def test_send_again_leaves_other_states_alone(client, world):
    client.force_login(world.organizer)

    response = client.post(reverse("admin:cfp_message_send_again", args=[world.drafts[0].pk]))
    client.post(changelist(), action("send_again_selected", world.drafts))

    assert "Only a message whose delivery is unknown" in page(client.get(response.url))
    assert states(world.drafts) == [MessageState.DRAFT] * 3


def test_another_events_unknown_delivery_is_not_counted(client, world):
    Message.objects.filter(pk=world.other_drafts[0].pk).update(state=MessageState.UNKNOWN)
    client.force_login(world.organizer)

    assert "is unknown" not in page(client.get(changelist()))


# --- sending: a batch, released by a task, delivered --------------------------------------


def test_send_all_drafts_of_an_event(
    client, world, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(world.organizer)
    confirmation = client.get(send_all_url(world.event))
    assert "Send <strong>3 emails</strong> of Kernel Summit" in page(confirmation)
    assert "Acceptance: 2" in page(confirmation) and "Rejection: 1" in page(confirmation)
    through = confirmation.context["hidden"]["through"]

    with django_capture_on_commit_callbacks() as batch_task:
        response = client.post(send_all_url(world.event), {"through": through})

    batch = SendBatch.objects.get()
    assert response.url == reverse("admin:cfp_sendbatch_progress", args=[batch.pk])
    assert (batch.event, batch.created_by, batch.total) == (world.event, world.organizer, 3)
    assert {m.batch_id for m in Message.objects.filter(event=world.event)} == {batch.pk}
    assert states(world.drafts) == [MessageState.DRAFT] * 3  # the task releases them
    assert states(world.other_drafts) == [MessageState.DRAFT]

    deliveries = run(batch_task, django_capture_on_commit_callbacks, execute=False)
    assert states(world.drafts) == [MessageState.PENDING] * 3
    run(deliveries, django_capture_on_commit_callbacks)

    received = smtp_server.wait_for(3, timeout=10)
    assert sorted(rcpt for rcpts, _ in received for rcpt in rcpts) == [
        "ada@kernel.test",
        "bob@kernel.test",
        "bob@kernel.test",
    ]
    subjects = sorted(message["Subject"].lstrip() for _, message in received)
    assert subjects[0] == "Accepted: Secret kernel talk (Kernel Summit)"
    assert states(world.drafts) == [MessageState.SENT] * 3
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
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.organizer)
    through = client.get(send_all_url(world.event)).context["hidden"]["through"]
    (late,) = decision_drafts(ProposalFactory(event=world.event, speakers=[world.ada]))

    with django_capture_on_commit_callbacks():
        client.post(send_all_url(world.event), {"through": through})

    assert SendBatch.objects.get().total == 3
    assert Message.objects.get(pk=late.pk).batch_id is None


def test_send_a_selection(client, world, smtp_server, django_capture_on_commit_callbacks):
    chosen = world.drafts[:2]
    client.force_login(world.organizer)
    confirmation = client.post(changelist(), action("send_selected", chosen))
    assert "Send <strong>2 emails</strong> of Kernel Summit" in page(confirmation)
    assert SendBatch.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist(), action("send_selected", chosen, post="yes"))

    batch = SendBatch.objects.get()
    assert response.url == reverse("admin:cfp_sendbatch_progress", args=[batch.pk])
    assert batch.total == 2
    assert len(smtp_server.wait_for(2, timeout=10)) == 2
    assert states(world.drafts) == [MessageState.SENT, MessageState.SENT, MessageState.DRAFT]


def test_sending_twice_sends_once(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.organizer)
    data = action("send_selected", world.drafts, post="yes")

    with django_capture_on_commit_callbacks():
        client.post(changelist(), data)
        client.post(changelist(), data)

    assert list(SendBatch.objects.values_list("total", flat=True)) == [3]


def test_a_selection_across_events_is_refused(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        changelist(),
        action("send_selected", [world.drafts[0], world.other_drafts[0]], post="yes"),
        follow=True,
    )

    assert "Send the drafts of one event at a time." in page(response)
    assert SendBatch.objects.count() == 0


def test_a_batch_is_released_in_chunks(world, monkeypatch, django_capture_on_commit_callbacks):
    from cfp.mail import tasks

    monkeypatch.setattr(outbox, "RELEASE_CHUNK", 2)
    calls = []
    release = outbox.messages_release
    monkeypatch.setattr(
        outbox, "messages_release", lambda qs: calls.append(qs.count()) or release(qs)
    )
    with django_capture_on_commit_callbacks():
        batch = outbox.batch_send(
            event=world.event, messages=Message.objects.filter(event=world.event)
        )

    with django_capture_on_commit_callbacks():
        assert tasks.release_batch(batch.pk) == 3
        assert tasks.release_batch(batch_id=batch.pk) == 0  # a second run releases nothing

    assert calls == [2, 1]
    assert states(world.drafts) == [MessageState.PENDING] * 3


def test_a_lost_batch_task_is_resumed_by_the_sweeper(world, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from cfp.mail import tasks

    with django_capture_on_commit_callbacks():  # the task never runs: Redis was down
        batch = outbox.batch_send(
            event=world.event, messages=Message.objects.filter(event=world.event)
        )
    SendBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    with django_capture_on_commit_callbacks():
        tasks.requeue_due_messages()

    assert states(world.drafts) == [MessageState.PENDING] * 3


def test_progress_page_and_endpoint_count_each_state(client, world):
    batch = SendBatch.objects.create(event=world.event, total=5, created_by=world.organizer)
    (extra,) = decision_drafts(ProposalFactory(event=world.event, speakers=[world.ada]))
    (unknown,) = decision_drafts(ProposalFactory(event=world.event, speakers=[world.bob]))
    for message, state in zip(
        [*world.drafts, extra, unknown],
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
    client.force_login(world.organizer)

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
    client, world, smtp_server, django_capture_on_commit_callbacks
):
    draft = world.drafts[0]
    smtp_server.refusals = ["550 5.1.1 No such user"]
    client.force_login(world.organizer)

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


def test_retry_a_selection_and_a_batch(client, world, django_capture_on_commit_callbacks):
    batch = SendBatch.objects.create(event=world.event, total=3)
    Message.objects.filter(pk__in=[m.pk for m in world.drafts]).update(
        state=MessageState.FAILED, batch=batch, last_error="550"
    )
    client.force_login(world.organizer)

    with django_capture_on_commit_callbacks():
        client.post(changelist(), action("retry_selected", world.drafts[:1]))
    assert states(world.drafts) == [MessageState.PENDING, MessageState.FAILED, MessageState.FAILED]

    with django_capture_on_commit_callbacks():
        client.post(reverse("admin:cfp_sendbatch_retry", args=[batch.pk]))
    assert states(world.drafts) == [MessageState.PENDING] * 3


def test_batch_list_shows_figures(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        batch = outbox.batch_send(
            event=world.event, messages=Message.objects.filter(event=world.event)
        )
    client.force_login(world.organizer)

    response = client.get(reverse("admin:cfp_sendbatch_changelist"))

    row = response.context["cl"].result_list[0]
    assert (row.pk, row.total, row.sent_count, row.waiting_count) == (batch.pk, 3, 0, 3)


# --- who gets in --------------------------------------------------------------------------


def batch_of(world) -> SendBatch:
    batch = SendBatch.objects.create(event=world.event, total=1, created_by=world.organizer)
    Message.objects.filter(pk=world.drafts[2].pk).update(
        batch=batch, state=MessageState.FAILED, last_error="Secret failure"
    )
    return batch


def unknown_of(world) -> Message:
    """A message the server took but never confirmed."""
    message = world.drafts[2]
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.UNKNOWN, last_error="DeliveryUnknown: Secret failure"
    )
    return message


def template_of(world) -> EmailTemplate:
    return EmailTemplate.objects.create(
        event=world.event, kind=MessageKind.REJECTION, subject="Secret subject", body="Hi"
    )


PAGES = {
    "outbox list": lambda w: ("get", changelist(), None),
    "draft page": lambda w: (
        "get",
        reverse("admin:cfp_message_change", args=[w.drafts[0].pk]),
        None,
    ),
    "draft edit": lambda w: (
        "post",
        reverse("admin:cfp_message_change", args=[w.drafts[0].pk]),
        {"subject": "Hijacked", "body": "Hijacked"},
    ),
    "send one": lambda w: ("post", reverse("admin:cfp_message_send", args=[w.drafts[0].pk]), {}),
    "discard one": lambda w: (
        "post",
        reverse("admin:cfp_message_discard", args=[w.drafts[0].pk]),
        {},
    ),
    "retry one": lambda w: (
        "post",
        reverse("admin:cfp_message_retry", args=[batch_of(w) and w.drafts[2].pk]),
        {},
    ),
    "unknown page": lambda w: (
        "get",
        reverse("admin:cfp_message_change", args=[unknown_of(w).pk]),
        None,
    ),
    "send again one": lambda w: (
        "post",
        reverse("admin:cfp_message_send_again", args=[unknown_of(w).pk]),
        {},
    ),
    "send again selection": lambda w: (
        "post",
        changelist(),
        action("send_again_selected", [unknown_of(w)]),
    ),
    "send all confirmation": lambda w: ("get", send_all_url(w.event), None),
    "send all": lambda w: ("post", send_all_url(w.event), {"through": 10**6}),
    "send selection": lambda w: (
        "post",
        changelist(),
        action("send_selected", w.drafts, post="yes"),
    ),
    "discard selection": lambda w: ("post", changelist(), action("discard_selected", w.drafts)),
    "retry selection": lambda w: (
        "post",
        changelist(),
        action("retry_selected", [batch_of(w) and w.drafts[2]]),
    ),
    "batch list": lambda w: (
        "get",
        batch_of(w) and reverse("admin:cfp_sendbatch_changelist"),
        None,
    ),
    "batch progress": lambda w: (
        "get",
        reverse("admin:cfp_sendbatch_progress", args=[batch_of(w).pk]),
        None,
    ),
    "batch figures": lambda w: (
        "get",
        reverse("admin:cfp_sendbatch_progress_json", args=[batch_of(w).pk]),
        None,
    ),
    "batch retry": lambda w: (
        "post",
        reverse("admin:cfp_sendbatch_retry", args=[batch_of(w).pk]),
        {},
    ),
    "texts": lambda w: (
        "get",
        f"{reverse('admin:cfp_emailtemplate_changelist')}?event={w.event.pk}",
        None,
    ),
    "text page": lambda w: (
        "get",
        reverse("admin:cfp_emailtemplate_change", args=[template_of(w).pk]),
        None,
    ),
    "text add": lambda w: (
        "post",
        reverse("admin:cfp_emailtemplate_add"),
        {"event": w.event.pk, "kind": "acceptance", "subject": "Hijacked", "body": "Hi"},
    ),
    "text edit": lambda w: (
        "post",
        reverse("admin:cfp_emailtemplate_change", args=[template_of(w).pk]),
        {"subject": "Hijacked", "body": "Hijacked"},
    ),
    "text reset": lambda w: (
        "post",
        reverse("admin:cfp_emailtemplate_delete", args=[template_of(w).pk]),
        {"post": "yes"},
    ),
}

# What the event's organizer finds on each page, or in the database after each action.
ALLOWED = {
    "outbox list": lambda w, r: "Secret kernel talk" in page(r),
    "draft page": lambda w, r: "Secret kernel talk" in page(r),
    "draft edit": lambda w, r: Message.objects.get(pk=w.drafts[0].pk).subject == "Hijacked",
    "send one": lambda w, r: Message.objects.get(pk=w.drafts[0].pk).batch_id is not None,
    "discard one": lambda w, r: states(w.drafts[:1]) == [MessageState.DISCARDED],
    "retry one": lambda w, r: states(w.drafts[2:]) == [MessageState.PENDING],
    "unknown page": lambda w, r: "Secret failure" in page(r) and "Send again" in page(r),
    "send again one": lambda w, r: states(w.drafts[2:]) == [MessageState.PENDING],
    "send again selection": lambda w, r: states(w.drafts[2:]) == [MessageState.PENDING],
    "send all confirmation": lambda w, r: "Secret kernel talk" in page(r),
    "send all": lambda w, r: SendBatch.objects.get().total == 3,
    "send selection": lambda w, r: SendBatch.objects.get().total == 3,
    "discard selection": lambda w, r: states(w.drafts) == [MessageState.DISCARDED] * 3,
    "retry selection": lambda w, r: states(w.drafts[2:]) == [MessageState.PENDING],
    "batch list": lambda w, r: "Kernel Summit" in page(r),
    "batch progress": lambda w, r: "Secret failure" in page(r),
    "batch figures": lambda w, r: r.json()["failed"] == 1,
    "batch retry": lambda w, r: states(w.drafts[2:]) == [MessageState.PENDING],
    "texts": lambda w, r: "Kernel Summit" in page(r) and "Review reminder" in page(r),
    "text page": lambda w, r: "Secret subject" in page(r),
    "text add": lambda w, r: EmailTemplate.objects.filter(subject="Hijacked").exists(),
    "text edit": lambda w, r: EmailTemplate.objects.filter(subject="Hijacked").exists(),
    "text reset": lambda w, r: not EmailTemplate.objects.exists(),
}

ROLES = {
    "anonymous": lambda w: None,
    "speaker": lambda w: w.speaker,
    "reviewer of this event": lambda w: w.reviewer,
    "organizer of another event": lambda w: w.other_organizer,
}

SECRETS = ("Secret kernel talk", "ada@kernel.test", "Secret failure", "Secret subject")


def snapshot():
    return (
        sorted(Message.objects.values_list("pk", "state", "subject", "batch_id")),
        sorted(SendBatch.objects.values_list("pk", "total")),
        sorted(EmailTemplate.objects.values_list("pk", "subject")),
    )


def request(client, method, url, data):
    return getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)


@pytest.mark.parametrize("name", PAGES)
def test_organizer_of_the_event_uses_every_page(
    client, world, name, django_capture_on_commit_callbacks
):
    method, url, data = PAGES[name](world)
    client.force_login(world.organizer)

    with django_capture_on_commit_callbacks():
        response = request(client, method, url, data)

    expected = 302 if method == "post" else 200
    assert response.status_code == expected, page(response)[:3000]
    assert ALLOWED[name](world, response)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_nobody_else_gets_in(client, world, name, role, django_capture_on_commit_callbacks):
    method, url, data = PAGES[name](world)
    user = ROLES[role](world)
    if user is not None:
        client.force_login(user)
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = request(client, method, url, data)

    assert snapshot() == before, "an action went through"
    if role == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response.url
        return
    if role == "speaker":
        assert is_staff_panel_refusal(response)
        return
    body = page(response)
    if response.status_code == 302:
        # "Does not exist" for them, or their own (empty) list: nothing of the event.
        body = page(client.get(response.url))
    elif role == "organizer of another event" and response.status_code == 200:
        assert "Kernel Summit" not in body  # their own list, or a form that refused ours
    else:
        assert response.status_code in (403, 404), response.status_code
    for secret in SECRETS:
        assert secret not in body
