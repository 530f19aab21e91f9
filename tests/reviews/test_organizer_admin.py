"""The organizers' side of review in the staff panel: who gets in, what they see and change."""

from datetime import datetime
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import ProposalState
from reviews import scores, selectors, services
from reviews.enums import ConflictSource
from reviews.models import Assignment, Conflict, Criterion, Review, ReviewerTeam, Score
from speakers.models import User
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import is_staff_panel_refusal, page
from tests.reviews.conftest import give_review, list_rows

pytestmark = pytest.mark.django_db

SECRETS = ("Secret kernel talk", "Strong accept, unique content", "Programme committee")


def submitted(event, title, **kwargs):
    proposal = ProposalFactory(event=event, title=title, **kwargs)
    proposal.submit(by=proposal.speakers.first())
    return proposal


def with_event(url, event):
    return f"{url}?event={event.pk}"


@pytest.fixture
def world(db):
    """An event with an organizer, a reviewer, a reviewed proposal; another event beside it."""
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(name="Kernel Summit", organizers=[organizer])
    speaker = SpeakerFactory(email="sam@kernel.org", profile__affiliation="Kernel Org")
    reviewer = ReviewerFactory(
        email="rita@kernel.org", profile__name="Rita Reviewer", profile__affiliation="Reviewers"
    )
    team = ReviewerTeamFactory(event=event, name="Programme committee", members=[reviewer])
    proposal = submitted(event, "Secret kernel talk", speakers=[speaker])
    give_review(proposal, reviewer, 4, comment="Strong accept, unique content")
    open_talk = submitted(event, "Open talk", speakers=[SpeakerFactory(email="ann@other.test")])
    other_organizer = UserFactory(is_staff=True, email="otto@lectern.test")
    other_event = EventFactory(name="Other Summit", organizers=[other_organizer])
    other_reviewer = ReviewerFactory(profile__affiliation="Elsewhere")
    ReviewerTeamFactory(event=other_event, name="Other committee", members=[other_reviewer])
    submitted(other_event, "Their own talk")
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        speaker=speaker,
        reviewer=reviewer,
        team=team,
        proposal=proposal,
        open_talk=open_talk,
        other_organizer=other_organizer,
        other_event=other_event,
        other_reviewer=other_reviewer,
    )


# --- the permission matrix ----------------------------------------------------------------

PAGES = {
    "ranked list": lambda w: (
        "get",
        with_event(reverse("admin:reviews_rankedproposal_changelist"), w.event),
        None,
    ),
    "proposal reviews": lambda w: (
        "get",
        reverse("admin:reviews_rankedproposal_change", args=[w.proposal.pk]),
        None,
    ),
    "reviewer progress": lambda w: (
        "get",
        with_event(reverse("admin:reviews_rankedproposal_reviewers"), w.event),
        None,
    ),
    "conflict list": lambda w: (
        "get",
        with_event(reverse("admin:reviews_conflict_changelist"), w.event),
        None,
    ),
    "conflict add": lambda w: (
        "post",
        reverse("admin:reviews_conflict_add"),
        {"proposal": w.open_talk.pk, "reviewer": w.reviewer.pk, "reason": "Same lab"},
    ),
    "suggestions": lambda w: (
        "get",
        with_event(reverse("admin:reviews_conflict_suggestions"), w.event),
        None,
    ),
    "suggestion confirm": lambda w: (
        "post",
        with_event(reverse("admin:reviews_conflict_confirm"), w.event),
        {"proposal": w.proposal.pk, "reviewer": w.reviewer.pk},
    ),
    "assignment confirmation": lambda w: (
        "get",
        with_event(reverse("admin:reviews_assignment_run"), w.event),
        None,
    ),
    "assignment run": lambda w: (
        "post",
        with_event(reverse("admin:reviews_assignment_run"), w.event),
        {"k": 2},
    ),
    "assignment list": lambda w: (
        "get",
        with_event(reverse("admin:reviews_assignment_changelist"), w.event),
        None,
    ),
    "team list": lambda w: ("get", reverse("admin:reviews_reviewerteam_changelist"), None),
    "team page": lambda w: (
        "get",
        reverse("admin:reviews_reviewerteam_change", args=[w.team.pk]),
        None,
    ),
    "event review settings": lambda w: (
        "get",
        reverse("admin:cfp_event_change", args=[w.event.pk]),
        None,
    ),
}

