"""Organizers manage their event's questions in the staff panel, and see who lacks an answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import ProposalState, QuestionKind, QuestionTarget
from cfp.models.questions import Answer, Question
from tests.cfp.questions_setup import question
from tests.factories import (
    EventFactory,
    ProposalFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import FormData, form_errors, page, shown_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def own_event(organizer):
    return EventFactory(organizers=[organizer], name="Own Summit")


@pytest.fixture
def other_event(db):
    return EventFactory(organizers=[UserFactory(is_staff=True)], name="Other Summit")


@pytest.fixture
def staff(client, organizer):
    client.force_login(organizer)
    return client


def _change_url(q):
    return reverse("admin:cfp_question_change", args=[q.pk])


def _form_data(client, url) -> dict:
    data = FormData(page(client.get(url)), "question_form").data
    return {k: v if len(v) > 1 else v[0] for k, v in data.items()}


def _add_data(event, **overrides):
    data = {
        "event": event.pk,
        "target": QuestionTarget.PROPOSAL,
        "kind": QuestionKind.TEXT,
        "question": "Benefits to the ecosystem?",
        "help_text": "",
        "position": "1",
        "active": "on",
        "max_file_size": "10",
        "options-TOTAL_FORMS": "0",
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_organizer_adds_a_choice_question_limited_to_a_track(staff, own_event):
    dev = TrackFactory(event=own_event, name="Developer")
    url = reverse("admin:cfp_question_add")

    response = staff.post(
        url,
        _add_data(
            own_event,
            kind=QuestionKind.CHOICE,
            question="T-shirt size?",
            tracks=[dev.pk],
            **{
                "options-TOTAL_FORMS": "2",
                "options-0-text": "S",
                "options-0-position": "0",
                "options-1-text": "M",
                "options-1-position": "1",
            },
        ),
    )

    assert response.status_code == 302, form_errors(response)
    q = Question.objects.get()
    assert q.event == own_event and list(q.tracks.all()) == [dev]
    assert [o.text for o in q.options.all()] == ["S", "M"]


def test_a_choice_question_needs_a_choice(staff, own_event):
    response = staff.post(
        reverse("admin:cfp_question_add"), _add_data(own_event, kind=QuestionKind.CHOICE)
    )

    assert "A choice question needs at least one choice." in page(response)
    assert not Question.objects.exists()


def test_a_track_of_another_event_is_refused(staff, own_event, organizer):
    second = EventFactory(organizers=[organizer], name="Second Summit")
    theirs = TrackFactory(event=second)
    kind = SubmissionTypeFactory(event=second)

    response = staff.post(
        reverse("admin:cfp_question_add"),
        _add_data(own_event, tracks=[theirs.pk], submission_types=[kind.pk]),
    )

    errors = form_errors(response)
    assert errors["tracks"] == ["Choose only among this event's own."]
    assert errors["submission_types"] == ["Choose only among this event's own."]
    assert not Question.objects.exists()


def test_a_track_of_an_event_one_does_not_organize_is_not_even_offered(
    staff, own_event, other_event
):
    theirs = TrackFactory(event=other_event, name="Their secret track")

    form = page(staff.get(reverse("admin:cfp_question_add")))
    response = staff.post(
        reverse("admin:cfp_question_add"), _add_data(own_event, tracks=[theirs.pk])
    )

    assert "Their secret track" not in form
    assert "tracks" in form_errors(response)
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"min_length": "10", "max_length": "5"}, "max_length", "must not be below"),
        (
            {"kind": "number", "min_number": "5", "max_number": "1"},
            "max_number",
            "must not be below",
        ),
        ({"kind": "date", "min_date": "2027-02-01", "max_date": "2027-01-01"}, "max_date", "below"),
        ({"min_number": "1"}, "min_number", "does not apply"),
        ({"file_types": ["pdf"]}, "file_types", "does not apply"),
        ({"kind": "file", "target": "reviewer"}, "kind", "Reviewers cannot upload files."),
        ({"target": "reviewer", "is_public": "on"}, "is_public", "Only proposal and speaker"),
        ({"target": "reviewer", "is_identifying": "on"}, "is_identifying", "Only proposal"),
        ({"max_length": "100000"}, "max_length", "At most 500"),
        ({"question": "<script>x</script>"}, "question", "HTML is not allowed"),
    ],
)
def test_limits_are_validated(staff, own_event, overrides, field, message):
    response = staff.post(reverse("admin:cfp_question_add"), _add_data(own_event, **overrides))

    assert any(message in e for e in form_errors(response).get(field, [])), form_errors(response)
    assert not Question.objects.exists()


def test_file_types_are_checkboxes_and_saved(staff, own_event):
    form = page(staff.get(reverse("admin:cfp_question_add")))
    response = staff.post(
        reverse("admin:cfp_question_add"),
        _add_data(own_event, kind="file", file_types=["pdf", "png"], max_file_size="5"),
    )

    assert 'type="checkbox" name="file_types" value="pdf"' in form
    assert response.status_code == 302, form_errors(response)
    assert Question.objects.get().file_types == ["pdf", "png"]


def test_a_question_with_answers_cannot_change_kind(staff, own_event):
    q = question(own_event, QuestionKind.TEXT)
    Answer.objects.create(question=q, proposal=ProposalFactory(event=own_event), value="x")
    data = _form_data(staff, _change_url(q))

    response = staff.post(_change_url(q), {**data, "kind": QuestionKind.NUMBER})

    assert form_errors(response)["kind"] == [
        "This question has answers, so its kind cannot change. Add a new question."
    ]
    q.refresh_from_db()
    assert q.kind == QuestionKind.TEXT


def test_a_question_without_answers_can_change_kind_and_be_retired(staff, own_event):
    q = question(own_event, QuestionKind.TEXT)
    data = _form_data(staff, _change_url(q))
    data.pop("active")

    response = staff.post(_change_url(q), {**data, "kind": QuestionKind.LONG_TEXT})

    assert response.status_code == 302, form_errors(response)
    q.refresh_from_db()
    assert q.kind == QuestionKind.LONG_TEXT and not q.active


def test_deleting_a_question_with_answers_offers_retiring(staff, own_event):
    q = question(own_event, QuestionKind.TEXT, text="Keep me?")
    Answer.objects.create(question=q, proposal=ProposalFactory(event=own_event), value="x")

    response = staff.post(
        reverse("admin:cfp_question_delete", args=[q.pk]), {"post": "yes"}, follow=True
    )

    assert Question.objects.filter(pk=q.pk).exists()
    assert any("Untick “asked” to retire it" in text for _, text in shown_messages(response))


def test_deleting_a_question_without_answers(staff, own_event):
    q = question(own_event, QuestionKind.TEXT)

    staff.post(reverse("admin:cfp_question_delete", args=[q.pk]), {"post": "yes"})

    assert not Question.objects.exists()


def test_organizer_sees_only_own_events_questions(staff, own_event, other_event):
    question(own_event, text="Our question?")
    theirs = question(other_event, text="Their question?")

    listing = page(staff.get(reverse("admin:cfp_question_changelist")))
    change = staff.get(_change_url(theirs))
    post = staff.post(_change_url(theirs), {"question": "Hijacked?"})
    delete = staff.post(reverse("admin:cfp_question_delete", args=[theirs.pk]), {"post": "yes"})

    assert "Our question?" in listing and "Their question?" not in listing
    assert change.status_code == 404 and "Their question?" not in page(change)
    assert post.status_code == 404 and delete.status_code == 404
    theirs.refresh_from_db()
    assert theirs.question == "Their question?"


def test_a_new_question_cannot_go_to_another_organizers_event(staff, own_event, other_event):
    response = staff.post(reverse("admin:cfp_question_add"), _add_data(other_event))

    assert "event" in form_errors(response)
    assert not Question.objects.exists()


def test_speakers_and_plain_staff_cannot_open_the_questions(client, own_event):
    q = question(own_event)
    url = reverse("admin:cfp_question_changelist")
    assert client.get(url).status_code == 302
    client.force_login(SpeakerFactory())
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403
    assert client.get(_change_url(q)).status_code == 404  # not among the events they run


def test_the_question_page_lists_submitted_proposals_lacking_an_answer(staff, own_event):
    answered = ProposalFactory(event=own_event, title="Answered", state=ProposalState.SUBMITTED)
    lacking = ProposalFactory(event=own_event, title="Lacking", state=ProposalState.ACCEPTED)
    ProposalFactory(event=own_event, title="Just a draft")
    q = question(own_event, QuestionKind.TEXT, required=True, text="Added later?")
    Answer.objects.create(question=q, proposal=answered, value="yes")

    change = page(staff.get(_change_url(q)))
    listing = staff.get(reverse("admin:cfp_question_changelist"))

    assert "1 submitted proposal lacks an answer" in change
    assert reverse("admin:cfp_proposal_change", args=[lacking.pk]) in change
    assert "Answered" not in change.split("lacking-count")[1] and "Just a draft" not in change
    assert '<td class="field-missing">1</td>' in page(listing)


def test_the_question_list_counts_with_a_fixed_number_of_queries(staff, own_event):
    counts = []
    for size in (1, 10):
        for _ in range(size):
            track = TrackFactory(event=own_event)
            q = question(own_event, QuestionKind.CHOICE, options=["a", "b"], tracks=[track])
            q.required = True
            q.save()
            question(own_event, target=QuestionTarget.SPEAKER, required=True)
            ProposalFactory(event=own_event, state=ProposalState.SUBMITTED, track=track)
        with CaptureQueriesContext(connection) as ctx:
            response = staff.get(reverse("admin:cfp_question_changelist"))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 25


def test_a_chosen_choice_cannot_be_deleted_and_nothing_changes(staff, own_event):
    q = question(own_event, QuestionKind.CHOICE, text="T-shirt size?", options=["S", "M", "L"])
    small, medium, large = q.options.all()
    answer = Answer.objects.create(
        question=q, proposal=ProposalFactory(event=own_event, state=ProposalState.SUBMITTED)
    )
    answer.options.add(medium)
    data = _form_data(staff, _change_url(q))
    data["options-1-DELETE"] = "on"  # M, chosen
    data["options-2-DELETE"] = "on"  # L, never chosen
    data["question"] = "Shirt size?"

    response = staff.post(_change_url(q), data)

    assert "“M” cannot be deleted: speakers chose them" in page(response)
    q.refresh_from_db()
    assert q.question == "T-shirt size?"
    assert [o.text for o in q.options.all()] == ["S", "M", "L"]
    assert list(answer.options.all()) == [medium]

    data["options-1-DELETE"] = ""
    response = staff.post(_change_url(q), data)

    assert response.status_code == 302, form_errors(response)
    assert [o.text for o in q.options.all()] == ["S", "M"]
