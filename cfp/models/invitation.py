from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from cfp.enums import InvitationState
from cfp.models.proposal import Proposal


def generate_token() -> str:
    return get_random_string(40)


def default_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=InvitationState.PENDING)


class Invitation(models.Model):
    """An invitation to join a proposal as a co-speaker, usable only by the invited address."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("email address")
    token = models.CharField(max_length=64, unique=True, default=generate_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(
        max_length=20, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=default_expiry)
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "proposal",
                Lower("email"),
                condition=models.Q(state=InvitationState.PENDING),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.proposal.code}"

    def get_absolute_url(self) -> str:
        return reverse("cfp:invitation", kwargs={"token": self.token})

    def is_for(self, user) -> bool:
        """Whether the user's address is the invited one (case does not matter)."""
        return user.is_authenticated and user.email.lower() == self.email.lower()

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def display_state(self) -> str:
        if self.state == InvitationState.PENDING and self.is_expired():
            return "Expired"
        return self.get_state_display()
