"""The outbox list in the staff panel: its rows, filters, query counts, and messages whose
delivery is unknown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import MessageKind, MessageState
from cfp.mail import outbox
from cfp.models import EmailTemplate, Message
from tests.cfp.outbox_pages import action, changelist, decision_drafts, states, unknown_of
from tests.factories import EventFactory, ProposalFactory, UserFactory
from tests.helpers import list_rows, page

pytestmark = pytest.mark.django_db


def test_outbox_lists_the_events_messages_with_their_figures(client, outbox_world):
    failed = outbox_world.drafts[0]
    Message.objects.filter(pk=failed.pk).update(
        state=MessageState.FAILED, attempts=1, last_error="SMTPDataError: (550, b'No such user')"
    )
    client.force_login(outbox_world.organizer)

    response = client.get(changelist())

    body = page(response)
    assert {row["pk"] for row in list_rows(response)} == {m.pk for m in outbox_world.drafts}
    assert "Outbox" in body
    assert "ada@kernel.test" in body and "Accepted: Secret kernel talk (Kernel Summit)" in body
    error = "SMTPDataError: (550, b&#x27;No such user&#x27;)"  # in full when pointed at
    assert f'<span title="{error}">550 No such user</span>' in body
    assert 'field-state_label">Draft<' in body and 'field-state_label">Failed<' in body
    assert "carol@other.test" not in body and "dave@account.test" not in body
    assert "Send 2 drafts of Kernel Summit…" in body  # three drafts; one has failed


def test_outbox_filters_by_state_and_kind_and_searches(client, outbox_world):
    client.force_login(outbox_world.organizer)

    def listed(**params):
        response = client.get(changelist(), params)
        return sorted(row["recipient"] for row in list_rows(response))

    assert listed(kind__exact=MessageKind.REJECTION) == ["bob@kernel.test"]
    assert listed(state__exact=MessageState.SENT) == []
    assert listed(q="ada@") == ["ada@kernel.test"]
    assert listed(q="Another kernel") == ["bob@kernel.test"]


def test_superuser_sees_account_email_and_organizers_do_not(client, outbox_world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "dave@account.test" in page(client.get(changelist()))
    url = reverse("admin:cfp_message_change", args=[outbox_world.account.pk])
    assert "Confirm your email" in page(client.get(url))

    client.force_login(outbox_world.organizer)
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
        assert len(list_rows(response)) == size
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
        assert len(list_rows(client.get(reverse("admin:cfp_sendbatch_changelist")))) == size
        counts.append(queries)
    assert counts[0] == counts[1], counts


def test_unknown_delivery_is_listed_explained_and_sent_again_on_request(
    client, outbox_world, smtp_server, django_capture_on_commit_callbacks
):
    message = unknown_of(outbox_world)
    client.force_login(outbox_world.organizer)

    listing = page(client.get(changelist()))
    assert "The delivery of 1 email is unknown" in listing
    assert f'{changelist()}?state__exact=unknown"' in listing
    assert 'field-state_label">Delivery unknown<' in listing
    response = client.get(changelist(), {"state__exact": MessageState.UNKNOWN})
    assert [row["pk"] for row in list_rows(response)] == [message.pk]
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


def test_send_again_leaves_other_states_alone(client, outbox_world):
    client.force_login(outbox_world.organizer)

    response = client.post(
        reverse("admin:cfp_message_send_again", args=[outbox_world.drafts[0].pk])
    )
    client.post(changelist(), action("send_again_selected", outbox_world.drafts))

    assert "Only a message whose delivery is unknown" in page(client.get(response.url))
    assert states(outbox_world.drafts) == [MessageState.DRAFT] * 3


def test_another_events_unknown_delivery_is_not_counted(client, outbox_world):
    Message.objects.filter(pk=outbox_world.other_drafts[0].pk).update(state=MessageState.UNKNOWN)
    client.force_login(outbox_world.organizer)

    assert "is unknown" not in page(client.get(changelist()))
