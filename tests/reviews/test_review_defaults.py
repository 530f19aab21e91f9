"""An event's review defaults: made with the event, never by reading them.

Every event has a ReviewSettings row and, until organizers replace it, the criterion
"Overall", 1–5, from the moment it is created (reviews.apps), and older events from
migration 0005. Reading them (reviews.selectors) writes nothing, even for an event that
somehow lacks them: it reads as the defaults.
"""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import ProposalState
from cfp.models import Event
from reviews import scores, selectors, services
from reviews.models import Assignment, Criterion, Review, ReviewSettings, Score
from tests.cfp.test_admin import new_event_data
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    UserFactory,
)
from tests.helpers import page
from tests.reviews.helpers import give_review

OVERALL = ("Overall", 1, 5, "1 = Poor\n2 = Weak\n3 = Fair\n4 = Good\n5 = Excellent", Decimal(1))
WRITES = ("INSERT", "UPDATE", "DELETE")


def criteria_rows(event) -> list[tuple]:
    return list(
        Criterion.objects.filter(event=event).values_list(
            "name", "min_score", "max_score", "labels", "weight"
        )
    )


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


# --- made with the event --------------------------------------------------------------------


@pytest.mark.django_db
def test_creating_an_event_creates_its_review_defaults():
    event = Event.objects.create(
        name="Plain Summit",
        slug="plain",
        timezone="UTC",
        start_date=date(2030, 5, 1),
        end_date=date(2030, 5, 2),
    )

    review_settings = ReviewSettings.objects.get(event=event)
    assert not review_settings.blind and review_settings.deadline is None
    assert review_settings.reviews_per_proposal == 3
    assert criteria_rows(event) == [OVERALL]


