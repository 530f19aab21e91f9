from django.conf import settings
from django.db import models
from django.utils import timezone

from cfp.enums import MessageKind, MessageState
from cfp.models.event import Event
from cfp.models.proposal import Proposal


class MessageQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=MessageState.PENDING)

    def drafts(self):
        return self.filter(state=MessageState.DRAFT)


class Message(models.Model):
    """One email to one address, stored before it is sent: the durable outbox.

    A message is written in the same transaction as the change that causes it; a Celery
    task delivers it after the commit and marks it sent with a conditional update.
    """

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    kind = models.CharField(max_length=40, choices=MessageKind.choices)
    batch = models.ForeignKey(
        "cfp.SendBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    group_email = models.ForeignKey(
        "cfp.GroupEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    to = models.EmailField("to", max_length=254)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html = models.TextField(blank=True)
    state = models.CharField(
        max_length=20, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    queued_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "message"
        verbose_name_plural = "outbox messages"
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            # The outbox list of one event, newest first (its order), read a page at a time.
            models.Index(fields=["event", "-created_at", "-id"], name="message_event_newest"),
            models.Index(fields=["proposal", "kind", "state"]),
        ]
        constraints = [
            # Each speaker of a talk is reminded of its slides once (cfp.slides): the record.
            models.UniqueConstraint(
                fields=["proposal", "user"],
                condition=models.Q(kind=MessageKind.SLIDES_REMINDER),
                name="message_one_slides_reminder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    @property
    def message_id(self) -> str:
        """A stable Message-ID, so that a resend after a crash can be recognised downstream."""
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "lectern"
        return f"<lectern-outbox-{self.pk}@{domain}>"
