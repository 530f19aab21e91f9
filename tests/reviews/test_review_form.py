"""The review page: the proposal read-only, the scoring form, saving, next and skip, bad input,
the deadline."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from reviews import selectors
from reviews.models import Assignment, Criterion, Review, Score
from tests.factories import ReviewerFactory, ReviewerTeamFactory, SpeakerFactory, TrackFactory
from tests.helpers import FormData, choices, page
from tests.reviews.helpers import give_review
from tests.reviews.reviewer_pages import (
    QUEUE_URL,
    messages_of,
    overall,
    review_url,
    score_data,
    set_review_settings,
    submitted_for,
)

pytestmark = pytest.mark.django_db


def test_review_page_shows_the_proposal_read_only(client, review_event, reviewer):
    speaker = SpeakerFactory(
        profile__name="Ada Open",
        profile__affiliation="Open Labs",
        profile__biography="Maintains **three** compilers.",
    )
    proposal = submitted_for(
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

    response = client.get(review_url(talk))

    body = page(response)
    relevance, depth = (f"score_{c.pk}" for c in selectors.criteria_for(review_event))
    assert body.index("<legend>Relevance</legend>") < body.index(f'for="id_{depth}">Depth:<')
    assert choices(response, relevance) == {"1": "1 – Off topic", "2": "2", "3": "3 – Spot on"}
    assert f'<input type="radio" name="{relevance}"' in body
    # 21 values: a drop-down, which starts with "Choose a score"
    assert choices(response, depth) == {str(n): str(n) for n in range(21)}
    assert re.search(
        rf'<select name="{depth}"[^>]*>\s*<option value="" selected>Choose a score<', body
    )


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
    shown = FormData(page(followed), "review_form").data
    assert shown[f"score_{content.pk}"] == ["5"]
    assert shown["comment"] == ["Great topic,\nweak slides."]


def test_saving_again_updates_the_review(client, review_event, reviewer, talk):
    give_review(talk, reviewer, 2, comment="First look.")
    client.force_login(reviewer)

    client.post(review_url(talk), score_data(review_event, 5, comment="Second look."))

    review = Review.objects.get(proposal=talk, reviewer=reviewer)
    assert (review.score, review.comment) == (5, "Second look.")
    assert review.scores.get().value == 5


def test_save_and_next_goes_to_the_next_unreviewed(client, review_event, reviewer):
    first, second, third, fourth = (
        submitted_for(review_event, f"{letter} talk", reviewer) for letter in "ABCD"
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
    first, second = (submitted_for(review_event, f"{letter} talk", reviewer) for letter in "AB")
    client.force_login(reviewer)

    response = client.post(review_url(second), score_data(review_event, 4, _next="1"))

    assert response.url == review_url(first)


def test_next_keeps_the_list_filters(client, review_event, reviewer):
    kernel = TrackFactory(event=review_event, name="Kernel")
    first = submitted_for(review_event, "A kernel talk", reviewer, track=kernel)
    submitted_for(review_event, "B other talk", reviewer)
    third = submitted_for(review_event, "C kernel talk", reviewer, track=kernel)
    client.force_login(reviewer)
    filters = f"_changelist_filters=track__id__exact%3D{kernel.pk}"

    response = client.post(f"{review_url(first)}?{filters}", score_data(review_event, 4, _next="1"))

    assert response.url == f"{review_url(third)}?{filters}"


def test_skip_saves_nothing_and_goes_to_the_next_unreviewed(client, review_event, reviewer):
    first, second, third = (submitted_for(review_event, f"{x} talk", reviewer) for x in "ABC")
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
    fields = [
        m.group(0)
        for m in re.finditer(
            r'<(?:input|select|textarea)\b[^>]*name="(?:score_\d+|comment|feedback)"[^>]*>', body
        )
    ]
    assert fields and all(" disabled" in field for field in fields)
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
    assert "You can change your review until March 1, 2031, 6 p.m. (Europe/Berlin)." in body