# What the event's organizer finds on each page (or in the database after an action).
ALLOWED = {
    "ranked list": lambda w, r: "Secret kernel talk" in page(r) and "4.00" in page(r),
    "proposal reviews": lambda w, r: "Strong accept, unique content" in page(r),
    "reviewer progress": lambda w, r: "Rita Reviewer" in page(r),
    "conflict list": lambda w, r: "Suggested conflicts" in page(r),
    "conflict add": lambda w, r: Conflict.objects.filter(
        proposal=w.open_talk, reviewer=w.reviewer, source=ConflictSource.ORGANIZER
    ).exists(),
    "suggestions": lambda w, r: "Same email domain (kernel.org)" in page(r),
    "suggestion confirm": lambda w, r: Conflict.objects.filter(
        proposal=w.proposal, reviewer=w.reviewer, source=ConflictSource.SUGGESTED
    ).exists(),
    "assignment confirmation": lambda w, r: "Reviewers per proposal" in page(r),
    "assignment run": lambda w, r: Assignment.objects.filter(
        proposal=w.open_talk, reviewer=w.reviewer, automatic=True
    ).exists(),
    "assignment list": lambda w, r: "Secret kernel talk" in page(r),
    "team list": lambda w, r: "Programme committee" in page(r),
    "team page": lambda w, r: "Programme committee" in page(r),
    "event review settings": lambda w, r: (
        "Reviewers per proposal" in page(r) and "Overall" in page(r)
    ),
}

ROLES = {
    "anonymous": lambda w: None,
    "speaker": lambda w: w.speaker,
    "reviewer of this event": lambda w: w.reviewer,
    "reviewer of another event": lambda w: w.other_reviewer,
    "organizer of another event": lambda w: w.other_organizer,
}


def snapshot():
    return (
        list(Conflict.objects.values_list("pk", "source")),
        list(Assignment.objects.values_list("pk", flat=True)),
        list(Review.objects.values_list("pk", flat=True)),
    )


@pytest.mark.parametrize("name", PAGES)
def test_organizer_of_the_event_uses_every_page(client, world, name):
    method, url, data = PAGES[name](world)
    client.force_login(world.organizer)

    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)

    expected = 302 if method == "post" else 200
    assert response.status_code == expected, page(response)[:2000]
    assert ALLOWED[name](world, response)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_nobody_else_gets_in(client, world, name, role):
    method, url, data = PAGES[name](world)
    user = ROLES[role](world)
    if user is not None:
        client.force_login(user)
    before = snapshot()

    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)

    assert snapshot() == before, "an action went through"
    if role == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response.url
        return
    if role == "speaker":
        assert is_staff_panel_refusal(response)
        return
    body = page(response)
    if response.status_code == 302:
        # "Does not exist" for them: back to the index, which shows nothing of the event.
        assert response.url == reverse("admin:index")
        body = page(client.get(response.url))
    elif role == "organizer of another event" and response.status_code == 200:
        # Their own data only: a form that refused the other event's objects, or a list
        # filtered to an event that is not theirs.
        assert "Kernel Summit" not in body
    else:
        assert response.status_code in (403, 404), response.status_code
    for secret in SECRETS:
        assert secret not in body


def test_organizer_of_another_event_sees_only_their_own_ranked_list(client, world):
    client.force_login(world.other_organizer)

    response = client.get(reverse("admin:reviews_rankedproposal_changelist"))

    assert [p.title for p in response.context["cl"].result_list] == ["Their own talk"]
    assert "Secret kernel talk" not in page(response)


