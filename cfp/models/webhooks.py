"""Webhooks: an organizer's endpoints per event, and each delivery to them.

A delivery row is written in the same transaction as the change it tells of (cfp.webhooks),
and delivered by the shared durable mechanism (cfp.delivery), as the email outbox's messages
are: at least once, with a stable delivery id by which a receiver drops a duplicate.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cfp.models.event import Event
from cfp.webhooks.kinds import DeliveryState, WebhookKind


def new_secret() -> str:
    """The signing key of an endpoint: 256 random bits, generated here and never chosen."""
    return f"whsec_{secrets.token_urlsafe(32)}"


class WebhookEndpoint(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_(
            "Where Lectern POSTs each event, e.g. https://example.org/hooks/lectern. "
            "It must be https and reach the public internet."
        ),
    )
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    kinds = models.JSONField(_("events to send"), default=list, blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive endpoint is sent nothing.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [
            # What webhook_queue reads with every change: the event's active endpoints.
            models.Index(fields=["event", "active"], name="webhookendpoint_event_active"),
        ]

    def __str__(self) -> str:
        return self.url

    def kind_labels(self) -> list[str]:
        labels = dict(WebhookKind.choices)
        return [str(labels[kind]) for kind in self.kinds if kind in labels]


class WebhookDelivery(models.Model):
    """One POST of one event to one endpoint: the body exactly as sent, and its outcome."""

    delivery_id = models.UUIDField(
        _("delivery id"), default=uuid.uuid4, unique=True, editable=False
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="webhook_deliveries")
    kind = models.CharField(_("event type"), max_length=40, choices=WebhookKind.choices)
    body = models.TextField(_("body as sent"))
    state = models.CharField(
        _("state"), max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response_excerpt = models.TextField(_("response"), blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    queued_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # The recent deliveries of one endpoint, and of one event, newest first.
            models.Index(
                fields=["endpoint", "-created_at", "-id"], name="webhookdelivery_endpoint_new"
            ),
            models.Index(fields=["event", "-created_at", "-id"], name="webhookdelivery_event_new"),
            # The sweeper: pending rows that are due, and old claims.
            models.Index(fields=["state", "next_attempt_at"], name="webhookdelivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.delivery_id}"
