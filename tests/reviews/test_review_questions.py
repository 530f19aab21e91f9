"""The event's questions to reviewers: asked on the review form, validated, saved with the
review, shown to organizers with the reviews."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cfp.enums import QuestionKind, QuestionTarget
from reviews.models import Review, ReviewAnswer
from tests.factories import QuestionFactory, QuestionOptionFactory, ReviewerFactory, UserFactory
from tests.helpers import assigned_review_form, form_errors, page
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked():
    event, reviewer, proposal, url, scores = assigned_review_form()

    def ask(text, kind, **fields):
        return QuestionFactory(
            event=event, question=text, kind=kind, target=QuestionTarget.REVIEWER, **fields
        )

    attend = ask("Would you attend?", QuestionKind.BOOLEAN, required=True)
    hours = ask(
        "Hours of preparation",
        QuestionKind.NUMBER,
        min_number=Decimal("0.5"),
        max_number=Decimal(40),
    )
    note = ask("One word", QuestionKind.TEXT, max_length=20)
    slot = ask("Best slot", QuestionKind.CHOICE)
    options = [QuestionOptionFactory(question=slot, text=t) for t in ("Morning", "Evening")]
    retired = ask("Retired question", QuestionKind.TEXT, active=False)
    upload = ask("A file", QuestionKind.FILE)
    speaker_q = QuestionFactory(event=event, question="Speaker question", kind=QuestionKind.TEXT)
    return {
        "event": event,
        "reviewer": reviewer,
        "proposal": proposal,
        "url": url,
        "scores": scores,
        "attend": attend,
        "hours": hours,
        "note": note,
        "slot": slot,
        "options": options,
        "retired": retired,
        "upload": upload,
        "speaker_q": speaker_q,
    }


def name(question) -> str:
    return f"question_{question.pk}"


def test_the_review_form_asks_the_active_reviewer_questions_except_files(client, asked):
    client.force_login(asked["reviewer"])

    html = page(client.get(asked["url"]))

    for q in ("attend", "hours", "note", "slot"):
        assert f'name="{name(asked[q])}"' in html
    for q in ("retired", "upload", "speaker_q"):
        assert f'name="{name(asked[q])}"' not in html
    assert "Would you attend?" in html and "Evening" in html


def test_answers_are_saved_with_the_review_in_their_stored_form(client, asked):
    client.force_login(asked["reviewer"])
    data = {
        **asked["scores"],
        name(asked["attend"]): "no",
        name(asked["hours"]): "7.50",
        name(asked["note"]): "Ünïcode 🚀",
        name(asked["slot"]): str(asked["options"][1].pk),
    }

    response = client.post(asked["url"], data)

    assert response.status_code == 302
    review = Review.objects.get(proposal=asked["proposal"], reviewer=asked["reviewer"])
    saved = {a.question_id: a for a in ReviewAnswer.objects.filter(review=review)}
    assert saved[asked["attend"].pk].value == "no"
    assert saved[asked["hours"].pk].value == "7.5"
    assert saved[asked["note"].pk].value == "Ünïcode 🚀"
    assert list(saved[asked["slot"].pk].options.all()) == [asked["options"][1]]
    # The page shows them again as given.
    html = page(client.get(asked["url"]))
    assert 'value="7.5"' in html and 'value="Ünïcode 🚀"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("attend", "", "This field is required."),
        ("attend", "maybe", "Select a valid choice."),
        ("hours", "41", "less than or equal to 40"),
        ("hours", "0.1", "greater than or equal to 0.5"),
        ("hours", "many", "Enter a number."),
        ("note", "x" * 21, "at most 20 are allowed"),
        ("note", "bell\x07", "invisible control characters"),
        ("note", "bad \ufffd byte", "not valid UTF-8"),
        ("note", "two\nlines", "one line of text"),
        ("note", "<script>alert(1)</script>" * 2, "at most 20 are allowed"),
        ("slot", "999999", "Select a valid choice."),
    ],
)
def test_bad_answers_are_refused_next_to_the_field_and_nothing_is_saved(
    client, asked, field, value, message
):
    client.force_login(asked["reviewer"])
    data = {
        **asked["scores"],
        name(asked["attend"]): "yes",
        "comment": "My typed comment stays",
        name(asked[field]): value,
    }

    response = client.post(asked["url"], data)

    assert response.status_code == 200
    errors = form_errors(response)
    assert name(asked[field]) in errors
    assert message in " ".join(errors[name(asked[field])])
    assert not Review.objects.filter(proposal=asked["proposal"]).exists()
    assert not ReviewAnswer.objects.exists()
    assert "My typed comment stays" in page(response)


def test_clearing_an_optional_answer_deletes_it(client, asked):
    client.force_login(asked["reviewer"])
    first = {**asked["scores"], name(asked["attend"]): "yes", name(asked["note"]): "Great"}
    client.post(asked["url"], first)

    client.post(asked["url"], {**first, name(asked["note"]): ""})

    assert list(ReviewAnswer.objects.values_list("question__question", "value")) == [
        ("Would you attend?", "yes")
    ]


def test_the_service_refuses_a_missing_required_answer_and_foreign_questions(asked):
    from reviews import services

    with pytest.raises(services.ReviewRefused, match="Would you attend"):
        give_review(asked["proposal"], asked["reviewer"], 4, answers={})
    with pytest.raises(services.ReviewRefused, match="not asked"):
        give_review(
            asked["proposal"],
            asked["reviewer"],
            4,
            answers={asked["attend"].pk: ("yes", []), asked["speaker_q"].pk: ("x", [])},
        )
    assert not Review.objects.exists()


def test_organizers_see_the_answers_beside_the_reviews(client, asked):
    give_review(
        asked["proposal"],
        asked["reviewer"],
        4,
        answers={asked["attend"].pk: ("yes", []), asked["hours"].pk: ("12", [])},
    )
    organizer = UserFactory(is_staff=True)
    asked["event"].organizers.add(organizer)
    client.force_login(organizer)

    url = reverse("admin:reviews_rankedproposal_change", args=[asked["proposal"].pk])
    html = page(client.get(url))

    assert "Would you attend?" in html and "Hours of preparation" in html
    assert "<td>Yes</td>" in html and "<td>12</td>" in html


def test_other_reviewers_see_the_answers_only_where_they_see_the_review(client, asked):
    give_review(asked["proposal"], asked["reviewer"], 4, answers={asked["attend"].pk: ("no", [])})
    other = ReviewerFactory()
    asked["reviewer"].review_teams.first().members.add(other)
    from reviews.models import Assignment, ReviewSettings

    Assignment.objects.create(proposal=asked["proposal"], reviewer=other)
    ReviewSettings.objects.filter(event=asked["event"]).update(hide_others_until_scored=True)
    client.force_login(other)

    before = page(client.get(asked["url"]))
    give_review(asked["proposal"], other, 3, answers={asked["attend"].pk: ("yes", [])})
    after = page(client.get(asked["url"]))

    assert "Would you attend?: No" not in before
    assert "Would you attend?: No" in after


def test_dates_moments_and_several_choices_are_stored_as_documented(client, asked):
    event = asked["event"]
    moment = QuestionFactory(
        event=event, question="Start", kind=QuestionKind.DATETIME, target=QuestionTarget.REVIEWER
    )
    day = QuestionFactory(
        event=event,
        question="Day",
        kind=QuestionKind.DATE,
        target=QuestionTarget.REVIEWER,
        min_date="2027-01-01",
    )
    many = QuestionFactory(
        event=event,
        question="Tags",
        kind=QuestionKind.MULTIPLE_CHOICE,
        target=QuestionTarget.REVIEWER,
    )
    tags = [QuestionOptionFactory(question=many, text=t) for t in ("A", "B", "C")]
    client.force_login(asked["reviewer"])
    data = {
        **asked["scores"],
        name(asked["attend"]): "yes",
        name(moment): "2027-03-01T10:30",  # the event's zone: Europe/Berlin
        name(day): "2027-03-02",
        name(many): [str(tags[2].pk), str(tags[0].pk)],
    }

    early = client.post(asked["url"], {**data, name(day): "2026-12-31"})
    response = client.post(asked["url"], data)

    assert "on or after 2027-01-01" in " ".join(form_errors(early)[name(day)])
    assert response.status_code == 302
    saved = {a.question_id: a for a in ReviewAnswer.objects.all()}
    assert saved[moment.pk].value == "2027-03-01T09:30:00+00:00"
    assert saved[day.pk].value == "2027-03-02"
    assert sorted(o.text for o in saved[many.pk].options.all()) == ["A", "C"]
    html = page(client.get(asked["url"]))
    assert 'value="2027-03-01T10:30"' in html


def test_a_retired_questions_answers_stay_for_organizers_marked(client, asked):
    give_review(asked["proposal"], asked["reviewer"], 4, answers={asked["attend"].pk: ("no", [])})
    asked["attend"].active = False
    asked["attend"].save()
    organizer = UserFactory(is_staff=True)
    asked["event"].organizers.add(organizer)
    client.force_login(organizer)

    url = reverse("admin:reviews_rankedproposal_change", args=[asked["proposal"].pk])
    html = page(client.get(url))

    assert "Would you attend? (retired)" in html and "<td>No</td>" in html


def test_a_required_answer_given_before_is_kept_when_a_caller_leaves_it_out(asked):
    give_review(asked["proposal"], asked["reviewer"], 4, answers={asked["attend"].pk: ("yes", [])})

    give_review(asked["proposal"], asked["reviewer"], 5)

    review = Review.objects.get()
    assert review.score == 5
    assert list(review.answers.values_list("value", flat=True)) == ["yes"]
