"""What the reviews tests share: a review saved through the service, proposals, addresses and
query counts."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cfp.enums import ProposalState
from reviews import scores, selectors, services
from reviews.models import Assignment, Review, Score
from tests.factories import ProposalFactory, SpeakerFactory, SubmissionTypeFactory, TrackFactory


def give_review(proposal, reviewer, value, **extra):
    """Assign the proposal to the reviewer and save their review through the service."""
    Assignment.objects.get_or_create(proposal=proposal, reviewer=reviewer)
    criteria = selectors.criteria_for(proposal.event)
    values = {c.pk: value for c in criteria} if isinstance(value, int) else value
    return services.review_save(proposal=proposal, reviewer=reviewer, values=values, **extra)


def submitted(event, title, **kwargs):
    proposal = ProposalFactory(event=event, title=title, **kwargs)
    proposal.submit(by=proposal.speakers.first())
    return proposal


def with_event(url, event):
    return f"{url}?event={event.pk}"


def add_reviewed_proposals(event, reviewers, count):
    """`count` more submitted proposals, each reviewed by every reviewer (bulk, for speed)."""
    speaker = SpeakerFactory()
    kind, track = SubmissionTypeFactory(event=event), TrackFactory(event=event)
    proposals = ProposalFactory.create_batch(
        count,
        event=event,
        submission_type=kind,
        track=track,
        speakers=[speaker],
        state=ProposalState.SUBMITTED,
    )
    criterion = selectors.criteria_for(event)[0]
    Assignment.objects.bulk_create(
        Assignment(proposal=p, reviewer=r) for p in proposals for r in reviewers
    )
    reviews = Review.objects.bulk_create(
        Review(proposal=p, reviewer=r, score=float(1 + (i + j) % 5))
        for i, p in enumerate(proposals)
        for j, r in enumerate(reviewers)
    )
    Score.objects.bulk_create(
        Score(review=r, criterion=criterion, value=int(r.score)) for r in reviews
    )
    scores.scores_refresh(event)  # bulk inserts bypass the review service


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response
