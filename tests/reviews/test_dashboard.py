"""The staff panel's first page, /admin/: the organizer's picture of one event, each figure
leading to its list; the reviewer's queues; and who sees what."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import get_format

from cfp.enums import ProposalState
from reviews.admin.dashboard import two_places
from reviews.models import Assignment, ReviewSettings
from tests.factories import EventFactory, ProposalFactory, UserFactory
from tests.helpers import choices, is_staff_panel_refusal, list_titles, page, table
from tests.reviews.dashboard_world import DASHBOARD, build_board, chart, links, text
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(db):
    return build_board()


def organizer_page(client, board, **params):
    client.force_login(board.organizer)
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    return response


# --- the organizer's figures -------------------------------------------------------------


def test_dashboard_counts_an_organizers_proposals_by_state_track_and_type(client, board):
    response = organizer_page(client, board)

    assert table(response, "By state") == [
        ["Submitted", "2"],
        ["Accepted", "1"],
        ["Confirmed", "1"],
        ["Rejected", "1"],
        ["Withdrawn", "1"],
    ]
    assert table(response, "Track") == [["Developer", "3"], ["Ops", "2"], ["No track", "1"]]
    assert table(response, "Submission type") == [["Talk", "4"], ["Workshop", "2"]]
    words = text(response)
    assert "6 proposals" in words
    # The draft is the speaker's own: counted apart, never listed or named.
    assert "1 draft not submitted yet (not listed)." in words
    assert "Secret draft" not in words
    assert "Other Summit" not in words and "Their talk" not in words


def test_each_figure_leads_to_the_list_it_counts(client, board):
    found = links(organizer_page(client, board))
    event = board.event.pk

    proposals = reverse("admin:cfp_proposal_changelist")
    assert found["Accepted"] == f"{proposals}?event__id__exact={event}&state__exact=accepted"
    assert (
        found["Developer"]
        == f"{proposals}?event__id__exact={event}&track__id__exact={board.dev.pk}"
    )
    assert found["No track"] == f"{proposals}?event__id__exact={event}&track__isnull=True"
    assert found["Workshop"] == (
        f"{proposals}?event__id__exact={event}&submission_type__id__exact={board.workshop.pk}"
    )
    outbox = reverse("admin:cfp_message_changelist")
    assert (
        found["Drafts waiting for you"] == f"{outbox}?event__id__exact={event}&state__exact=draft"
    )
    assert found["Schedule grid"] == reverse("admin:cfp_event_schedule", args=[event])
    assert found["Exports"] == reverse("admin:cfp_event_exports", args=[event])
    assert found["Assignment"] == f"{reverse('admin:reviews_assignment_changelist')}?event={event}"
    assert found["Email"] == f"{reverse('admin:cfp_groupemail_write')}?event={event}"
    assert found["1 accepted talk not confirmed yet"] == found["Accepted"]

    assert list_titles(client.get(found["Accepted"])) == ["Charlie"]
    assert sorted(list_titles(client.get(found["Developer"]))) == ["Alpha", "Charlie", "Delta"]
    assert sorted(list_titles(client.get(found["Ops"]))) == ["Bravo", "Echo"]


def test_every_link_of_the_organizers_dashboard_opens_a_page(client, board):
    found = links(organizer_page(client, board))

    assert len(found) > 30
    for words, url in found.items():
        response = client.get(url)
        assert response.status_code == 200, (words, url, response.status_code)


def test_cfp_and_schedule_times_are_the_events_with_its_zone(client, board):
    words = text(organizer_page(client, board))

    assert "Closed" in words
    assert "Deadline: March 1, 2025, 12:30 p.m. (America/Chicago)" in words
    assert "Last published: version 1.0, April 2, 2025, 11:05 a.m. (America/Chicago)." in words


def test_an_open_cfp_counts_down_to_its_deadline(client, board):
    board.event.cfp.deadline = timezone.now() + timedelta(days=3, hours=5)
    board.event.cfp.save()

    words = text(organizer_page(client, board))

    assert "Open" in words and "3 days, 4 hours to the deadline." in words


def test_submissions_per_day_are_counted_on_the_events_days_up_to_the_deadline(client, board):
    response = organizer_page(client, board)

    figures = chart(response, "submissions")
    assert figures["labels"][0] == "2025-02-09"  # 03:00 UTC on the 10th: the 9th in Chicago
    assert figures["labels"][-1] == figures["deadline"] == "2025-03-01"
    assert figures["counts"][:4] == [1, 1, 0, 4]
    assert sum(figures["counts"]) == 6
    assert table(response, "Proposals submitted per day")[1:] == [
        ["Feb. 9, 2025", "1", "1"],
        ["Feb. 10, 2025", "1", "2"],
        ["Feb. 12, 2025", "4", "6"],
    ]


def test_review_progress_names_the_reviewers_who_have_not_started(client, board):
    response = organizer_page(client, board)
    words = text(response)

    # Assigned: Alpha to Rita and Ivan, Bravo to Rita, Charlie to Lena; Ivan has not begun.
    assert "3 of 4 reviews done" in words
    assert "Not started yet (1): Ivan Idle" in words
    assert "3 of 5 proposals have a review" in words
    assert table(response, "Reviews by the score given") == [
        ["Reviewer", "Assigned", "Reviewed", "1", "2", "3", "4", "5", "Mean", "Against the event"],
        ["Ivan Idle not started", "1", "0", "0", "0", "0", "0", "0", "–", "–"],
        ["Lena Lenient", "1", "1", "0", "0", "0", "0", "1", "5.00", "+1.33"],
        ["Rita Harsh", "2", "2", "0", "1", "0", "1", "0", "3.00", "−0.67"],
    ]
    figures = chart(response, "reviewers")
    assert figures["labels"] == ["Rita Harsh", "Lena Lenient"]  # harshest first
    assert [d["counts"] for d in figures["datasets"]] == [[0, 0], [1, 0], [0, 0], [1, 0], [0, 1]]


def test_scores_per_track_come_from_the_stored_means(client, board):
    response = organizer_page(client, board)

    assert table(response, "Proposals by mean score") == [
        ["Track", "1", "2", "3", "4", "5", "Reviewed", "Mean"],
        ["Developer", "0", "0", "0", "1", "1", "2", "4.50"],
        ["Ops", "0", "1", "0", "0", "0", "1", "2.00"],
    ]
    figures = chart(response, "tracks")
    assert [(d["label"], d["counts"]) for d in figures["datasets"]] == [
        ("Developer", [0, 0, 0, 1, 1]),
        ("Ops", [0, 1, 0, 0, 0]),
    ]


def test_what_the_organizer_is_conflicted_on_counts_for_nobody(client, board):
    board.bravo.add_speaker(board.organizer)

    response = organizer_page(client, board)

    assert "2 of 3 reviews done" in text(response)
    rita = [row for row in table(response, "Reviews by the score given") if "Rita" in row[0]]
    assert rita == [["Rita Harsh", "1", "1", "0", "0", "0", "1", "0", "4.00", "−0.50"]]
    assert [row[0] for row in table(response, "Proposals by mean score")] == [
        "Track",
        "Developer",
    ]


def test_decisions_outbox_confirmations_and_schedule(client, board):
    response = organizer_page(client, board)
    words = text(response)

    assert "3 decisions taken" in words
    assert table(response, "Emails in the outbox") == [
        ["Drafts waiting for you", "1"],
        ["Queued for delivery", "0"],
        ["Failed", "1"],
        ["Sent", "1"],
    ]
    assert "1 decision email waits for you to send it." in words
    assert "1 accepted talk not confirmed yet" in words
    assert "2 talks placed" in words
    assert "1 of them confirmed; 0 accepted talks still to place." in words


def test_the_dashboard_writes_nothing(client, board):
    client.force_login(board.organizer)
    client.get(DASHBOARD)  # the session's first touch

    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD).status_code == 200

    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


# --- one event at a time -----------------------------------------------------------------


def test_an_organizer_of_one_event_gets_no_switcher(client, board):
    body = page(organizer_page(client, board))

    assert "Board Summit" in body and '<select name="event"' not in body


def test_an_organizer_of_several_events_switches_between_them(client, board):
    later = EventFactory(name="Later Summit", organizers=[board.organizer])
    later.start_date = board.event.start_date + timedelta(days=400)
    later.save()
    ProposalFactory(event=later, title="Later talk", state=ProposalState.SUBMITTED)

    first = organizer_page(client, board)
    chosen = organizer_page(client, board, event=board.event.pk)

    assert choices(first, "event") == {
        str(later.pk): "Later Summit",
        str(board.event.pk): "Board Summit",
    }
    assert "Event: Later Summit" in text(first) and "1 proposal" in text(first)
    assert "Event: Board Summit" in text(chosen) and "6 proposals" in text(chosen)


def test_another_organizers_event_does_not_exist_for_them(client, board):
    client.force_login(board.organizer)

    assert client.get(DASHBOARD, {"event": board.other.pk}).status_code == 404
    assert client.get(DASHBOARD, {"event": "x"}).status_code == 404


def test_a_superuser_sees_the_organizer_view_over_every_event(client, board):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get(DASHBOARD, {"event": board.other.pk})

    assert response.status_code == 200
    assert "Event: Other Summit" in text(response)
    assert set(choices(response, "event").values()) == {"Board Summit", "Other Summit"}


def test_a_superuser_without_events_is_offered_to_add_one(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(DASHBOARD)

    assert "No event yet" in text(response)
    assert links(response)["Add an event"] == reverse("admin:cfp_event_add")


# --- who gets what -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(DASHBOARD)

    assert response.status_code == 302 and "/login/" in response.url


def test_a_speaker_is_told_they_have_no_access(client, board):
    client.force_login(board.speaker)

    assert is_staff_panel_refusal(client.get(DASHBOARD))


def test_staff_with_no_role_get_a_clear_page(client, board):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    words = text(response)
    assert "Nothing to do here yet" in words
    assert "Board Summit" not in words and "Your reviews" not in words


def test_a_reviewer_sees_their_queue_and_continues_with_the_first_unreviewed(client, board):
    client.force_login(board.idle)

    response = client.get(DASHBOARD)

    words = text(response)
    assert "Your reviews" in words and "0 of 1 reviewed" in words and "1 left to review" in words
    assert "No review deadline." in words
    found = links(response)
    change = reverse("admin:reviews_reviewqueueitem_change", args=[board.alpha.pk])
    assert found["Continue reviewing"] == (
        f"{change}?_changelist_filters=event__id__exact%3D{board.event.pk}"
    )
    assert client.get(found["Continue reviewing"]).status_code == 200
    # Nothing of the organizer's picture.
    for absent in ("Call for papers", "Decisions and email", "Ranked proposals", "Ivan Idle 1"):
        assert absent not in words


def test_a_reviewer_continues_with_the_first_title_they_have_not_reviewed(client, board):
    # Alpha comes first A to Z, but Ivan has reviewed it: Bravo is the one to go on with.
    Assignment.objects.create(proposal=board.bravo, reviewer=board.idle)
    give_review(board.alpha, board.idle, 3)
    client.force_login(board.idle)

    response = client.get(DASHBOARD)

    assert "1 of 2 reviewed" in text(response) and "Next: “Bravo”" in text(response)
    change = reverse("admin:reviews_reviewqueueitem_change", args=[board.bravo.pk])
    assert links(response)["Continue reviewing"].startswith(f"{change}?")


def test_a_reviewer_in_blind_review_sees_no_speaker(client, board):
    ReviewSettings.objects.filter(event=board.event).update(blind=True)
    client.force_login(board.rita)

    response = client.get(DASHBOARD)

    body = page(response)
    assert "2 of 2 reviewed" in text(response)
    for identity in ("Sam Speakerson", "sam.speaker@board.test", "ACME", "Olga"):
        assert identity not in body


def test_after_the_review_deadline_the_reviewer_is_not_sent_to_review(client, board):
    ReviewSettings.objects.filter(event=board.event).update(
        deadline=timezone.now() - timedelta(hours=1)
    )
    client.force_login(board.idle)

    response = client.get(DASHBOARD)

    assert "reviews are read-only now" in text(response)
    assert "Continue reviewing" not in links(response)


def test_a_reviewer_who_is_done_is_thanked(client, board):
    give_review(board.alpha, board.idle, 3)
    client.force_login(board.idle)

    words = text(client.get(DASHBOARD))

    assert "1 of 1 reviewed" in words and "All reviewed. Thank you!" in words


def test_an_organizer_who_reviews_sees_both(client, board):
    board.event.organizers.add(board.idle)
    client.force_login(board.idle)

    words = text(client.get(DASHBOARD))

    assert "Event: Board Summit" in words and "Your reviews" in words


def test_all_sections_of_the_panel_stay_reachable(client, board):
    found = links(organizer_page(client, board))

    for section in ("Proposals", "Outbox messages", "Ranked proposals", "Reviewer teams"):
        assert section in found, section
    assert found["Proposals"] == reverse("admin:cfp_proposal_changelist")


def test_a_decided_proposal_leaves_the_reviewers_count_and_is_not_offered(client, board):
    Assignment.objects.create(proposal=board.charlie, reviewer=board.idle)  # accepted
    client.force_login(board.idle)

    words = text(client.get(DASHBOARD))
    assert "0 of 1 reviewed" in words  # Alpha only

    give_review(board.alpha, board.idle, 3)
    words = text(client.get(DASHBOARD))
    assert "1 of 1 reviewed" in words and "All reviewed. Thank you!" in words


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_reviewers_means_are_written_as_floatformat_writes_them(language):
    values = [i / 7 for i in range(-30, 80)] + [2.675, 1.005, 0.125, -0.001, 4.5, 0.0, 3.0]
    with translation.override(language):
        mark = get_format("DECIMAL_SEPARATOR")
        assert [two_places(v, mark) for v in values] == [floatformat(v, 2) for v in values]
