"""Who gets into the outbox pages of the staff panel, and what the others never see."""

import pytest
from django.urls import reverse

from cfp.enums import MessageKind, MessageState
from cfp.models import EmailTemplate, Message, SendBatch
from tests.cfp.outbox_pages import action, changelist, send_all_url, states, unknown_of
from tests.helpers import is_staff_panel_refusal, page

pytestmark = pytest.mark.django_db


def batch_of(outbox_world) -> SendBatch:
    batch = SendBatch.objects.create(
        event=outbox_world.event, total=1, created_by=outbox_world.organizer
    )
    Message.objects.filter(pk=outbox_world.drafts[2].pk).update(
        batch=batch, state=MessageState.FAILED, last_error="Secret failure"
    )
    return batch


def template_of(outbox_world) -> EmailTemplate:
    return EmailTemplate.objects.create(
        event=outbox_world.event, kind=MessageKind.REJECTION, subject="Secret subject", body="Hi"
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
    client, outbox_world, name, django_capture_on_commit_callbacks
):
    method, url, data = PAGES[name](outbox_world)
    client.force_login(outbox_world.organizer)

    with django_capture_on_commit_callbacks():
        response = request(client, method, url, data)

    expected = 302 if method == "post" else 200
    assert response.status_code == expected, page(response)[:3000]
    assert ALLOWED[name](outbox_world, response)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_nobody_else_gets_in(client, outbox_world, name, role, django_capture_on_commit_callbacks):
    method, url, data = PAGES[name](outbox_world)
    user = ROLES[role](outbox_world)
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
