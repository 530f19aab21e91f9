"""The staff pages of email to groups: write, preview per recipient, create drafts, send; who
may; what is refused; the proposal list's action; the same queries at two sizes."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.models import GroupEmail, Message, SendBatch
from tests.cfp.group_world import drafts_count, form_data, group_messages, make_world, write_url
from tests.factories import ProposalFactory, SpeakerFactory, UserFactory
from tests.helpers import is_staff_panel_refusal, list_rows, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_world(db):
    return make_world()


UNCONFIRMED = {
    "group": "unconfirmed",
    "subject": "Please confirm “{proposal_title}”",
    "body": "Hello {speaker_name},\n\nplease confirm: {confirm_url}\n",
}


def post(client, world, **data):
    return client.post(write_url(world.event), form_data(**data))


def preview_of(body: str) -> str:
    match = re.search(r'<pre class="lectern-mail-text">(.*?)</pre>', body, re.S)
    return match[1] if match else ""


# --- who may ---------------------------------------------------------------------------------


def test_organizer_sees_the_groups_of_their_event(client, group_world):
    client.force_login(group_world.organizer)

    body = page(client.get(write_url(group_world.event)))

    assert "Write to a group of Kernel Summit" in body
    for label in (
        "Speakers of proposals",
        "Speakers who have not confirmed their accepted talk",
        "Speakers of confirmed talks without slides",
        "Reviewers with unfinished reviews",
    ):
        assert label in body
    assert "Developer" in body and "keynote" in body  # the filters of this event
    assert "Other Summit" not in body
    assert 'name="token"' in body


def test_the_named_url_is_the_write_page():
    assert reverse("admin:cfp_groupemail_write") == "/admin/cfp/groupemail/write/"


def test_anonymous_is_sent_to_log_in(client, group_world):
    response = client.get(write_url(group_world.event))

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_reviewer_never_reaches_the_pages(client, group_world):
    client.force_login(group_world.rita)

    assert client.get(write_url(group_world.event)).status_code == 403
    assert post(client, group_world, create="1").status_code == 403
    assert GroupEmail.objects.count() == 0 and drafts_count() == 0


def test_a_speaker_gets_the_staff_panel_refusal(client, group_world):
    client.force_login(group_world.ada)

    assert is_staff_panel_refusal(client.get(write_url(group_world.event)))


def test_another_events_organizer_gets_404_and_writes_nothing(client, group_world):
    client.force_login(group_world.other_organizer)

    assert client.get(write_url(group_world.event)).status_code == 404
    assert post(client, group_world, create="1").status_code == 404
    assert GroupEmail.objects.count() == 0 and drafts_count() == 0


def test_another_events_organizer_cannot_open_or_send_an_email(client, group_world):
    client.force_login(group_world.organizer)
    post(client, group_world, create="1", **UNCONFIRMED)
    written = GroupEmail.objects.get()
    client.force_login(group_world.other_organizer)

    shown = client.get(reverse("admin:cfp_groupemail_change", args=[written.pk]))
    sent = client.post(reverse("admin:cfp_groupemail_send", args=[written.pk]))
    listed = list_rows(client.get(reverse("admin:cfp_groupemail_changelist")))

    assert shown.status_code == 404 and sent.status_code == 404
    assert listed == []
    assert SendBatch.objects.count() == 0 and drafts_count() == 3


# --- preview, create, send -------------------------------------------------------------------


def test_preview_shows_the_email_of_the_recipient_picked_and_writes_nothing(client, group_world):
    client.force_login(group_world.organizer)
    bob_key = f"{group_world.bob.pk}-{group_world.rust.pk}"

    first = page(post(client, group_world, preview="1", **UNCONFIRMED))
    picked = page(post(client, group_world, preview="1", recipient=bob_key, **UNCONFIRMED))

    assert "3 emails to 2 people: one per speaker and proposal." in first
    assert "Ada Lovelace &lt;ada@kernel.test&gt; · Kernels in Rust" in first
    assert "Hello Ada Lovelace," in preview_of(first)
    assert "Hello Bob Builder," in preview_of(picked)
    assert group_world.rust.get_absolute_url() in preview_of(picked)
    assert "<strong>To:</strong> bob@kernel.test" in picked
    assert 'value="Create 3 drafts"' in picked
    assert "carl@kernel.test" not in first  # his acceptance is still a draft
    assert GroupEmail.objects.count() == 0 and drafts_count() == 0


def test_without_proposal_placeholders_each_person_gets_one_email(client, group_world):
    client.force_login(group_world.organizer)

    body = page(post(client, group_world, preview="1", group="unconfirmed"))

    assert "2 emails, one per person." in body
    assert "Hello Ada Lovelace," in preview_of(body)


def test_create_writes_drafts_visible_in_the_outbox(client, group_world):
    client.force_login(group_world.organizer)

    response = post(client, group_world, create="1", **UNCONFIRMED)

    written = GroupEmail.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:cfp_groupemail_change", args=[written.pk])
    assert group_messages(state=MessageState.DRAFT) == [
        ("ada@kernel.test", "Please confirm “Kernels in Rust”"),
        ("ada@kernel.test", "Please confirm “eBPF for all”"),
        ("bob@kernel.test", "Please confirm “Kernels in Rust”"),
    ]
    assert written.recipients == "Speakers who have not confirmed their accepted talk"
    assert written.created_by == group_world.organizer
    shown = page(client.get(response["Location"]))
    assert 'value="Send 3 emails"' in shown and "draft: 3" in shown
    outbox = client.get(reverse("admin:cfp_message_changelist"), {"group_email": written.pk})
    rows = list_rows(outbox)
    assert sorted(r["recipient"] for r in rows) == [
        "ada@kernel.test",
        "ada@kernel.test",
        "bob@kernel.test",
    ]
    assert {r["state_label"] for r in rows} == {"Draft"}
    assert "Email to a group" in rows[0]["subject_line"]


def test_a_double_submit_writes_the_drafts_once(client, group_world):
    client.force_login(group_world.organizer)
    data = form_data(create="1", **UNCONFIRMED)

    first = client.post(write_url(group_world.event), data)
    second = client.post(write_url(group_world.event), data, follow=True)

    assert first.status_code == 302
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "already been sent: its drafts were written then, not again" in page(second)
    assert GroupEmail.objects.count() == 1 and drafts_count() == 3


def test_send_starts_a_batch_and_its_progress_page(
    client, group_world, django_capture_on_commit_callbacks
):
    client.force_login(group_world.organizer)
    post(client, group_world, create="1", group="no_slides")
    written = GroupEmail.objects.get()
    send = reverse("admin:cfp_groupemail_send", args=[written.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send)
    again = client.post(send, follow=True)

    batch = SendBatch.objects.get()
    assert response["Location"] == reverse("admin:cfp_sendbatch_progress", args=[batch.pk])
    assert batch.total == 1 and batch.created_by == group_world.organizer
    assert [m.to for m in mail.outbox] == [["dora@kernel.test"]]
    assert "No draft of this email waits to be sent; nothing was sent." in page(again)
    assert SendBatch.objects.count() == 1
    assert client.get(send).status_code == 405  # a GET sends nothing


# --- what is refused -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subject", "", "This field is required."),
        ("body", "   ", "This field is required."),
        ("subject", "x" * 301, "at most 300 characters (it has 301)"),
        ("body", "x" * 20001, "at most 20000 characters"),
        ("subject", "Hi {speaker}", "Unknown placeholder: {speaker}. You can use:"),
        ("body", "Hello {speaker_name", "A brace { or } stands alone"),
        ("body", "Hello\x07 there", "invisible control characters"),
    ],
)
def test_bad_texts_are_refused_with_a_message_and_nothing_saved(
    client, group_world, field, value, message
):
    client.force_login(group_world.organizer)

    response = post(client, group_world, create="1", **{field: value})

    assert response.status_code == 200
    assert message in page(response)
    assert GroupEmail.objects.count() == 0 and drafts_count() == 0


def test_reviewer_texts_know_no_proposal_or_speaker_placeholders(client, group_world):
    client.force_login(group_world.organizer)

    for text in ("{proposal_title}", "{speaker_name}", "{speakers}"):
        response = post(client, group_world, create="1", group="reviewers", body=text)
        assert "Unknown placeholder" in page(response), text
    response = post(
        client,
        group_world,
        create="1",
        group="reviewers",
        subject="{unreviewed} to review",
        body="Hello {reviewer_name}: {review_url}",
    )

    assert response.status_code == 302
    assert group_messages() == [("rita@kernel.test", "1 to review")]


def test_an_empty_group_offers_nothing_to_create(client, group_world):
    client.force_login(group_world.organizer)

    body = page(post(client, group_world, preview="1", state=ProposalState.WITHDRAWN))
    created = post(client, group_world, create="1", state=ProposalState.WITHDRAWN)

    assert "Nobody is in this group now" in body and "Create" not in preview_of(body)
    assert "Nobody is in this group now; no email was written." in page(created)
    assert GroupEmail.objects.count() == 0


def test_the_selection_field_cannot_bring_in_another_events_proposal(client, group_world):
    client.force_login(group_world.organizer)
    ids = f"{group_world.rust.pk},{group_world.other_talk.pk}"

    response = post(client, group_world, create="1", group="selected", proposals=ids)

    assert "The selection holds proposals of another event" in page(response)
    assert GroupEmail.objects.count() == 0 and drafts_count() == 0


# --- the proposal list's action --------------------------------------------------------------


def act(client, proposals, follow=False):
    return client.post(
        reverse("admin:cfp_proposal_changelist"),
        {"action": "write_to_speakers", ACTION_CHECKBOX_NAME: [p.pk for p in proposals]},
        follow=follow,
    )


def test_the_action_opens_the_write_page_for_the_selection(client, group_world):
    client.force_login(group_world.organizer)

    body = page(act(client, [group_world.rust, group_world.bare]))

    assert "The speakers of the 2 selected proposals:" in body
    assert "<li>Kernels in Rust</li>" in body and "<li>Slides missing</li>" in body
    assert f'action="{write_url(group_world.event)}"' in body
    ids = sorted([group_world.rust.pk, group_world.bare.pk])
    assert f'name="proposals" value="{ids[0]},{ids[1]}"' in body
    assert "Reviewers with unfinished reviews" not in body

    created = post(
        client, group_world, create="1", group="selected", proposals=f"{ids[0]},{ids[1]}"
    )

    assert created.status_code == 302
    assert [to for to, _ in group_messages()] == [
        "ada@kernel.test",
        "bob@kernel.test",
        "dora@kernel.test",
    ]


def test_the_action_refuses_another_events_proposal(client, group_world):
    client.force_login(group_world.organizer)

    response = act(client, [group_world.rust, group_world.other_talk], follow=True)

    assert "Some of the selected proposals are not in your list" in page(response)
    assert "The speakers of the" not in page(response)


def test_the_action_refuses_two_events_at_once(client, group_world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = act(client, [group_world.rust, group_world.other_talk], follow=True)

    assert "Write to the proposals of one event at a time." in page(response)


def test_the_action_never_writes_to_a_draft(client, group_world):
    """Organizers do not see drafts: a draft's id posted with the list's action is not in the
    list, and the action refuses the selection rather than trim it."""
    client.force_login(group_world.organizer)

    body = page(act(client, [group_world.rust, group_world.draft], follow=True))

    assert "Some of the selected proposals are not in your list" in body
    assert "The speakers of the" not in body and "Frank" not in body


def test_a_reviewer_cannot_use_the_action(client, group_world):
    client.force_login(group_world.rita)

    response = act(client, [group_world.rust])

    assert response.status_code == 403
    assert "The speakers of the" not in page(response)


# --- queries ---------------------------------------------------------------------------------


def add_accepted(event, count):
    for _ in range(count):
        ProposalFactory(
            event=event,
            state=ProposalState.ACCEPTED,
            speakers=[SpeakerFactory(), SpeakerFactory()],
        )


def count_queries(client, url, data) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("body", ["{speaker_name}", "{proposal_title} {speakers}"])
def test_the_preview_makes_the_same_queries_at_two_sizes(client, group_world, body):
    client.force_login(group_world.organizer)
    url = write_url(group_world.event)
    data = form_data(preview="1", group="unconfirmed", body=body)

    add_accepted(group_world.event, 2)
    small = count_queries(client, url, data)
    add_accepted(group_world.event, 40)
    large = count_queries(client, url, data)

    assert small == large
    assert f"{2 * 42 + 2} " in page(client.post(url, data))  # every speaker is in it


def test_creating_drafts_makes_the_same_queries_at_two_sizes(client, group_world):
    client.force_login(group_world.organizer)
    url = write_url(group_world.event)
    add_accepted(group_world.event, 2)

    def create() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, form_data(create="1", group="unconfirmed"))
        assert response.status_code == 302
        return len(queries)

    small = create()
    add_accepted(group_world.event, 40)
    large = create()

    assert small == large
    assert Message.objects.filter(kind=MessageKind.GROUP).count() == (2 + 4) + (2 + 84)


def test_the_list_of_emails_counts_each_ones_messages_by_state(client, group_world):
    client.force_login(group_world.organizer)
    post(client, group_world, create="1", **UNCONFIRMED)
    written = GroupEmail.objects.get()
    first = written.messages.order_by("pk").first()
    Message.objects.filter(pk=first.pk).update(state=MessageState.SENT)

    rows = list_rows(client.get(reverse("admin:cfp_groupemail_changelist")))

    assert [(r["emails"], r["waiting"], r["sent"]) for r in rows] == [("3", "2", "1")]


def test_the_list_of_emails_makes_the_same_queries_at_two_sizes(client, group_world):
    client.force_login(group_world.organizer)
    url = reverse("admin:cfp_groupemail_changelist")

    def listed(more: int) -> tuple[int, int]:
        for _ in range(more):
            post(client, group_world, create="1", **UNCONFIRMED)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(list_rows(response))

    small, small_rows = listed(1)
    large, large_rows = listed(5)

    assert (small_rows, large_rows) == (1, 6)
    assert small == large
