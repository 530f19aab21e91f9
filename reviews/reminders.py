"""Review reminders: one email to each reviewer whose assigned reviews are not all done."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from cfp.enums import MessageKind, MessageState, ProposalState
from cfp.mail import emails, outbox, texts
from cfp.models import Event, Message, Proposal
from reviews import selectors
from reviews.models import Assignment, Conflict, Review, ReviewerTeam
from speakers.models import User

# A second click (or a second organizer) within this time reminds nobody twice.
REMIND_AGAIN_AFTER = timedelta(hours=1)


class RemindersRefused(Exception):
    """Reminding makes no sense now; the message says why."""


@dataclass
class Reminders:
    queued: list[Message] = field(default_factory=list)
    recently_reminded: list[User] = field(default_factory=list)


def unfinished_reviews(event: Event) -> list[tuple[User, int]]:
    """Reviewers of the event and how many of their assigned proposals wait for their review.

    Only submitted proposals count (decided and withdrawn ones need no more reviews), and
    never one the reviewer speaks on or declared a conflict with.
    """
    pair = {"proposal_id": OuterRef("proposal_id"), "reviewer_id": OuterRef("reviewer_id")}
    speaks = Proposal.speakers.through.objects.filter(
        proposal_id=OuterRef("proposal_id"), user_id=OuterRef("reviewer_id")
    )
    in_team = ReviewerTeam.members.through.objects.filter(
        reviewerteam__event=event, user_id=OuterRef("reviewer_id")
    )
    counts = dict(
        Assignment.objects.filter(
            Exists(in_team),
            proposal__event=event,
            proposal__state=ProposalState.SUBMITTED,
            reviewer__is_active=True,
        )
        .exclude(Exists(Review.objects.filter(**pair)))
        .exclude(Exists(Conflict.objects.filter(**pair)))
        .exclude(Exists(speaks))
        .order_by()
        .values("reviewer_id")
        .annotate(n=Count("pk"))
        .values_list("reviewer_id", "n")
    )
    reviewers = User.objects.filter(pk__in=counts).select_related("profile").order_by("email")
    return [(reviewer, counts[reviewer.pk]) for reviewer in reviewers]


def event_values(event: Event) -> dict[str, str]:
    """The values every reviewer's reminder of this event shares."""
    deadline = selectors.settings_for(event).deadline
    queue = reverse("admin:reviews_reviewqueueitem_changelist")
    filters = urlencode({"event__id__exact": event.pk, "reviewed": "no"})
    return {
        "event_name": event.name,
        "event_url": emails.absolute(event.get_absolute_url()),
        "review_url": emails.absolute(f"{queue}?{filters}"),
        "deadline": emails.when(deadline, event) if deadline else "no deadline",
    }


@transaction.atomic
def review_reminders_queue(event: Event, *, now=None) -> Reminders:
    """Queue one pending reminder per reviewer with unfinished reviews; they go out at once."""
    now = now or timezone.now()
    if not selectors.settings_for(event).is_open(now):
        raise RemindersRefused("The review deadline has passed: reviews are read-only now.")
    reminded = set(
        Message.objects.filter(
            event=event,
            kind=MessageKind.REVIEW_REMINDER,
            created_at__gte=now - REMIND_AGAIN_AFTER,
        )
        .exclude(state=MessageState.DISCARDED)
        .values_list("user_id", flat=True)
    )
    shared = event_values(event)
    result = Reminders()
    for reviewer, unreviewed in unfinished_reviews(event):
        if reviewer.pk in reminded:
            result.recently_reminded.append(reviewer)
            continue
        values = {
            **shared,
            "reviewer_name": reviewer.display_name,
            "unreviewed": str(unreviewed),
        }
        subject, body = texts.render(MessageKind.REVIEW_REMINDER, values, event)
        result.queued.append(
            outbox.message_queue(
                to=reviewer.email,
                subject=subject,
                body=body,
                kind=MessageKind.REVIEW_REMINDER,
                event=event,
                user=reviewer,
            )
        )
    return result
