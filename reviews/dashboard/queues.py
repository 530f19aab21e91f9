"""A reviewer's queues: per event they review in, how much is left and what comes next."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Q,
    Window,
)
from django.db.models.functions import FirstValue
from django.utils import timezone

from cfp.enums import SETTLED_STATES
from cfp.models import Event
from reviews import selectors
from reviews.models import ReviewerTeam
from speakers.models import User


@dataclass
class Queue:
    """A reviewer's queue in one event: no speaker in it, so blind review holds."""

    event: Event
    total: int = 0
    reviewed: int = 0
    deadline: datetime | None = None
    is_open: bool = True
    next_id: int | None = None
    next_title: str = ""

    @property
    def left(self) -> int:
        return max(self.total - self.reviewed, 0)

    @property
    def percent_done(self) -> int | None:
        return min(100, round(100 * self.reviewed / self.total)) if self.total else None


def reviewer_queues(user: User, teams: list[ReviewerTeam] | None = None) -> list[Queue]:
    """The user's queue per event they review in: four queries (their teams with tracks,
    the counts per event, the first unreviewed proposal per event in the queue's order);
    two when `teams` are the user's teams as selectors.reviewer_teams reads them."""
    if teams is None:
        teams = selectors.reviewer_teams(user)
    if not teams:
        return []
    now = timezone.now()
    queues: dict[int, Queue] = {}
    for team in teams:
        if team.event_id in queues:
            continue
        review_settings = getattr(team.event, "review_settings", None)
        deadline = review_settings.deadline if review_settings else None
        queues[team.event_id] = Queue(
            team.event, deadline=deadline, is_open=deadline is None or now < deadline
        )
    mine = FilteredRelation("reviews", condition=Q(reviews__reviewer_id=user.pk))
    # Decided proposals are read-only for review: neither counted nor offered (as the queue).
    queue = (
        selectors.reviewable_proposals(user, teams=teams)
        .exclude(state__in=SETTLED_STATES)
        .annotate(mine=mine)
        .order_by()
    )
    counts = queue.values("event_id").annotate(
        total=Count("pk"), reviewed=Count("mine__reviewer_id")
    )
    for row in counts.values_list("event_id", "total", "reviewed"):
        queues[row[0]].total, queues[row[0]].reviewed = row[1], row[2]
    # The reviewer's list starts with titles A to Z: "continue" opens the first one left.
    in_order = {"partition_by": [F("event_id")], "order_by": [F("title").asc(), F("pk").asc()]}
    first = (
        queue.filter(mine__reviewer_id__isnull=True)
        .annotate(
            first_id=Window(FirstValue("pk"), **in_order),
            first_title=Window(FirstValue("title"), **in_order),
        )
        .values_list("event_id", "first_id", "first_title")
        .distinct()
    )
    for event_id, pk, title in first:
        queues[event_id].next_id, queues[event_id].next_title = pk, title
    return list(queues.values())