@pytest.mark.django_db
def test_an_event_added_in_the_staff_panel_has_its_review_defaults(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(reverse("admin:cfp_event_add"), new_event_data())

    assert response.status_code == 302
    event = Event.objects.get(slug="tokyo")
    assert ReviewSettings.objects.filter(event=event).count() == 1
    assert criteria_rows(event) == [OVERALL]


@pytest.mark.django_db
def test_factory_events_have_their_review_defaults():
    event = EventFactory()

    assert ReviewSettings.objects.filter(event=event).exists()
    assert criteria_rows(event) == [OVERALL]


@pytest.mark.django_db
def test_seeded_events_have_their_review_defaults():
    call_command("seed_demo", "--force", "--proposals", "12", "--reviewers", "3")

    event = Event.objects.get(slug="large-12")
    assert ReviewSettings.objects.get(event=event).reviews_per_proposal == 5
    assert criteria_rows(event) == [OVERALL]
    assert Score.objects.filter(review__proposal__event=event, criterion__name="Overall").exists()


@pytest.mark.django_db
def test_saving_an_event_again_adds_nothing(review_event):
    review_event.review_criteria.update(name="Relevance")
    review_event.name = "Renamed Summit"

    review_event.save()

    assert ReviewSettings.objects.filter(event=review_event).count() == 1
    assert list(review_event.review_criteria.values_list("name", flat=True)) == ["Relevance"]


@pytest.mark.django_db
def test_creating_the_defaults_again_keeps_what_organizers_chose(review_event):
    ReviewSettings.objects.filter(event=review_event).update(blind=True)
    review_event.review_criteria.all().delete()
    Criterion.objects.create(event=review_event, name="Content", max_score=10)

    services.review_defaults_create(event=review_event)

    assert ReviewSettings.objects.get(event=review_event).blind
    assert list(review_event.review_criteria.values_list("name", flat=True)) == ["Content"]


# --- reads write nothing --------------------------------------------------------------------


@pytest.fixture
def world(db):
    """An event with an organizer, a reviewer, one reviewed and one unreviewed proposal."""
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(name="Kernel Summit", organizers=[organizer])
    reviewer = ReviewerFactory(email="rita@kernel.org", profile__name="Rita Reviewer")
    team = ReviewerTeamFactory(event=event, name="Programme committee", members=[reviewer])
    reviewed, unreviewed = (
        ProposalFactory(event=event, title=title, state=ProposalState.SUBMITTED)
        for title in ("Reviewed talk", "Unreviewed talk")
    )
    give_review(reviewed, reviewer, 4, comment="Solid")
    Assignment.objects.create(proposal=unreviewed, reviewer=reviewer)
    return SimpleNamespace(
        organizer=organizer,
        event=event,
        reviewer=reviewer,
        team=team,
        reviewed=reviewed,
        unreviewed=unreviewed,
    )


def at_event(name: str, event) -> str:
    return f"{reverse(name)}?event={event.pk}"


ORGANIZER_PAGES = {
    "ranked list": lambda w: at_event("admin:reviews_rankedproposal_changelist", w.event),
    "proposal reviews": lambda w: reverse(
        "admin:reviews_rankedproposal_change", args=[w.reviewed.pk]
    ),
    "reviewer progress": lambda w: at_event("admin:reviews_rankedproposal_reviewers", w.event),
    "accept the top": lambda w: at_event("admin:reviews_rankedproposal_accept_top", w.event),
    "conflict list": lambda w: at_event("admin:reviews_conflict_changelist", w.event),
    "conflict suggestions": lambda w: at_event("admin:reviews_conflict_suggestions", w.event),
    "assignment list": lambda w: at_event("admin:reviews_assignment_changelist", w.event),
    "assignment run": lambda w: at_event("admin:reviews_assignment_run", w.event),
    "team list": lambda w: reverse("admin:reviews_reviewerteam_changelist"),
    "team page": lambda w: reverse("admin:reviews_reviewerteam_change", args=[w.team.pk]),
    "event with its review settings": lambda w: reverse(
        "admin:cfp_event_change", args=[w.event.pk]
    ),
    "exports page": lambda w: reverse("admin:cfp_event_exports", args=[w.event.pk]),
    "reviews csv": lambda w: at_event("admin:reviews_export_reviews_csv", w.event),
    "aggregates csv": lambda w: at_event("admin:reviews_export_proposals_csv", w.event),
    "reviews json": lambda w: at_event("admin:reviews_export_reviews_json", w.event),
    "remind reviewers": lambda w: at_event("admin:cfp_message_remind_reviewers", w.event),
}
REVIEWER_PAGES = {
    "queue": lambda w: reverse("admin:reviews_reviewqueueitem_changelist"),
    "review page": lambda w: reverse("admin:reviews_reviewqueueitem_change", args=[w.reviewed.pk]),
    "unreviewed review page": lambda w: reverse(
        "admin:reviews_reviewqueueitem_change", args=[w.unreviewed.pk]
    ),
    "conflict page": lambda w: reverse(
        "admin:reviews_reviewqueueitem_conflict", args=[w.unreviewed.pk]
    ),
}
PAGES = {
    **{name: ("organizer", url) for name, url in ORGANIZER_PAGES.items()},
    **{name: ("reviewer", url) for name, url in REVIEWER_PAGES.items()},
}


def get_capturing(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, queries


@pytest.mark.parametrize("name", PAGES)
def test_a_review_page_writes_nothing(client, world, name):
    # The stored score rows of new proposals catch up on the first ranked read, by design
    # (reviews.scores): that is not what this test is about, so they are in place first.
    scores.scores_include_new_proposals(world.event)
    role, url = PAGES[name]

    response, queries = get_capturing(client, getattr(world, role), url(world))

    assert response.status_code == 200, page(response)[:2000]
    assert writes(queries) == []


@pytest.fixture
def bare(world):
    """The world's event without its review defaults, as an event made around the app (a
    bulk_create, raw fixtures) would be, and without the review that used them."""
    Review.objects.filter(proposal__event=world.event).delete()
    ReviewSettings.objects.filter(event=world.event).delete()
    world.event.review_criteria.all().delete()
    return world


# The stored figures' pages are left out: their catch-up writes by design (reviews.scores).
BARE_PAGES = [n for n in PAGES if n not in ("ranked list", "proposal reviews", "accept the top")]


@pytest.mark.parametrize("name", BARE_PAGES)
def test_a_review_page_of_an_event_without_its_defaults_writes_nothing(client, bare, name):
    role, url = PAGES[name]

    response, queries = get_capturing(client, getattr(bare, role), url(bare))

    assert response.status_code == 200, page(response)[:2000]
    assert writes(queries) == []
    assert not ReviewSettings.objects.filter(event=bare.event).exists()
    assert not Criterion.objects.filter(event=bare.event).exists()


def test_an_event_without_its_defaults_reads_as_the_defaults(client, bare):
    review_settings = selectors.settings_for(bare.event)
    (criterion,) = selectors.criteria_for(bare.event)

    assert review_settings.pk is None and not review_settings.blind
    assert review_settings.is_open() and review_settings.reviews_per_proposal == 3
    assert criterion.pk is None
    assert (criterion.name, criterion.min_score, criterion.max_score) == ("Overall", 1, 5)
    assert (criterion.labels, criterion.weight) == (OVERALL[3], OVERALL[4])
    client.force_login(bare.reviewer)
    body = page(
        client.get(reverse("admin:reviews_reviewqueueitem_change", args=[bare.reviewed.pk]))
    )
    assert "Overall" in body and "4 – Good" in body
    assert not ReviewSettings.objects.filter(event=bare.event).exists()


def test_saving_a_review_gives_an_event_without_its_defaults_them(client, bare):
    client.force_login(bare.reviewer)
    url = reverse("admin:reviews_reviewqueueitem_change", args=[bare.unreviewed.pk])

    # The page offered the unsaved default; the first save makes it real and asks again.
    first = client.post(url, {"score_None": "4", "comment": "Fine", "_save": "Save"})
    (criterion,) = Criterion.objects.filter(event=bare.event)
    second = client.post(url, {f"score_{criterion.pk}": "4", "comment": "Fine", "_save": "Save"})

    assert first.status_code == 200 and "Please score “Overall”." in page(first)
    assert second.status_code == 302
    assert ReviewSettings.objects.filter(event=bare.event).count() == 1
    assert criteria_rows(bare.event) == [OVERALL]
    review = Review.objects.get(proposal=bare.unreviewed, reviewer=bare.reviewer)
    assert (review.score, review.comment) == (4.0, "Fine")


# --- existing events get theirs -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_back_to_the_latest_migrations")
def test_migration_gives_existing_events_their_review_defaults():
    before, after = [("reviews", "0004_one_line_fields")], [("reviews", "0005_review_defaults")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldEvent = old.get_model("cfp", "Event")
    OldSettings = old.get_model("reviews", "ReviewSettings")
    OldCriterion = old.get_model("reviews", "Criterion")

    def old_event(slug):
        return OldEvent.objects.create(
            name=slug, slug=slug, timezone="UTC", start_date="2030-01-01", end_date="2030-01-02"
        )

    bare, chosen, half = old_event("bare"), old_event("chosen"), old_event("half")
    OldSettings.objects.create(event=chosen, blind=True, reviews_per_proposal=2)
    OldCriterion.objects.create(event=chosen, name="Content", max_score=10)
    OldSettings.objects.create(event=half, blind=True)

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    new = executor.loader.project_state(after).apps
    NewSettings = new.get_model("reviews", "ReviewSettings")
    NewCriterion = new.get_model("reviews", "Criterion")
    rows = NewSettings.objects.order_by("event_id").values_list(
        "event_id", "blind", "reviews_per_proposal"
    )
    assert list(rows) == [(bare.pk, False, 3), (chosen.pk, True, 2), (half.pk, True, 3)]
    criteria = NewCriterion.objects.order_by("event_id").values_list(
        "event_id", "name", "min_score", "max_score", "labels", "weight"
    )
    assert list(criteria) == [
        (bare.pk, *OVERALL),
        (chosen.pk, "Content", 1, 10, "", Decimal(1)),
        (half.pk, *OVERALL),
    ]

    # Reversing keeps the rows (a no-op), and the migration runs again without doubling them.
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    assert NewSettings.objects.count() == 3 and NewCriterion.objects.count() == 3