def test_superuser_sees_the_ranked_list_of_any_event(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(
        with_event(reverse("admin:reviews_rankedproposal_changelist"), world.event)
    )

    assert {p.title for p in response.context["cl"].result_list} == {
        "Secret kernel talk",
        "Open talk",
    }


def test_reviewer_sees_no_organizer_models_on_the_index(client, world):
    client.force_login(world.reviewer)

    body = page(client.get(reverse("admin:index")))

    for name in ("Ranked proposals", "Conflicts", "Assignments", "Reviewer teams"):
        assert name not in body


# --- the ranked list ----------------------------------------------------------------------


@pytest.fixture
def organizer(db):
    return UserFactory(is_staff=True, email="orga@lectern.test")


@pytest.fixture
def ranking(organizer):
    """Five proposals whose aggregates order differently by each column.

    Alpha 5,5,5,4 · Bravo 1,4,4 · Charlie 2,5 · Echo 1 · Delta no reviews.
    """
    event = EventFactory(name="Ranking Summit", organizers=[organizer])
    reviewers = [ReviewerFactory(profile__affiliation=f"Lab {i}") for i in range(4)]
    ReviewerTeamFactory(event=event, members=reviewers)
    plan = {"Alpha": [5, 5, 5, 4], "Bravo": [1, 4, 4], "Charlie": [2, 5], "Echo": [1], "Delta": []}
    proposals = {}
    for title, values in plan.items():
        proposals[title] = submitted(event, title)
        for reviewer, value in zip(reviewers, values, strict=False):
            give_review(proposals[title], reviewer, value)
    return SimpleNamespace(event=event, reviewers=reviewers, proposals=proposals)


# The list's columns as its ?o= parameter numbers them: the action checkbox comes first.
COLUMNS = {name: i for i, name in enumerate(
    ["action_checkbox", "title", "track", "state", "decision_email",
     "review_total", "mean", "median", "disagreement", "normalised_score"]
)}  # fmt: skip


def titles(client, event, **params):
    url = reverse("admin:reviews_rankedproposal_changelist")
    response = client.get(url, {"event": event.pk, **params})
    assert response.status_code == 200
    return [p.title for p in response.context["cl"].result_list]


@pytest.mark.parametrize(
    ("column", "ascending", "descending"),
    [
        (
            "review_total",
            ["Delta", "Echo", "Charlie", "Bravo", "Alpha"],
            ["Alpha", "Bravo", "Charlie", "Echo", "Delta"],
        ),
        (
            "mean",  # 1, 3, 3.5, 4.75; no reviews last both ways
            ["Echo", "Bravo", "Charlie", "Alpha", "Delta"],
            ["Alpha", "Charlie", "Bravo", "Echo", "Delta"],
        ),
        (
            "median",  # 1, 3.5, 4, 5
            ["Echo", "Charlie", "Bravo", "Alpha", "Delta"],
            ["Alpha", "Bravo", "Charlie", "Echo", "Delta"],
        ),
        (
            "disagreement",  # 0, 0.43, 1.41, 1.5
            ["Echo", "Alpha", "Bravo", "Charlie", "Delta"],
            ["Charlie", "Bravo", "Alpha", "Echo", "Delta"],
        ),
    ],
)
def test_ranked_list_sorts_by_each_aggregate(
    client, organizer, ranking, column, ascending, descending
):
    client.force_login(organizer)
    index = COLUMNS[column]

    assert titles(client, ranking.event, o=str(index)) == ascending
    assert titles(client, ranking.event, o=f"-{index}") == descending


def test_ranked_list_sorts_by_normalised_score_best_first_by_default(client, organizer, ranking):
    client.force_login(organizer)
    rows = selectors.ranked_proposals(ranking.event, organizer)
    scored = sorted((p for p in rows if p.normalised is not None), key=lambda p: p.normalised)
    expected = [p.title for p in scored]
    index = COLUMNS["normalised_score"]

    default = titles(client, ranking.event)

    assert default == [*reversed(expected), "Delta"]
    assert titles(client, ranking.event, o=f"-{index}") == default
    assert titles(client, ranking.event, o=str(index)) == [*expected, "Delta"]


def test_ranked_list_shows_two_decimals_and_a_dash_for_missing(client, organizer, ranking):
    client.force_login(organizer)

    response = client.get(
        reverse("admin:reviews_rankedproposal_changelist"), {"event": ranking.event.pk}
    )

    body = page(response)
    assert "4.75" in body and "0.43" in body  # Alpha's mean and spread
    assert "None" not in body
    delta = body[body.index(">Delta<") :].split("</tr>")[0]
    for column in ("mean", "median", "disagreement", "normalised_score"):
        assert f'<td class="field-{column}">–</td>' in delta


def test_ranked_list_filters_by_track_type_and_state(client, organizer):
    event = EventFactory(organizers=[organizer])
    dev, ops = TrackFactory(event=event, name="Developer"), TrackFactory(event=event, name="Ops")
    talk, panel = SubmissionTypeFactory(event=event), SubmissionTypeFactory(event=event)
    submitted(event, "Dev talk", track=dev, submission_type=talk)
    submitted(event, "Ops panel", track=ops, submission_type=panel)
    ProposalFactory(event=event, title="Accepted ops", track=ops, state=ProposalState.ACCEPTED)
    ProposalFactory(event=event, title="Still a draft", track=dev)
    ProposalFactory(event=event, title="Gone", track=dev, state=ProposalState.WITHDRAWN)
    client.force_login(organizer)

    assert sorted(titles(client, event)) == ["Accepted ops", "Dev talk", "Ops panel"]
    assert titles(client, event, track=dev.pk) == ["Dev talk"]
    assert sorted(titles(client, event, track=ops.pk)) == ["Accepted ops", "Ops panel"]
    assert titles(client, event, type=panel.pk) == ["Ops panel"]
    assert titles(client, event, state="accepted") == ["Accepted ops"]


def test_ranked_list_action_on_all_selected_takes_the_lists_filters(client, organizer):
    event = EventFactory(organizers=[organizer])
    talk, panel = SubmissionTypeFactory(event=event), SubmissionTypeFactory(event=event)
    submitted(event, "A talk", submission_type=talk)
    submitted(event, "Another talk", submission_type=talk)
    submitted(event, "A panel", submission_type=panel)
    url = reverse("admin:reviews_rankedproposal_changelist")
    query = f"?event={event.pk}&type={talk.pk}&q=talk"
    client.force_login(organizer)
    (shown,) = [row for row in list_rows(client.get(f"{url}{query}")) if row["title"] == "A talk"]

    nothing = client.post(f"{url}{query}", {"action": "accept_selected", "index": "0"})
    followed = page(client.get(nothing.url))
    everything = client.post(
        f"{url}{query}",
        {
            "action": "accept_selected",
            "index": "0",
            "select_across": "1",
            "_selected_action": [shown["pk"]],
        },
    )

    assert nothing.status_code == 302 and nothing.url == f"{url}{query}"
    assert "Items must be selected in order to perform actions on them." in followed
    body = page(everything)
    assert "Accept 2 proposals?" in body
    assert "A talk" in body and "Another talk" in body and "A panel" not in body


def test_ranked_list_shows_one_event_at_a_time(client, organizer):
    first = EventFactory(name="First", organizers=[organizer], start_date="2031-01-01")
    second = EventFactory(name="Second", organizers=[organizer], start_date="2030-01-01")
    submitted(first, "First talk")
    submitted(second, "Second talk")
    client.force_login(organizer)

    default = client.get(reverse("admin:reviews_rankedproposal_changelist"))

    assert [p.title for p in default.context["cl"].result_list] == ["First talk"]
    assert titles(client, second) == ["Second talk"]
    assert "Ranked proposals: Second" in page(
        client.get(reverse("admin:reviews_rankedproposal_changelist"), {"event": second.pk})
    )


def test_ranked_list_hides_what_the_organizer_speaks_on_or_conflicts_with(client, organizer):
    event = EventFactory(organizers=[organizer])
    reviewer = ReviewerFactory(profile__affiliation="Elsewhere")
    ReviewerTeamFactory(event=event, members=[reviewer])
    own = submitted(event, "My own talk", speakers=[organizer])
    friend = submitted(event, "My friend's talk")
    submitted(event, "Fair game")
    give_review(own, reviewer, 5, comment="Great speaker")
    services.conflict_add(proposal=friend, reviewer=organizer, by=organizer)
    client.force_login(organizer)

    response = client.get(reverse("admin:reviews_rankedproposal_changelist"))
    reviews_page = client.get(reverse("admin:reviews_rankedproposal_change", args=[own.pk]))

    assert [p.title for p in response.context["cl"].result_list] == ["Fair game"]
    assert "2 proposals are hidden because of your conflicts of interest" in page(response)
    assert reviews_page.status_code == 302
    assert "Great speaker" not in page(client.get(reviews_page.url))


# --- one proposal's reviews ---------------------------------------------------------------


def test_proposal_reviews_side_by_side(client, organizer):
    event = EventFactory(organizers=[organizer], timezone="Asia/Tokyo")
    event.review_criteria.all().delete()  # its own criteria instead of the default "Overall"
    content = Criterion.objects.create(
        event=event, name="Content", weight=3, labels="5 = Excellent", position=0
    )
    delivery = Criterion.objects.create(event=event, name="Delivery", weight=1, position=1)
    ada, bob, cy = (ReviewerFactory(profile__name=n, profile__affiliation=n) for n in "ABC")
    ReviewerTeamFactory(event=event, members=[ada, bob, cy])
    proposal = submitted(event, "Observability ✨")
    give_review(
        proposal, ada, {content.pk: 5, delivery.pk: 1}, comment="Deep dive", feedback="Slow down"
    )
    give_review(proposal, bob, {content.pk: 2, delivery.pk: 4}, comment="Too basic")
    Assignment.objects.create(proposal=proposal, reviewer=cy)
    client.force_login(organizer)

    response = client.get(reverse("admin:reviews_rankedproposal_change", args=[proposal.pk]))

    body = page(response)
    assert response.status_code == 200
    assert response.context["reviewers"] == [
        f"A <{ada.email}>",
        f"B <{bob.email}>",
    ]
    rows = {row["label"]: row["cells"] for row in response.context["rows"]}
    assert rows["Content (1–5, weight 3)"] == ["5 – Excellent", "2"]
    assert rows["Delivery (1–5)"] == ["1", "4"]
    assert rows["Weighted score"] == ["4.00", "2.50"]  # (3·5+1)/4, (3·2+4)/4
    for text in ("Deep dive", "Slow down", "Too basic", "Asia/Tokyo", "Observability ✨"):
        assert text in body
    assert dict(response.context["aggregates"]) == {
        "Reviews": 2,
        "Mean": "3.25",
        "Median": "3.25",
        "Disagreement (sd)": "0.75",
        "Normalised": "3.25",  # nobody has three reviews: raw scores
    }
    assert response.context["waiting"] == [f"C <{cy.email}>"]
    assert "None" not in body


# --- the reviewers' progress --------------------------------------------------------------


def test_reviewer_progress_counts_and_distribution(client, organizer):
    event = EventFactory(organizers=[organizer])
    busy = ReviewerFactory(profile__name="Busy Bee", profile__affiliation="Hive")
    idle = ReviewerFactory(profile__name="Idle Ivy", profile__affiliation="Garden")
    ReviewerTeamFactory(event=event, members=[busy, idle])
    proposals = [submitted(event, f"Talk {i}") for i in range(3)]
    give_review(proposals[0], busy, 4)
    give_review(proposals[1], busy, 4)
    Assignment.objects.create(proposal=proposals[2], reviewer=busy)
    client.force_login(organizer)

    response = client.get(reverse("admin:reviews_rankedproposal_reviewers"))

    rows = {row["name"].split(" <")[0]: row for row in response.context["rows"]}
    assert response.context["bins"] == ["1", "2", "3", "4", "5"]
    assert (rows["Busy Bee"]["assigned"], rows["Busy Bee"]["reviewed"]) == (3, 2)
    assert rows["Busy Bee"]["done"] == 67
    assert rows["Busy Bee"]["mean"] == "4.00"
    assert [bar["count"] for bar in rows["Busy Bee"]["bars"]] == [0, 0, 0, 2, 0]
    assert rows["Idle Ivy"]["done"] is None and rows["Idle Ivy"]["mean"] is None
    assert "nothing assigned" in page(response)


def test_reviewer_progress_leaves_out_the_organizers_own_proposal(client, organizer):
    event = EventFactory(organizers=[organizer])
    reviewer = ReviewerFactory(profile__name="Rex", profile__affiliation="Elsewhere")
    ReviewerTeamFactory(event=event, members=[reviewer])
    give_review(submitted(event, "Mine", speakers=[organizer]), reviewer, 1)
    give_review(submitted(event, "Theirs"), reviewer, 5)
    client.force_login(organizer)

    response = client.get(reverse("admin:reviews_rankedproposal_reviewers"))

    (row,) = response.context["rows"]
    assert (row["assigned"], row["reviewed"]) == (1, 1)
    assert [bar["count"] for bar in row["bars"]] == [0, 0, 0, 0, 1]
    assert "1 proposal is hidden" in page(response)


# --- query counts -------------------------------------------------------------------------


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


def test_ranked_list_query_count_does_not_grow(client, organizer):
    event = EventFactory(organizers=[organizer])
    reviewers = [ReviewerFactory() for _ in range(3)]
    ReviewerTeamFactory(event=event, members=reviewers)
    url = reverse("admin:reviews_rankedproposal_changelist")
    client.force_login(organizer)
    counts = []
    for more in (10, 190):
        add_reviewed_proposals(event, reviewers, more)
        queries, response = count_queries(client, url)
        assert response.context["cl"].result_count == event.proposals.count()
        counts.append(queries)

    assert counts[0] == counts[1], counts


def test_proposal_reviews_page_query_count_does_not_grow(client, organizer):
    event = EventFactory(organizers=[organizer])
    few = [ReviewerFactory() for _ in range(2)]
    many = [ReviewerFactory() for _ in range(8)]
    ReviewerTeamFactory(event=event, members=few + many)
    add_reviewed_proposals(event, few, 1)
    add_reviewed_proposals(event, many, 1)
    small, large = event.proposals.order_by("pk")
    client.force_login(organizer)

    counts = [
        count_queries(client, reverse("admin:reviews_rankedproposal_change", args=[p.pk]))[0]
        for p in (small, large)
    ]

    assert counts[0] == counts[1], counts


def test_reviewer_progress_query_count_does_not_grow(client, organizer):
    event = EventFactory(organizers=[organizer])
    url = reverse("admin:reviews_rankedproposal_reviewers")
    client.force_login(organizer)
    counts = []
    for reviewers, proposals in ((3, 10), (12, 60)):
        team = [ReviewerFactory() for _ in range(reviewers)]
        ReviewerTeamFactory(event=event, members=team)
        add_reviewed_proposals(event, team, proposals)
        queries, response = count_queries(client, url)
        assert (
            len(response.context["rows"]) == User.objects.filter(review_teams__event=event).count()
        )
        counts.append(queries)

    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:reviews_conflict_changelist",
        "admin:reviews_assignment_changelist",
        "admin:reviews_conflict_suggestions",
        "admin:reviews_reviewerteam_changelist",
    ],
)
def test_other_organizer_pages_cost_the_same_at_two_sizes(client, organizer, url_name):
    event = EventFactory(organizers=[organizer])
    client.force_login(organizer)
    counts, shown = [], []
    for size in (2, 12):
        # Reviewers at the speakers' company (the factories' "Example Corp"): every pair is a
        # suggestion, until the conflicts added below.
        reviewers = [ReviewerFactory() for _ in range(size)]
        ReviewerTeamFactory(event=event, members=reviewers, tracks=[TrackFactory(event=event)])
        add_reviewed_proposals(event, reviewers, size)
        for proposal in event.proposals.all()[: size // 2]:
            services.conflict_add(proposal=proposal, reviewer=reviewers[0], by=organizer)
        queries, response = count_queries(client, reverse(url_name))
        context = response.context
        shown.append(context["cl"].result_count if "cl" in context else len(context["suggestions"]))
        counts.append(queries)

    assert 0 < shown[0] < shown[1], shown
    assert counts[0] == counts[1], counts


# --- conflicts ----------------------------------------------------------------------------


def test_organizer_adds_a_conflict_which_removes_assignment_and_review(client, world):
    client.force_login(world.organizer)

    response = client.post(
        reverse("admin:reviews_conflict_add"),
        {"proposal": world.proposal.pk, "reviewer": world.reviewer.pk, "reason": "Same lab"},
    )

    assert response.status_code == 302
    conflict = Conflict.objects.get(proposal=world.proposal, reviewer=world.reviewer)
    assert (conflict.source, conflict.reason) == (ConflictSource.ORGANIZER, "Same lab")
    assert conflict.created_by == world.organizer
    assert not Assignment.objects.filter(proposal=world.proposal, reviewer=world.reviewer).exists()
    assert not Review.objects.filter(proposal=world.proposal).exists()
    listing = page(client.get(reverse("admin:reviews_conflict_changelist")))
    assert "Same lab" in listing and "Added by an organizer" in listing


def test_conflict_needs_a_reviewer_of_the_event(client, world):
    client.force_login(world.organizer)

    response = client.post(
        reverse("admin:reviews_conflict_add"),
        {"proposal": world.proposal.pk, "reviewer": world.other_reviewer.pk, "reason": ""},
    )

    assert response.status_code == 200
    assert "reviewer" in response.context["adminform"].form.errors
    assert not Conflict.objects.exists()


def test_declared_conflict_stays_but_organizers_remove_their_own(client, world):
    declared = services.conflict_declare(proposal=world.proposal, reviewer=world.reviewer)
    added = services.conflict_add(
        proposal=world.open_talk, reviewer=world.reviewer, by=world.organizer
    )
    client.force_login(world.organizer)

    refused = client.post(
        reverse("admin:reviews_conflict_delete", args=[declared.pk]), {"post": "yes"}
    )
    removed = client.post(
        reverse("admin:reviews_conflict_delete", args=[added.pk]), {"post": "yes"}
    )

    assert refused.status_code == 403
    assert removed.status_code == 302
    assert list(Conflict.objects.all()) == [declared]


def test_organizer_confirms_a_suggested_conflict(client, world):
    client.force_login(world.organizer)
    url = with_event(reverse("admin:reviews_conflict_suggestions"), world.event)
    before = client.get(url)
    assert [(s["reviewer"], s["proposal"]) for s in before.context["suggestions"]] == [
        (world.reviewer, world.proposal)
    ]

    response = client.post(
        with_event(reverse("admin:reviews_conflict_confirm"), world.event),
        {"proposal": world.proposal.pk, "reviewer": world.reviewer.pk},
        follow=True,
    )

    conflict = Conflict.objects.get()
    assert (conflict.source, conflict.reason) == (
        ConflictSource.SUGGESTED,
        "Same email domain (kernel.org)",
    )
    assert conflict.created_by == world.organizer
    assert response.context["suggestions"] == []
    assert "will not review “Secret kernel talk”" in page(response)


def test_confirming_a_pair_that_is_no_suggestion_changes_nothing(client, world):
    client.force_login(world.organizer)

    response = client.post(
        with_event(reverse("admin:reviews_conflict_confirm"), world.event),
        {"proposal": world.open_talk.pk, "reviewer": world.reviewer.pk},
        follow=True,
    )

    assert not Conflict.objects.exists()
    assert "not open any more" in page(response)


def test_suggestion_confirm_wants_post(client, world):
    client.force_login(world.organizer)

    response = client.get(with_event(reverse("admin:reviews_conflict_confirm"), world.event))

    assert response.status_code == 405


# --- assignments --------------------------------------------------------------------------


def test_assignment_confirmation_shows_k_and_runs_with_the_chosen_k(client, world):
    second = ReviewerFactory(profile__affiliation="Second lab")
    world.team.members.add(second)
    selectors.settings_for(world.event)
    world.event.review_settings.reviews_per_proposal = 1
    world.event.review_settings.save()
    client.force_login(world.organizer)
    url = with_event(reverse("admin:reviews_assignment_run"), world.event)

    confirmation = client.get(url)
    run = client.post(url, {"k": 2}, follow=True)
    again = client.post(url, {"k": 2}, follow=True)

    assert confirmation.context["form"]["k"].value() == 1
    assert "2 submitted proposals; 1 has fewer than 1 reviewer" in page(confirmation)
    assert "3 assignments created." in page(run)
    assert "0 assignments created." in page(again)
    pairs = set(Assignment.objects.filter(proposal__event=world.event).values_list(
        "proposal__title", "reviewer__email"
    ))  # fmt: skip
    assert pairs == {
        ("Secret kernel talk", world.reviewer.email),
        ("Secret kernel talk", second.email),
        ("Open talk", world.reviewer.email),
        ("Open talk", second.email),
    }


def test_assignment_run_refuses_a_k_out_of_range(client, world):
    client.force_login(world.organizer)

    response = client.post(
        with_event(reverse("admin:reviews_assignment_run"), world.event), {"k": 0}
    )

    assert response.status_code == 200
    assert "k" in response.context["form"].errors
    assert Assignment.objects.count() == 1


def test_organizer_assigns_and_unassigns_by_hand(client, world):
    client.force_login(world.organizer)

    added = client.post(
        reverse("admin:reviews_assignment_add"),
        {"proposal": world.open_talk.pk, "reviewer": world.reviewer.pk},
    )
    assignment = Assignment.objects.get(proposal=world.open_talk)
    removed = client.post(
        reverse("admin:reviews_assignment_delete", args=[assignment.pk]), {"post": "yes"}
    )

    assert added.status_code == 302 and removed.status_code == 302
    assert assignment.automatic is False
    assert not Assignment.objects.filter(proposal=world.open_talk).exists()


def test_manual_assignment_respects_conflicts(client, world):
    world.team.members.add(world.speaker)
    client.force_login(world.organizer)

    response = client.post(
        reverse("admin:reviews_assignment_add"),
        {"proposal": world.proposal.pk, "reviewer": world.speaker.pk},
    )

    assert response.status_code == 200
    assert "conflict of interest" in str(response.context["adminform"].form.errors)
    assert not Assignment.objects.filter(reviewer=world.speaker).exists()


def test_assignment_list_shows_whether_reviewed(client, world):
    Assignment.objects.create(proposal=world.open_talk, reviewer=world.reviewer)
    client.force_login(world.organizer)

    response = client.get(reverse("admin:reviews_assignment_changelist"))

    reviewed = {a.proposal.title: a.is_reviewed for a in response.context["cl"].result_list}
    assert reviewed == {"Secret kernel talk": True, "Open talk": False}


# --- reviewer teams -----------------------------------------------------------------------


def test_organizer_makes_a_team_whose_members_become_staff(client, world):
    track = TrackFactory(event=world.event, name="Kernel")
    newcomer = UserFactory(email="Nina@Lectern.test")
    client.force_login(world.organizer)

    response = client.post(
        reverse("admin:reviews_reviewerteam_add"),
        {
            "event": world.event.pk,
            "name": "Track chairs",
            "members": [world.speaker.pk],
            "add_by_email": "nina@lectern.test",
            "tracks": [track.pk],
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    team = ReviewerTeam.objects.get(name="Track chairs")
    assert set(team.members.all()) == {world.speaker, newcomer}
    assert list(team.tracks.all()) == [track]
    assert all(u.is_staff for u in team.members.all())


def test_team_members_are_picked_from_the_organizers_events_only(client, world):
    stranger = UserFactory(email="stranger@lectern.test")
    client.force_login(world.organizer)

    form = client.get(reverse("admin:reviews_reviewerteam_add")).context["adminform"].form
    refused = client.post(
        reverse("admin:reviews_reviewerteam_add"),
        {"event": world.event.pk, "name": "T", "add_by_email": "nobody@lectern.test"},
    )

    candidates = set(form.fields["members"].queryset)
    assert {world.reviewer, world.speaker, world.organizer} <= candidates
    assert stranger not in candidates and world.other_reviewer not in candidates
    assert "No account has the address nobody@lectern.test" in str(
        refused.context["adminform"].form.errors
    )


def test_team_tracks_belong_to_the_teams_event(client, world):
    second = EventFactory(name="Second Summit", organizers=[world.organizer])
    foreign = TrackFactory(event=second, name="Foreign")
    own = TrackFactory(event=world.event, name="Own")
    client.force_login(world.organizer)

    change = client.get(reverse("admin:reviews_reviewerteam_change", args=[world.team.pk]))
    added = client.post(
        reverse("admin:reviews_reviewerteam_add"),
        {"event": world.event.pk, "name": "Mixed", "tracks": [foreign.pk]},
    )

    assert list(change.context["adminform"].form.fields["tracks"].queryset) == [own]
    assert "is a track of another event" in str(added.context["adminform"].form.errors)
    assert not ReviewerTeam.objects.filter(name="Mixed").exists()


# --- the event's review settings and criteria ----------------------------------------------


class FormData(HTMLParser):
    """What a browser would post from the form with the given id."""

    def __init__(self, html, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self.textarea = self.select = None
        self.feed(html)

    def add(self, name, value):
        if "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.add(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "button", "file", "reset"):
                self.add(a["name"], a.get("value", ""))
        elif tag == "textarea":
            self.textarea = [a["name"], ""]
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self.add(self.select, a.get("value", ""))

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            name, value = self.textarea
            self.add(name, value.removeprefix("\n"))
            self.textarea = None
        elif tag == "select":
            self.select = None


def test_event_page_edits_review_settings_in_the_event_timezone(client, world):
    client.force_login(world.organizer)
    url = reverse("admin:cfp_event_change", args=[world.event.pk])
    data = FormData(page(client.get(url)), "event_form").data
    data.update(
        {
            "review_settings-0-blind": ["on"],
            "review_settings-0-deadline_0": ["2030-03-01"],
            "review_settings-0-deadline_1": ["18:00:00"],
            "review_settings-0-reviews_per_proposal": ["2"],
            "review_criteria-0-name": ["Content"],
            "review_criteria-0-weight": ["3"],
            "review_criteria-TOTAL_FORMS": ["2"],
            "review_criteria-1-name": ["Delivery"],
            "review_criteria-1-min_score": ["0"],
            "review_criteria-1-max_score": ["10"],
            "review_criteria-1-labels": ["0 = None at all\n10 = Brilliant"],
            "review_criteria-1-weight": ["1"],
            "review_criteria-1-position": ["1"],
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    settings = selectors.settings_for(world.event)
    assert settings.blind and settings.reviews_per_proposal == 2
    # Typed in the event's time zone (Europe/Berlin, winter: UTC+1).
    assert settings.deadline == datetime(2030, 3, 1, 18, 0, tzinfo=world.event.tz)
    criteria = [
        (c.name, c.min_score, c.max_score, c.weight) for c in selectors.criteria_for(world.event)
    ]
    assert criteria == [("Content", 1, 5, 3), ("Delivery", 0, 10, 1)]


def test_event_page_refuses_a_criterion_without_a_scale(client, world):
    client.force_login(world.organizer)
    url = reverse("admin:cfp_event_change", args=[world.event.pk])
    data = FormData(page(client.get(url)), "event_form").data
    data["review_criteria-0-max_score"] = ["1"]

    response = client.post(url, data)

    assert response.status_code == 200
    assert "The highest score must be above the lowest." in page(response)
    assert selectors.criteria_for(world.event)[0].max_score == 5


def test_new_event_form_still_works_without_review_inlines(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:cfp_event_add"))

    assert response.status_code == 200
    assert "review_settings-TOTAL_FORMS" not in page(response)
