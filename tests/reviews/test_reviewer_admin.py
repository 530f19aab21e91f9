"""The reviewer's side of the staff panel: the queue, the review page, skipping, conflicts."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cfp.enums import ProposalState
from reviews import selectors, services
from reviews.enums import ConflictSource, QueueMode
from reviews.models import Assignment, Conflict, Criterion, Review, Score
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import is_staff_panel_refusal, list_rows, list_titles, page
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:reviews_reviewqueueitem_changelist")


# --- helpers ----------------------------------------------------------------------------


def review_url(proposal) -> str:
    return reverse("admin:reviews_reviewqueueitem_change", args=[proposal.pk])


def conflict_url(proposal) -> str:
    return reverse("admin:reviews_reviewqueueitem_conflict", args=[proposal.pk])


def submitted(event, title: str, reviewer=None, **kwargs):
    """A submitted proposal, assigned to the reviewer if one is given."""
    proposal = ProposalFactory(event=event, title=title, state=ProposalState.SUBMITTED, **kwargs)
    if reviewer is not None:
        Assignment.objects.create(proposal=proposal, reviewer=reviewer)
    return proposal


def overall(event) -> Criterion:
    return selectors.criteria_for(event)[0]


def score_data(event, value, **extra) -> dict:
    data = {f"score_{c.pk}": value for c in selectors.criteria_for(event)}
    data.update(extra)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def progress_text(response) -> str:
    match = re.search(r"<strong>(\d+ of \d+ reviewed)</strong>", page(response))
    assert match, "no progress line on the page"
    return match.group(1)


def queue_titles(response) -> list[str]:
    return list_titles(response)


def set_review_settings(event, **fields):
    review_settings = selectors.settings_for(event)
    for name, value in fields.items():
        setattr(review_settings, name, value)
    review_settings.save()
    return review_settings


@pytest.fixture
def talk(review_event, reviewer):
    return submitted(review_event, "Reproducible builds for everyone", reviewer)


# --- the permission matrix --------------------------------------------------------------

ROLES = [
    "anonymous",
    "speaker",
    "reviewer_here",
    "reviewer_elsewhere",
    "organizer_here",
    "organizer_elsewhere",
]


def log_in_as(client, role: str, event, talk):
    """Log in as someone in the given role towards `talk` of `event`; None for anonymous."""
    if role == "anonymous":
        return None
    if role == "speaker":
        user = talk.speakers.get()
    elif role == "reviewer_here":
        user = talk.review_assignments.get().reviewer
    elif role == "reviewer_elsewhere":
        user = ReviewerFactory()
        elsewhere = EventFactory(name="Elsewhere Con")
        ReviewerTeamFactory(event=elsewhere, members=[user])
        submitted(elsewhere, "Their own queue item", user)
    elif role == "organizer_here":
        user = UserFactory(is_staff=True)
        event.organizers.add(user)
    else:
        user = UserFactory(is_staff=True)
        EventFactory(organizers=[user])
    client.force_login(user)
    return user


def perform(client, action: str, talk):
    if action == "queue":
        return client.get(QUEUE_URL)
    if action == "review_get":
        return client.get(review_url(talk))
    if action == "review_post":
        return client.post(review_url(talk), score_data(talk.event, 4, comment="Solid."))
    if action == "skip":
        return client.post(review_url(talk), {"_skip": "Skip"})
    if action == "conflict_get":
        return client.get(conflict_url(talk))
    if action == "conflict_post":
        return client.post(conflict_url(talk), {"reason": "We work together."})
    raise AssertionError(action)


ACTIONS = ["queue", "review_get", "review_post", "skip", "conflict_get", "conflict_post"]
# What each role gets for each action; "ok" is the reviewer's happy path.
EXPECTED = {
    "anonymous": dict.fromkeys(ACTIONS, "login"),
    "speaker": dict.fromkeys(ACTIONS, "no staff access"),
    "reviewer_here": dict.fromkeys(ACTIONS, "ok"),
    "reviewer_elsewhere": {**dict.fromkeys(ACTIONS, 404), "queue": "own queue"},
    "organizer_here": dict.fromkeys(ACTIONS, 403),
    "organizer_elsewhere": dict.fromkeys(ACTIONS, 403),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, review_event, talk, role, action):
    log_in_as(client, role, review_event, talk)

    response = perform(client, action, talk)

    expected = EXPECTED[role][action]
    body = page(response)
    if expected == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    elif expected == "no staff access":
        assert is_staff_panel_refusal(response)
    elif expected in (403, 404):
        assert response.status_code == expected
        # An error page, not the proposal: no title, no abstract.
        assert talk.title not in body
        assert talk.abstract not in body
    elif expected == "own queue":
        assert response.status_code == 200
        assert queue_titles(response) == ["Their own queue item"]
        assert talk.title not in body
    elif action in ("queue", "review_get", "conflict_get"):
        assert response.status_code == 200
        assert talk.title in body
    else:
        # Saving stays on the page; skipping and declaring go back to the (then empty) queue.
        assert response.status_code == 302
        assert response.url == (review_url(talk) if action == "review_post" else QUEUE_URL)
    saved = Review.objects.filter(proposal=talk).exists()
    conflicted = Conflict.objects.filter(proposal=talk).exists()
    assert saved == (expected == "ok" and action == "review_post")
    assert conflicted == (expected == "ok" and action == "conflict_post")


def test_reviewer_sees_the_queue_on_the_index_and_organizers_do_not(client, review_event, talk):
    organizer = UserFactory(is_staff=True)
    review_event.organizers.add(organizer)
    reviewer = talk.review_assignments.get().reviewer

    client.force_login(reviewer)
    reviewer_index = page(client.get(reverse("admin:index")))
    client.force_login(organizer)
    organizer_index = page(client.get(reverse("admin:index")))

    assert "Proposals to review" in reviewer_index
    assert QUEUE_URL in reviewer_index
    assert "Proposals to review" not in organizer_index


def test_organizer_who_also_reviews_sees_the_queue(client, review_event, reviewer, talk):
    review_event.organizers.add(reviewer)
    client.force_login(reviewer)

    response = client.get(QUEUE_URL)

    assert queue_titles(response) == [talk.title]


def test_reviewers_cannot_add_delete_or_see_history(client, reviewer, talk):
    client.force_login(reviewer)
    opts = "admin:reviews_reviewqueueitem"

    add = client.get(reverse(f"{opts}_add"))
    delete = client.post(reverse(f"{opts}_delete", args=[talk.pk]), {"post": "yes"})
    history = client.get(reverse(f"{opts}_history", args=[talk.pk]))

    assert add.status_code == 403
    assert delete.status_code == 403
    assert history.status_code == 404
    assert talk.title not in page(history)
    talk.refresh_from_db()  # still there
    assert 'name="action"' not in page(client.get(QUEUE_URL))  # no bulk actions at all


# --- the queue --------------------------------------------------------------------------


def test_queue_lists_columns_and_dash_for_missing_score(client, review_event, reviewer):
    track = TrackFactory(event=review_event, name="Tooling")
    mine = submitted(review_event, "Scored by me", reviewer, track=track)
    submitted(review_event, "Not yet scored", reviewer)
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
        "Category",
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
    submitted(review_event, "Ready", reviewer)
    draft = ProposalFactory(event=review_event, title="Still a draft")
    withdrawn = submitted(review_event, "Pulled back", reviewer)
    withdrawn.withdraw(by=withdrawn.speakers.get())
    Assignment.objects.create(proposal=draft, reviewer=reviewer)
    client.force_login(reviewer)

    assert queue_titles(client.get(QUEUE_URL)) == ["Ready"]
    assert client.get(review_url(draft)).status_code == 404
    assert client.get(review_url(withdrawn)).status_code == 404


def test_progress_line_counts_reviews(client, review_event, reviewer):
    proposals = [submitted(review_event, f"Talk {n}", reviewer) for n in range(3)]
    client.force_login(reviewer)

    before = progress_text(client.get(QUEUE_URL))
    client.post(review_url(proposals[1]), score_data(review_event, 3))
    after = progress_text(client.get(QUEUE_URL))

    assert (before, after) == ("0 of 3 reviewed", "1 of 3 reviewed")


def test_progress_line_follows_the_event_filter(client, review_event, reviewer):
    second = EventFactory(name="Second Summit")
    ReviewerTeamFactory(event=second, members=[reviewer])
    reviewed = submitted(review_event, "Here 1", reviewer)
    submitted(review_event, "Here 2", reviewer)
    submitted(second, "There 1", reviewer)
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
    done = submitted(review_event, "Done", reviewer)
    submitted(review_event, "To do", reviewer)
    give_review(done, reviewer, 3)
    client.force_login(reviewer)

    assert queue_titles(client.get(QUEUE_URL, {"reviewed": "yes"})) == ["Done"]
    assert queue_titles(client.get(QUEUE_URL, {"reviewed": "no"})) == ["To do"]
    assert queue_titles(client.get(QUEUE_URL)) == ["Done", "To do"]


def test_track_and_type_filters_offer_only_what_is_in_the_queue(client, review_event, reviewer):
    mine = TrackFactory(event=review_event, name="Kernel")
    TrackFactory(event=review_event, name="Marketing")  # nothing of it in the queue
    TrackFactory(event=EventFactory(), name="Someone else's track")
    submitted(review_event, "In Kernel", reviewer, track=mine)
    submitted(review_event, "Without a track", reviewer)
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
    submitted(
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
    submitted(review_event, "Assigned elsewhere", reviewer, track=other_track)
    in_track = submitted(review_event, "In the team track", track=team_track)
    outside = submitted(review_event, "Outside the team track", track=other_track)
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
    submitted(review_event, "Anything goes")
    submitted(EventFactory(), "Not this event")
    client.force_login(reviewer)

    assert queue_titles(client.get(QUEUE_URL)) == ["Anything goes"]


def test_queue_query_count_does_not_grow(client, review_event, reviewer):
    tracks = [TrackFactory(event=review_event) for _ in range(3)]
    other = ReviewerFactory()
    ReviewerTeamFactory(event=review_event, members=[other])
    client.force_login(reviewer)
    counts = []
    made = 0
    for size in (10, 200):
        for n in range(made, size):
            proposal = submitted(review_event, f"Talk {n:03}", reviewer, track=tracks[n % 3])
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
        proposal = submitted(review_event, f"With {size}", reviewer, speakers=speakers)
        give_review(proposal, reviewer, 4)  # scored: the others' reviews show
        for other in others[:size]:
            give_review(proposal, other, 2, comment=f"Remark №{other.pk}")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(review_url(proposal))
        assert response.status_code == 200
        assert page(response).count("Remark №") == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


# --- the review page --------------------------------------------------------------------


def test_review_page_shows_the_proposal_read_only(client, review_event, reviewer):
    speaker = SpeakerFactory(
        profile__name="Ada Open",
        profile__affiliation="Open Labs",
        profile__biography="Maintains **three** compilers.",
    )
    proposal = submitted(
        review_event,
        "Compilers for fun",
        reviewer,
        speakers=[speaker],
        abstract="The speaker shows **bold** ideas.",
        audience="Compiler *writers*.",
        benefits="Faster builds.",
        technical_requirements="A projector.",
        notes="Please schedule me on Monday.",
        track=TrackFactory(event=review_event, name="Languages"),
    )
    client.force_login(reviewer)

    response = client.get(review_url(proposal))

    body = page(response)
    assert response.status_code == 200
    assert "<h1>Compilers for fun</h1>" in body
    assert "<strong>bold</strong>" in body
    assert "<em>writers</em>" in body
    for text in ("Faster builds.", "A projector.", "Languages", "Intermediate", "Review Summit"):
        assert text in body
    # Not blind: who the speakers are, and what they told the organizers.
    assert "Ada Open" in body and "Open Labs" in body
    assert "Maintains <strong>three</strong> compilers." in body
    assert "Please schedule me on Monday." in body
    assert "None" not in body


def test_review_page_offers_each_criterion_with_its_labels(client, review_event, reviewer, talk):
    review_event.review_criteria.all().delete()  # its own criteria instead of "Overall"
    Criterion.objects.create(
        event=review_event, name="Relevance", labels="1 = Off topic\n3 = Spot on", max_score=3
    )
    Criterion.objects.create(event=review_event, name="Depth", min_score=0, max_score=20)
    client.force_login(reviewer)

    form = client.get(review_url(talk)).context["form"]

    relevance, depth = form.score_fields()
    assert relevance.label == "Relevance"
    assert list(relevance.field.choices) == [(1, "1 – Off topic"), (2, "2"), (3, "3 – Spot on")]
    assert relevance.field.widget.input_type == "radio"
    assert depth.field.widget.input_type == "select"  # 21 values: a drop-down
    assert len(depth.field.choices) == 22  # and "Choose a score"


def test_save_stores_review_and_scores(client, review_event, reviewer, talk):
    review_event.review_criteria.all().delete()  # its own criteria instead of "Overall"
    content = Criterion.objects.create(event=review_event, name="Content", weight=3)
    delivery = Criterion.objects.create(event=review_event, name="Delivery", weight=1)
    client.force_login(reviewer)

    response = client.post(
        review_url(talk),
        {
            f"score_{content.pk}": "5",
            f"score_{delivery.pk}": "1",
            "comment": "Great topic,\r\nweak slides.",
            "feedback": "Consider a demo.",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    assert response.url == review_url(talk)
    review = Review.objects.get(proposal=talk, reviewer=reviewer)
    assert review.comment == "Great topic,\nweak slides."
    assert review.feedback == "Consider a demo."
    assert review.score == pytest.approx((3 * 5 + 1) / 4)
    assert dict(Score.objects.filter(review=review).values_list("criterion__name", "value")) == {
        "Content": 5,
        "Delivery": 1,
    }
    followed = client.get(response.url)
    assert f"Your review of “{talk.title}” is saved." in messages_of(followed)
    form = followed.context["form"]
    assert form[f"score_{content.pk}"].value() == 5
    assert form["comment"].value() == "Great topic,\nweak slides."


def test_saving_again_updates_the_review(client, review_event, reviewer, talk):
    give_review(talk, reviewer, 2, comment="First look.")
    client.force_login(reviewer)

    client.post(review_url(talk), score_data(review_event, 5, comment="Second look."))

    review = Review.objects.get(proposal=talk, reviewer=reviewer)
    assert (review.score, review.comment) == (5, "Second look.")
    assert review.scores.get().value == 5


def test_save_and_next_goes_to_the_next_unreviewed(client, review_event, reviewer):
    first, second, third, fourth = (
        submitted(review_event, f"{letter} talk", reviewer) for letter in "ABCD"
    )
    give_review(second, reviewer, 3)
    client.force_login(reviewer)

    to_third = client.post(review_url(first), score_data(review_event, 4, _next="1"))
    to_fourth = client.post(review_url(third), score_data(review_event, 4, _next="1"))
    to_queue = client.post(review_url(fourth), score_data(review_event, 4, _next="1"))

    assert to_third.url == review_url(third)
    assert to_fourth.url == review_url(fourth)
    assert to_queue.url == QUEUE_URL
    assert Review.objects.filter(reviewer=reviewer).count() == 4
    assert "No other unreviewed proposal is left in your queue." in messages_of(
        client.get(to_queue.url)
    )


def test_save_and_next_wraps_around_to_earlier_skipped_ones(client, review_event, reviewer):
    first, second = (submitted(review_event, f"{letter} talk", reviewer) for letter in "AB")
    client.force_login(reviewer)

    response = client.post(review_url(second), score_data(review_event, 4, _next="1"))

    assert response.url == review_url(first)


def test_next_keeps_the_list_filters(client, review_event, reviewer):
    kernel = TrackFactory(event=review_event, name="Kernel")
    first = submitted(review_event, "A kernel talk", reviewer, track=kernel)
    submitted(review_event, "B other talk", reviewer)
    third = submitted(review_event, "C kernel talk", reviewer, track=kernel)
    client.force_login(reviewer)
    filters = f"_changelist_filters=track__id__exact%3D{kernel.pk}"

    response = client.post(f"{review_url(first)}?{filters}", score_data(review_event, 4, _next="1"))

    assert response.url == f"{review_url(third)}?{filters}"


def test_skip_saves_nothing_and_goes_to_the_next_unreviewed(client, review_event, reviewer):
    first, second, third = (submitted(review_event, f"{x} talk", reviewer) for x in "ABC")
    give_review(second, reviewer, 2)
    client.force_login(reviewer)

    response = client.post(
        review_url(first), score_data(review_event, 5, comment="Typed", _skip="Skip")
    )

    assert response.url == review_url(third)
    assert not Review.objects.filter(proposal=first).exists()


def test_skip_on_the_last_unreviewed_returns_to_the_queue(client, review_event, reviewer, talk):
    client.force_login(reviewer)

    response = client.post(review_url(talk), {"_skip": "Skip"})

    assert response.url == QUEUE_URL
    assert not Review.objects.exists()


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "comment", "message"),
    [
        ("9", "", "“Overall” is scored from 1 to 5."),
        ("0", "", "“Overall” is scored from 1 to 5."),
        ("", "", "Please score “Overall”."),
        (None, "", "Please score “Overall”."),
        ("four", "", "“Overall” is scored from 1 to 5."),
        ("3.5", "", "“Overall” is scored from 1 to 5."),
        ("4", "x" * 5001, "Ensure this value has at most 5000 characters (it has 5001)."),
        ("4", "bell \x07 rings", "This text contains invisible control characters."),
        ("4", "nul \x00 byte", "Null characters are not allowed."),
    ],
)
def test_bad_input_saves_nothing(client, review_event, reviewer, talk, value, comment, message):
    client.force_login(reviewer)
    data = {"comment": comment, "_save": "Save"}
    if value is not None:
        data[f"score_{overall(review_event).pk}"] = value

    response = client.post(review_url(talk), data)

    assert response.status_code == 200
    body = page(response)
    assert "Please correct the error below. Nothing was saved." in body
    assert message in body
    assert not Review.objects.exists()


def test_missing_second_criterion_saves_nothing(client, review_event, reviewer, talk):
    first = overall(review_event)
    second = Criterion.objects.create(event=review_event, name="Originality", position=5)
    client.force_login(reviewer)

    response = client.post(review_url(talk), {f"score_{first.pk}": "4"})

    assert "Please score “Originality”." in page(response)
    assert second.pk and not Review.objects.exists()


def test_html_in_comment_is_stored_as_typed_and_shown_escaped(client, review_event, reviewer, talk):
    other = ReviewerFactory()
    ReviewerTeamFactory(event=review_event, members=[other])
    Assignment.objects.create(proposal=talk, reviewer=other)
    give_review(talk, other, 3)
    comment = '<script>alert("x")</script> <b>bold</b>'
    client.force_login(reviewer)

    client.post(review_url(talk), score_data(review_event, 4, comment=comment))

    assert Review.objects.get(reviewer=reviewer).comment == comment
    own_page = page(client.get(review_url(talk)))
    client.force_login(other)
    others_page = page(client.get(review_url(talk)))
    for body in (own_page, others_page):
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
        assert "<script>alert" not in body
        assert "<b>bold</b>" not in body


# --- the deadline -----------------------------------------------------------------------


def test_after_the_deadline_the_form_is_read_only(client, review_event, reviewer, talk):
    give_review(talk, reviewer, 2, comment="Before the deadline.")
    set_review_settings(review_event, deadline=timezone.now() - timedelta(minutes=1))
    client.force_login(reviewer)

    response = client.get(review_url(talk))

    body = page(response)
    assert "The review deadline passed on" in body
    assert "reviews are read-only." in body
    assert 'name="_save"' not in body and 'name="_next"' not in body
    assert 'name="_skip"' in body
    assert all(field.field.disabled for field in response.context["form"])
    assert re.search(r'<input type="radio"[^>]*value="2"[^>]*disabled[^>]*checked', body) or (
        re.search(r'<input type="radio"[^>]*value="2"[^>]*checked[^>]*disabled', body)
    )


def test_after_the_deadline_a_post_saves_nothing(client, review_event, reviewer, talk):
    give_review(talk, reviewer, 2, comment="Before the deadline.")
    set_review_settings(review_event, deadline=timezone.now() - timedelta(minutes=1))
    client.force_login(reviewer)

    response = client.post(review_url(talk), score_data(review_event, 5, comment="Too late"))
    skip = client.post(review_url(talk), {"_skip": "Skip"})

    assert response.status_code == 200
    # services.review_save refuses, and the page says so.
    assert (
        "The review deadline has passed: reviews are read-only now. Nothing was saved."
        in messages_of(response)
    )
    # The typed text comes back, so nothing typed is lost.
    assert "Too late</textarea>" in page(response)
    review = Review.objects.get()
    assert (review.score, review.comment) == (2, "Before the deadline.")
    assert skip.status_code == 302  # moving on still works


def test_before_the_deadline_the_page_says_until_when(client, review_event, reviewer, talk):
    deadline = timezone.make_aware(timezone.datetime(2031, 3, 1, 18, 0), review_event.tz)
    set_review_settings(review_event, deadline=deadline)
    client.force_login(reviewer)

    body = page(client.get(review_url(talk)))

    # In the event's time zone (Europe/Berlin), not the server's.
    assert "You can change your review until March 1, 2031, 6:00 p.m. (Europe/Berlin)." in body


# --- other reviewers' reviews -----------------------------------------------------------


@pytest.fixture
def second_opinion(review_event, talk):
    other = ReviewerFactory(profile__name="Otto Other")
    ReviewerTeamFactory(event=review_event, members=[other])
    give_review(talk, other, 2, comment="A second opinion.")
    return other


def test_others_hidden_until_the_reviewer_has_scored(
    client, review_event, reviewer, talk, second_opinion
):
    set_review_settings(review_event, hide_others_until_scored=True)
    client.force_login(reviewer)

    before = page(client.get(review_url(talk)))
    client.post(review_url(talk), score_data(review_event, 4))
    after = page(client.get(review_url(talk)))

    assert "A second opinion." not in before
    assert "Otto Other" not in before
    assert "appear once you have saved your own review" in before
    assert "A second opinion." in after
    assert "Otto Other" in after
    assert "score 2" in after


def test_others_shown_at_once_when_not_hidden(client, review_event, reviewer, talk, second_opinion):
    set_review_settings(review_event, hide_others_until_scored=False)
    client.force_login(reviewer)

    body = page(client.get(review_url(talk)))

    assert "A second opinion." in body and "Otto Other" in body


def test_blind_review_shows_others_as_pseudonyms(
    client, review_event, reviewer, talk, second_opinion
):
    set_review_settings(review_event, hide_others_until_scored=False, blind=True)
    third = ReviewerFactory(profile__name="Thea Third")
    ReviewerTeamFactory(event=review_event, members=[third])
    give_review(talk, third, 5, comment="Third view.")
    client.force_login(reviewer)

    body = page(client.get(review_url(talk)))

    assert "Reviewer 1" in body and "Reviewer 2" in body
    assert "A second opinion." in body and "Third view." in body
    assert "Otto Other" not in body and "Thea Third" not in body


# --- conflicts --------------------------------------------------------------------------


def test_reviewer_never_sees_a_proposal_they_speak_on(client, review_event, reviewer, talk):
    own = submitted(review_event, "My own talk", reviewer, speakers=[reviewer])
    set_review_settings(review_event, queue=QueueMode.TRACKS)
    client.force_login(reviewer)

    listing = client.get(QUEUE_URL)
    detail = client.get(review_url(own))

    assert queue_titles(listing) == [talk.title]
    assert detail.status_code == 404
    assert "My own talk" not in page(detail)
    assert client.post(review_url(own), score_data(review_event, 5)).status_code == 404
    assert not Review.objects.exists()


def test_declared_conflict_confirms_then_removes_from_queue(
    client, review_event, reviewer, talk, second_opinion
):
    set_review_settings(review_event, hide_others_until_scored=False)
    give_review(talk, reviewer, 4)
    client.force_login(reviewer)

    confirm = client.get(conflict_url(talk))
    assert confirm.status_code == 200
    assert "Yes, I have a conflict" in page(confirm)
    assert not Conflict.objects.exists()  # the GET only asks

    response = client.post(conflict_url(talk), {"reason": "Former colleague."})

    assert response.url == QUEUE_URL
    conflict = Conflict.objects.get()
    assert (conflict.proposal, conflict.reviewer, conflict.source, conflict.reason) == (
        talk,
        reviewer,
        ConflictSource.DECLARED,
        "Former colleague.",
    )
    assert conflict.created_by == reviewer
    followed = client.get(response.url)
    assert queue_titles(followed) == []
    assert any("You declared a conflict of interest" in m for m in messages_of(followed))
    detail = client.get(review_url(talk))
    assert detail.status_code == 404
    assert "A second opinion." not in page(detail)
    # Their review and assignment went with it.
    assert not Review.objects.filter(reviewer=reviewer).exists()
    assert not Assignment.objects.filter(reviewer=reviewer).exists()


def test_conflict_reason_too_long_is_refused(client, reviewer, talk):
    client.force_login(reviewer)

    response = client.post(conflict_url(talk), {"reason": "x" * 301})

    assert response.status_code == 200
    assert "Ensure this value has at most 300 characters" in page(response)
    assert not Conflict.objects.exists()


def test_conflict_declared_by_an_organizer_hides_the_proposal(client, review_event, reviewer):
    talk = submitted(review_event, "Known speaker", reviewer)
    services.conflict_add(proposal=talk, reviewer=reviewer, by=UserFactory())
    client.force_login(reviewer)

    assert queue_titles(client.get(QUEUE_URL)) == []
    assert client.get(review_url(talk)).status_code == 404
    assert client.get(conflict_url(talk)).status_code == 404


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
