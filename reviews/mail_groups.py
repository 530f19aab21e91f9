"""The reviewers' group for email to groups (cfp.mail.groups): reviewers with unfinished reviews.

cfp never imports reviews; this module registers the group with cfp when the app is ready
(reviews.apps). Its members are those reviews.reminders reminds (a reviewer of one of the
event's teams with an assigned, submitted proposal they have neither reviewed, nor speak on,
nor declared a conflict with), read in one query. Their texts know reviewer placeholders
only: a reviewer's email names no proposal and no speaker.
"""

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _lazy

from cfp.enums import ProposalState
from cfp.mail import groups, texts
from cfp.models import Event, Proposal
from reviews import reminders
from reviews.models import Assignment, Conflict, Review, ReviewerTeam
from speakers.models import User

REVIEWERS = "reviewers"
REVIEWER_PLACEHOLDERS = frozenset(
    texts.COMMON | {"reviewer_name", "unreviewed", "review_url", "deadline"}
)


def unfinished_reviewers(event: Event, selection: groups.Selection, per_proposal: bool):
    """The event's reviewers with assigned proposals still to review, and how many: one query."""
    pair = {"proposal_id": OuterRef("proposal_id"), "reviewer_id": OuterRef("reviewer_id")}
    speaks = Proposal.speakers.through.objects.filter(
        proposal_id=OuterRef("proposal_id"), user_id=OuterRef("reviewer_id")
    )
    waiting = (
        Assignment.objects.filter(
            reviewer_id=OuterRef("pk"),
            proposal__event=event,
            proposal__state=ProposalState.SUBMITTED,
        )
        .exclude(Exists(Review.objects.filter(**pair)))
        .exclude(Exists(Conflict.objects.filter(**pair)))
        .exclude(Exists(speaks))
        .order_by()
        .values("reviewer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    in_team = ReviewerTeam.members.through.objects.filter(
        reviewerteam__event=event, user_id=OuterRef("pk")
    )
    reviewers = (
        User.objects.filter(Exists(in_team), is_active=True)
        .annotate(unreviewed=Coalesce(Subquery(waiting, output_field=IntegerField()), 0))
        .filter(unreviewed__gt=0)
        .select_related("profile")
        .order_by("email")
    )
    found = list(reviewers)
    shared = reminders.event_values(event) if found else {}
    return [
        groups.Recipient(
            reviewer,
            None,
            {
                **shared,
                "reviewer_name": reviewer.display_name,
                "unreviewed": str(reviewer.unreviewed),
            },
        )
        for reviewer in found
    ]


def register() -> None:
    groups.register(
        groups.Group(
            REVIEWERS,
            _lazy("Reviewers with unfinished reviews"),
            REVIEWER_PLACEHOLDERS,
            unfinished_reviewers,
            40,
        )
    )
