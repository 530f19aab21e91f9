from django.conf import settings
from django.db import models
from django.utils import timezone

from cfp.enums import MessageKind
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


class SendBatch(models.Model):
    """Messages an organizer sent together; its progress is how many of them are out."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="send_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "send batch"
        verbose_name_plural = "send batches"

    def __str__(self) -> str:
        return f"Batch {self.pk} of {self.event} ({self.total} messages)"
