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
    """The user's queue per event they review in: three queries (their teams with tracks,
    then per event the queue's counts and its first proposal left to review); one when
    `teams` are the user's teams as selectors.reviewer_teams reads them."""
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
        .filter(selectors.OPEN_FOR_REVIEW)
        .annotate(mine=mine)
        .order_by()
    )
    # One read of the queue, a row per event: its size, how many the reviewer has reviewed,
    # and the first proposal in the queue's order (titles A to Z, where "continue" starts)
    # among those left, which come first (a proposal without their review: no reviewer).
    # A separate read for that first one went over the whole queue a second time.
    event = {"partition_by": [F("event_id")]}
    in_order = {
        **event,
        "order_by": [
            F("mine__reviewer_id").asc(nulls_first=True),
            F("title").asc(),
            F("pk").asc(),
        ],
    }
    rows = (
        queue.annotate(
            total=Window(Count("pk"), **event),
            reviewed=Window(Count("mine__reviewer_id"), **event),
            first_id=Window(FirstValue("pk"), **in_order),
            first_title=Window(FirstValue("title"), **in_order),
            first_mine=Window(FirstValue("mine__reviewer_id"), **in_order),
        )
        .values_list("event_id", "total", "reviewed", "first_id", "first_title", "first_mine")
        .distinct()
    )
    for event_id, total, reviewed, pk, title, reviewed_first in rows:
        queue_of_event = queues[event_id]
        queue_of_event.total, queue_of_event.reviewed = total, reviewed
        if reviewed_first is None:  # else every proposal of the queue has their review
            queue_of_event.next_id, queue_of_event.next_title = pk, title
    return list(queues.values())
