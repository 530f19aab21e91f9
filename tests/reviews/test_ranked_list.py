"""The ranked list of proposals: its order, columns, filters and actions, and what it hides."""

import pytest
from django.urls import reverse

from cfp.enums import ProposalState
from reviews import selectors, services
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SubmissionTypeFactory,
    TrackFactory,
)
from tests.helpers import list_rows, list_titles, list_total, page
from tests.reviews.helpers import add_reviewed_proposals, count_queries, give_review, submitted

pytestmark = pytest.mark.django_db


# The list's columns as its ?o= parameter numbers them: the action checkbox comes first.
COLUMNS = {name: i for i, name in enumerate(
    ["action_checkbox", "title", "track", "state", "decision_email",
     "review_total", "mean", "median", "disagreement", "normalised_score"]
)}  # fmt: skip


def titles(client, event, **params):
    url = reverse("admin:reviews_rankedproposal_changelist")
    response = client.get(url, {"event": event.pk, **params})
    assert response.status_code == 200
    return list_titles(response)


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

    assert list_titles(default) == ["First talk"]
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

    assert list_titles(response) == ["Fair game"]
    assert "2 proposals are hidden because of your conflicts of interest" in page(response)
    assert reviews_page.status_code == 302
    assert "Great speaker" not in page(client.get(reviews_page.url))


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
        assert list_total(response) == event.proposals.count()
        counts.append(queries)

    assert counts[0] == counts[1], counts
