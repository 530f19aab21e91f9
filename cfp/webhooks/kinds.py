"""What a webhook can tell, and the states of one delivery. Kept apart from the rest of
cfp.webhooks: the models import it, and everything else imports the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookKind(models.TextChoices):
    """The events an endpoint subscribes to; the value is the payload's "type"."""

    PROPOSAL_SUBMITTED = "proposal.submitted", _("Proposal submitted")
    PROPOSAL_WITHDRAWN = "proposal.withdrawn", _("Proposal withdrawn")
    PROPOSAL_STATE_CHANGED = "proposal.state_changed", _("Proposal state changed")
    REVIEW_SAVED = "review.saved", _("Review saved")
    SCHEDULE_PUBLISHED = "schedule.published", _("Schedule published")
    TALK_MOVED = "talk.moved", _("Talk moved")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
