"""Writes of email to groups: the drafts of one email to a group, and sending them.

group_email_create() stores the organizer's text (a GroupEmail) and one draft per recipient
in the outbox, in one transaction; the form's one-time token is the GroupEmail's unique key,
so the same form sent twice (a double click, the back button) finds the first one and writes
nothing more. group_email_send() hands the drafts to the outbox's batch send, whose progress
page follows them; drafts already in a batch stay in it, so sending twice sends once.
"""

from dataclasses import dataclass
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cfp.enums import MessageKind
from cfp.mail import groups, outbox
from cfp.models import Event, GroupEmail, Message, SendBatch
from cfp.services import ActionRefused
from speakers.models import User


@dataclass
class Written:
    group_email: GroupEmail
    created: bool  # False: the form had been sent before, and this is what it wrote then


def _ensure_organizer(event: Event, by: User) -> None:
    if not by.has_perm("cfp.organize_event", event):
        raise ActionRefused(
            _("Only the organizers of %(event)s write to its people.") % {"event": event.name}
        )


def _earlier(token: UUID, event: Event) -> GroupEmail | None:
    found = GroupEmail.objects.filter(token=token).first()
    if found is not None and found.event_id != event.pk:
        raise ActionRefused(_("This form was already used for another event."))
    return found


@transaction.atomic
def group_email_create(
    *,
    event: Event,
    selection: groups.Selection,
    subject: str,
    body: str,
    token: UUID,
    by: User,
) -> Written:
    """One draft per recipient of the group, each with its own values; the texts are valid
    for the group (the form checked their placeholders)."""
    _ensure_organizer(event, by)
    earlier = _earlier(token, event)
    if earlier is not None:
        return Written(earlier, created=False)
    if selection.group == groups.SELECTED:
        refusal = groups.selection_refusal(event, selection.proposal_ids)
        if refusal:
            raise ActionRefused(refusal)
    found = groups.recipients(event, selection, subject, body)
    if not found:
        raise ActionRefused(_("Nobody is in this group now; no email was written."))
    try:
        with transaction.atomic():  # a savepoint: a second request with the token loses here
            group_email = GroupEmail.objects.create(
                event=event,
                group=selection.group,
                recipients=groups.describe(selection)[:500],
                subject=subject,
                body=body,
                token=token,
                created_by=by,
            )
    except IntegrityError:
        return Written(_earlier(token, event), created=False)
    drafts = []
    for recipient in found:
        text_subject, text_body = groups.render(subject, body, recipient.values)
        drafts.append(
            Message(
                to=recipient.user.email,
                subject=text_subject,
                body=text_body,
                kind=MessageKind.GROUP,
                event=event,
                proposal=recipient.proposal,
                user=recipient.user,
                group_email=group_email,
            )
        )
    outbox.drafts_create(drafts)
    return Written(group_email, created=True)


def group_email_send(*, group_email: GroupEmail, by: User) -> SendBatch | None:
    """Send the email's waiting drafts as one batch; None when none is waiting."""
    _ensure_organizer(group_email.event, by)
    return outbox.batch_send(
        event=group_email.event, messages=Message.objects.filter(group_email=group_email), by=by
    )
