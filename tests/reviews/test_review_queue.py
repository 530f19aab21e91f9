"""A reviewer's queue: its columns, progress line, filters, search, modes and query counts."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.enums import QueueMode
from reviews.models import Assignment
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    TrackFactory,
)
from tests.helpers import list_rows, page
from tests.reviews.helpers import give_review
from tests.reviews.reviewer_pages import (
    QUEUE_URL,
    progress_text,
    queue_titles,
    review_url,
    score_data,
    set_review_settings,
    submitted_for,
)

pytestmark = pytest.mark.django_db


def test_queue_lists_columns_and_dash_for_missing_score(client, review_event, reviewer):
    track = TrackFactory(event=review_event, name="Tooling")
    mine = submitted_for(review_event, "Scored by me", reviewer, track=track)
    submitted_for(review_event, "Not yet scored", reviewer)
    other = ReviewerFactory()
    ReviewerTeamFactory(event=review_event, members=[other])
    give_review(mine, reviewer, 4)
    give_review(mine, other, 2)
    client.force_login(reviewer)

    response = client.get(QUEUE_URL)

    body = page(response)
    rows = re.findall(r"<tr>.*?</tr>", body, flags=re.S)
    scored = next(r for r in rows if "Scored by me" in r)
    unscored = next(r for r in rows if "Not yet scored" in r)
    for header in (
        "Title",
        "Event",
        "Type",
        "Track",
        "Level",
        "Your score",
        "Reviews",
    ):
        assert header in body
    assert "Review Summit" in scored and "Tooling" in scored and "Intermediate" in scored
    assert '<td class="field-your_score">4</td>' in scored
    assert '<td class="field-review_total">2</td>' in scored
    assert '<td class="field-your_score">–</td>' in unscored
    assert '<td class="field-review_total">0</td>' in unscored
    assert '<td class="field-track nowrap">–</td>' in unscored
    assert "None" not in body


def test_queue_leaves_out_drafts_and_withdrawn(client, review_event, reviewer):
    submitted_for(review_event, "Ready", reviewer)
    draft = ProposalFactory(event=review_event, title="Still a draft")
    withdrawn = submitted_for(review_event, "Pulled back", reviewer)
    withdrawn.withdraw(by=withdrawn.speakers.get())
    Assignment.objects.create(proposal=draft, reviewer=reviewer)
    client.force_login(reviewer)

    assert queue_titles(client.get(QUEUE_URL)) == ["Ready"]
    assert client.get(review_url(draft)).status_code == 404
    assert client.get(review_url(withdrawn)).status_code == 404


def test_progress_line_counts_reviews(client, review_event, reviewer):
    proposals = [submitted_for(review_event, f"Talk {n}", reviewer) for n in range(3)]
    client.force_login(reviewer)

    before = progress_text(client.get(QUEUE_URL))
    client.post(review_url(proposals[1]), score_data(review_event, 3))
    after = progress_text(client.get(QUEUE_URL))

    assert (before, after) == ("0 of 3 reviewed", "1 of 3 reviewed")


def test_progress_line_follows_the_event_filter(client, review_event, reviewer):
    second = EventFactory(name="Second Summit")
    ReviewerTeamFactory(event=second, members=[reviewer])
    reviewed = submitted_for(review_event, "Here 1", reviewer)
    submitted_for(review_event, "Here 2", reviewer)
    submitted_for(second, "There 1", reviewer)
    give_review(reviewed, reviewer, 5)
    client.force_login(reviewer)

    overall_line = client.get(QUEUE_URL)
    filtered = client.get(QUEUE_URL, {"event__id__exact": second.pk})
    filtered_here = client.get(QUEUE_URL, {"event__id__exact": review_event.pk})

    assert progress_text(overall_line) == "1 of 3 reviewed"
    assert progress_text(filtered) == "0 of 1 reviewed"
    assert "0 of 1 reviewed</strong> in Second Summit" in page(filtered)
    assert progress_text(filtered_here) == "1 of 2 reviewed"


def test_reviewed_filter(client, review_event, reviewer):
    done = submitted_for(review_event, "Done", reviewer)
    submitted_for(review_event, "To do", reviewer)
    give_review(done, reviewer, 3)
    client.force_login(reviewer)

    assert queue_titles(client.get(QUEUE_URL, {"reviewed": "yes"})) == ["Done"]
    assert queue_titles(client.get(QUEUE_URL, {"reviewed": "no"})) == ["To do"]
    assert queue_titles(client.get(QUEUE_URL)) == ["Done", "To do"]


def test_track_and_type_filters_offer_only_what_is_in_the_queue(client, review_event, reviewer):
    mine = TrackFactory(event=review_event, name="Kernel")
    TrackFactory(event=review_event, name="Marketing")  # nothing of it in the queue
    TrackFactory(event=EventFactory(), name="Someone else's track")
    submitted_for(review_event, "In Kernel", reviewer, track=mine)
    submitted_for(review_event, "Without a track", reviewer)
    client.force_login(reviewer)

    response = client.get(QUEUE_URL)
    filtered = client.get(QUEUE_URL, {"track__id__exact": mine.pk})

    body = page(response)
    assert "Kernel" in body
    assert "Marketing" not in body
    assert "Someone else" not in body
    assert queue_titles(filtered) == ["In Kernel"]


def test_search_matches_title_and_abstract_not_speakers(client, review_event, reviewer):
    speaker = SpeakerFactory(profile__name="Hieronymus Bosch", email="hb@garden.example")
    submitted_for(
        review_event,
        "Painting delights",
        reviewer,
        speakers=[speaker],
        abstract="The speaker explains triptychs.",
    )
    client.force_login(reviewer)

    assert queue_titles(client.get(QUEUE_URL, {"q": "delights"})) == ["Painting delights"]
    assert queue_titles(client.get(QUEUE_URL, {"q": "triptych"})) == ["Painting delights"]
    assert queue_titles(client.get(QUEUE_URL, {"q": "Hieronymus"})) == []
    assert queue_titles(client.get(QUEUE_URL, {"q": "garden.example"})) == []


@pytest.mark.parametrize(
    "params",
    [
        {"notes__icontains": "secret"},
        {"speakers": "1"},
        {"speakers__email__icontains": "example"},
        {"abstract__icontains": "x"},
        {"reviews__reviewer": "1"},
    ],
)
def test_queue_refuses_filters_it_does_not_offer(client, reviewer, talk, params):
    client.force_login(reviewer)

    response = client.get(QUEUE_URL, params)

    assert response.status_code == 400
    assert talk.title not in page(response)


def test_queue_mode_assigned_vs_tracks(client, review_event, reviewer):
    team_track = TrackFactory(event=review_event, name="Team track")
    other_track = TrackFactory(event=review_event, name="Other track")
    reviewer.review_teams.get().tracks.add(team_track)
    submitted_for(review_event, "Assigned elsewhere", reviewer, track=other_track)
    in_track = submitted_for(review_event, "In the team track", track=team_track)
    outside = submitted_for(review_event, "Outside the team track", track=other_track)
    client.force_login(reviewer)

    assigned_only = queue_titles(client.get(QUEUE_URL))
    set_review_settings(review_event, queue=QueueMode.TRACKS)
    by_tracks = queue_titles(client.get(QUEUE_URL))

    assert assigned_only == ["Assigned elsewhere"]
    assert by_tracks == ["Assigned elsewhere", "In the team track"]
    assert client.get(review_url(in_track)).status_code == 200
    assert client.get(review_url(outside)).status_code == 404


def test_queue_mode_tracks_without_team_tracks_covers_the_event(client, review_event, reviewer):
    set_review_settings(review_event, queue=QueueMode.TRACKS)
    submitted_for(review_event, "Anything goes")
    submitted_for(EventFactory(), "Not this event")
    client.force_login(reviewer)

    assert queue_titles(client.get(QUEUE_URL)) == ["Anything goes"]


def _track_reads(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(QUEUE_URL).status_code == 200
    return sum(
        'FROM "cfp_track" INNER JOIN "reviews_reviewerteam_tracks"' in q["sql"]
        for q in ctx.captured_queries
    )


def test_queue_reads_team_tracks_only_when_the_queue_follows_tracks(client, review_event, reviewer):
    for n in range(3):  # more teams, each with a track: still one read of the tracks
        team = ReviewerTeamFactory(event=review_event, members=[reviewer])
        team.tracks.add(TrackFactory(event=review_event, name=f"Track {n}"))
    client.force_login(reviewer)

    assigned = _track_reads(client)
    set_review_settings(review_event, queue=QueueMode.TRACKS)
    by_tracks = _track_reads(client)

    assert (assigned, by_tracks) == (0, 1)


def test_queue_query_count_does_not_grow(client, review_event, reviewer):
    tracks = [TrackFactory(event=review_event) for _ in range(3)]
    other = ReviewerFactory()
    ReviewerTeamFactory(event=review_event, members=[other])
    client.force_login(reviewer)
    counts = []
    made = 0
    for size in (10, 200):
        for n in range(made, size):
            proposal = submitted_for(review_event, f"Talk {n:03}", reviewer, track=tracks[n % 3])
            if n % 2:
                give_review(proposal, reviewer, 1 + n % 5)
                give_review(proposal, other, 3)
        made = size
        for cached in (False, True):  # the filters' choices are kept for a minute
            if not cached:
                cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(QUEUE_URL)
            assert response.status_code == 200
            assert f"{size // 2} of {size} reviewed" in page(response)
            counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    assert counts[1] < counts[0], counts


def test_review_page_query_count_does_not_grow_with_reviews_and_speakers(
    client, review_event, reviewer
):
    others = [ReviewerFactory() for _ in range(8)]
    ReviewerTeamFactory(event=review_event, members=others)
    client.force_login(reviewer)
    counts = []
    for size in (1, 8):
        speakers = [SpeakerFactory() for _ in range(size)]
        proposal = submitted_for(review_event, f"With {size}", reviewer, speakers=speakers)
        give_review(proposal, reviewer, 4)  # scored: the others' reviews show
        for other in others[:size]:
            give_review(proposal, other, 2, comment=f"Remark №{other.pk}")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(review_url(proposal))
        assert response.status_code == 200
        assert page(response).count("Remark №") == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_queue_sorted_by_review_count_lists_each_proposal_once(client):
    from cfp.models import Proposal
    from reviews.models import Assignment
    from tests.factories import EventFactory, ProposalFactory, ReviewerFactory, ReviewerTeamFactory
    from tests.reviews.helpers import give_review

    event = EventFactory()
    me, others = ReviewerFactory(), [ReviewerFactory() for _ in range(3)]
    ReviewerTeamFactory(event=event, members=[me, *others])
    proposal = ProposalFactory(event=event, title="Much reviewed")
    proposal.submit(by=proposal.speakers.get())
    for other in others:
        give_review(proposal, other, 3)
    Assignment.objects.create(proposal=proposal, reviewer=me)
    client.force_login(me)

    for order in ("6", "-6"):  # the "Reviews" column
        response = client.get("/admin/reviews/reviewqueueitem/", {"o": order})
        assert [row["pk"] for row in list_rows(response)] == [proposal.pk]
    assert Proposal.objects.count() == 1
