from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cfp.enums import WAITING_STATES, MessageKind, MessageState
from cfp.models.event import Event


class EmailTemplate(models.Model):
    """An event's own text for one kind of email; without one, Lectern's default is used."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="email_templates")
    kind = models.CharField(max_length=40, choices=MessageKind.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField(max_length=20000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="emailtemplate_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.event})"


class MessageCountsQuerySet(models.QuerySet):
    """Rows that own outbox messages (send batches, emails to groups), for the staff lists
    that show how many of each row's messages are where."""

    def with_message_counts(self) -> "MessageCountsQuerySet":
        """Each row's messages counted by state, in the query that reads the rows (a page of
        the list costs one query, however many messages it holds): message_count, and
        draft_count, waiting_count (drafts, pending and sending), sent_count, failed_count."""

        def in_states(*states):
            return models.Count("messages", filter=models.Q(messages__state__in=states))

        return self.annotate(
            message_count=models.Count("messages"),
            draft_count=in_states(MessageState.DRAFT),
            waiting_count=in_states(*WAITING_STATES),
            sent_count=in_states(MessageState.SENT),
            failed_count=in_states(MessageState.FAILED),
        )


class SendBatch(models.Model):
    """Messages an organizer sent together; its progress is how many of them are out."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="send_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    total = models.PositiveIntegerField(default=0)

    objects = MessageCountsQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "send batch"
        verbose_name_plural = "send batches"

    def __str__(self) -> str:
        return f"Batch {self.pk} of {self.event} ({self.total} messages)"


class GroupEmail(models.Model):
    """An organizer's email to a group of an event's people (cfp.mail.groups): written once,
    stored as one draft per recipient, sent as a batch. The form's one-time token makes a
    second submit of the same form find this row instead of writing the drafts again."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="group_emails")
    group = models.CharField(_("group"), max_length=40)
    recipients = models.CharField(_("recipients"), max_length=500)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), max_length=20000)
    token = models.UUIDField(unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    objects = MessageCountsQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("email to a group")
        verbose_name_plural = _("emails to groups")

    def __str__(self) -> str:
        return self.subject
