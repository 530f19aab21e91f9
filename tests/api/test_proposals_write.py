"""Speakers create, edit, submit and withdraw their proposals through the API, by the CfP
form's rules and the pages' services: what the form refuses, the API refuses, and a refused
write changes nothing."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from cfp import decisions
from cfp.enums import MessageKind, ProposalState, QuestionKind, QuestionTarget
from cfp.models import AccessCode, Answer, CfP, Message, Proposal
from speakers.models import ApiTokenScope
from tests.api.helpers import assert_matches_schema, client_for
from tests.cfp.bad_input import (
    CONTROL_CHARS,
    HTML_PAYLOADS,
    INVALID_CHOICE,
    MAX_LENGTHS,
    NO_HTML,
    NUL_CHARS,
    ONE_LINE,
)
from tests.factories import (
    EventFactory,
    ProposalFactory,
    QuestionFactory,
    QuestionOptionFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db):
    return EventFactory(slug="devconf")


@pytest.fixture
def kind(event):
    return SubmissionTypeFactory(event=event, name="Talk")


@pytest.fixture
def writer(speaker):
    return client_for(speaker, scope=ApiTokenScope.WRITE)


def url(event, code=None, action=None):
    address = f"/api/v1/events/{event.slug}/proposals/"
    if code:
        address += f"{code}/"
    if action:
        address += f"{action}/"
    return address


def body(kind, **overrides):
    data = {
        "title": "Observability without tears",
        "submission_type": kind.pk,
        "experience_level": "intermediate",
        "abstract": "The speaker shows how tracing helps, in complete sentences.",
        "audience": "Operators.",
    }
    data.update(overrides)
    return data


def post(client, event, data, **kwargs):
    response = client.post(url(event, **kwargs), data, format="json")
    assert_matches_schema(response)
    return response


def patch(client, proposal, data, method="patch"):
    response = getattr(client, method)(url(proposal.event, proposal.code), data, format="json")
    assert_matches_schema(response)
    return response


# --- creating ---------------------------------------------------------------------------------


def test_create_draft_stores_it_with_the_caller_as_speaker(writer, event, kind, speaker):
    response = post(writer, event, body(kind))

    assert response.status_code == 201
    proposal = Proposal.objects.get(code=response.json()["code"])
    assert (proposal.title, proposal.state) == ("Observability without tears", "draft")
    assert list(proposal.speakers.all()) == [speaker]
    assert response.json()["viewed_as"] == "speaker"
    assert response.json()["url"] == url(event, proposal.code)
    assert not Message.objects.filter(proposal=proposal).exists()


def test_create_and_submit_queues_the_received_email(writer, event, kind, speaker):
    response = post(writer, event, body(kind, submit=True))

    assert response.status_code == 201
    assert response.json()["state"] == "submitted"
    proposal = Proposal.objects.get(code=response.json()["code"])
    assert proposal.state == ProposalState.SUBMITTED
    message = Message.objects.get(proposal=proposal)
    assert (message.kind, message.to) == (MessageKind.SUBMISSION_RECEIVED, speaker.email)
    assert [h["to_state"] for h in response.json()["history"]] == ["submitted"]


def test_create_with_a_read_token_is_403_and_stores_nothing(speaker, event, kind):
    response = client_for(speaker).post(url(event), body(kind), format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert not Proposal.objects.exists()


def test_create_anonymous_is_401(event, kind):
    response = post(client_for(), event, body(kind))

    assert response.status_code == 401
    assert not Proposal.objects.exists()


def test_create_in_a_hidden_event_is_404(writer, kind):
    hidden = EventFactory(is_public=False)

    response = post(writer, hidden, body(SubmissionTypeFactory(event=hidden)))

    assert response.status_code == 404
    assert not Proposal.objects.exists()


def test_create_after_the_deadline_is_refused(writer, event, kind):
    CfP.objects.filter(event=event).update(deadline=timezone.now() - timedelta(minutes=1))

    response = post(writer, event, body(kind))

    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": ["The call for papers is not open."]}
    assert not Proposal.objects.exists()


def test_create_after_the_deadline_with_a_valid_access_code(writer, event, kind):
    CfP.objects.filter(event=event).update(deadline=timezone.now() - timedelta(minutes=1))
    AccessCode.objects.create(
        event=event, code="late-speaker", valid_until=timezone.now() + timedelta(days=1)
    )

    response = post(writer, event, body(kind, access_code="LATE-speaker"))

    assert response.status_code == 201
    assert Proposal.objects.get().access_code.code == "late-speaker"


def test_create_with_an_unknown_access_code_is_refused(writer, event, kind):
    response = post(writer, event, body(kind, access_code="nope-nope"))

    assert response.status_code == 400
    assert "is not an access code" in response.json()["errors"]["access_code"][0]
    assert not Proposal.objects.exists()


def test_create_sent_twice_with_its_token_makes_one_proposal(writer, event, kind):
    token = "0b5e3f0a-8a4e-4f0e-9d5e-2f1c7a6b9c11"

    first = post(writer, event, body(kind, creation_token=token))
    again = post(writer, event, body(kind, creation_token=token, title="Changed"))

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]
    assert list(Proposal.objects.values_list("title", flat=True)) == ["Observability without tears"]


def test_create_with_an_incomplete_profile_and_submit_saves_nothing(event, kind):
    newcomer = UserFactory()  # no profile: no name nor biography
    client = client_for(newcomer, scope=ApiTokenScope.WRITE)

    response = post(client, event, body(kind, submit=True))

    assert response.status_code == 400
    assert "complete your profile" in response.json()["errors"]["non_field_errors"][0]
    assert not Proposal.objects.exists()


# --- bad input: the form's rules --------------------------------------------------------------


@pytest.mark.parametrize("field", list(MAX_LENGTHS))
def test_create_too_long_text_is_refused(writer, event, kind, field):
    limit = MAX_LENGTHS[field]

    response = post(writer, event, body(kind, **{field: "x" * (limit + 1)}))

    assert response.status_code == 400
    assert "Please shorten it by 1." in response.json()["errors"][field][0]
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("payload", HTML_PAYLOADS)
def test_create_title_with_html_is_refused(writer, event, kind, payload):
    response = post(writer, event, body(kind, title=payload))

    assert response.status_code == 400
    assert response.json()["errors"]["title"] == [NO_HTML]
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Broken \ud800 surrogate", CONTROL_CHARS),
        ("Bell \x07 inside", CONTROL_CHARS),
        ("Nul \x00 inside", NUL_CHARS),
        ("Two\nlines", ONE_LINE),
    ],
)
def test_create_title_with_broken_unicode_or_controls_is_refused(
    writer, event, kind, value, message
):
    # As JSON escapes (\\ud800): the test client's own encoder refuses a lone surrogate.
    raw = json.dumps(body(kind, title=value))
    response = writer.generic("POST", url(event), raw, content_type="application/json")
    assert_matches_schema(response)

    assert response.status_code == 400
    assert message in response.json()["errors"]["title"]
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("where", ["key", "access_code"])
def test_lone_surrogates_where_errors_would_repeat_them_are_refused(writer, event, kind, where):
    data = body(kind)
    if where == "key":
        data["ti\ud800tle"] = "x"
    else:
        data["access_code"] = "code\ud800"

    response = writer.generic("POST", url(event), json.dumps(data), content_type="application/json")

    assert_matches_schema(response)
    assert response.status_code == 400
    assert "not valid Unicode" in json.dumps(response.json()["errors"], ensure_ascii=False)
    assert not Proposal.objects.exists()


def test_create_raw_invalid_utf8_body_is_refused(writer, event):
    response = writer.generic(
        "POST", url(event), b'{"title": "caf\xe9"}', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", 42, "Give text."),
        ("title", None, "Give text."),
        ("abstract", ["a"], "Give text."),
        ("submission_type", "1", "Give an id (a whole number) or null."),
        ("submission_type", True, "Give an id (a whole number) or null."),
        ("submit", "yes", "Give true or false."),
        ("answers", {"1": "x"}, "Give a list of {question_id, value} objects."),
        ("state", "accepted", "Unknown field."),
        ("event", "other", "Unknown field."),
    ],
)
def test_create_wrong_types_and_unknown_fields_are_refused(
    writer, event, kind, field, value, message
):
    response = post(writer, event, body(kind, **{field: value}))

    assert response.status_code == 400
    assert response.json()["errors"][field][0].startswith(message)
    assert not Proposal.objects.exists()


def test_create_empty_title_is_refused(writer, event, kind):
    response = post(writer, event, body(kind, title="   "))

    assert response.status_code == 400
    assert response.json()["errors"]["title"] == ["This field is required."]
    assert not Proposal.objects.exists()


def test_submit_without_required_fields_names_each(writer, event, kind):
    response = post(writer, event, {"title": "Just a title", "submit": True})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"submission_type", "experience_level", "abstract"}
    assert not Proposal.objects.exists()


def test_create_submission_type_of_another_event_is_refused(writer, event, kind):
    foreign = SubmissionTypeFactory(event=EventFactory())

    response = post(writer, event, body(kind, submission_type=foreign.pk))

    assert response.status_code == 400
    assert response.json()["errors"]["submission_type"] == [INVALID_CHOICE]


def test_create_track_only_a_code_opens_is_refused(writer, event, kind):
    TrackFactory(event=event, name="Public")
    secret = TrackFactory(event=event, name="Sponsors", requires_access_code=True)

    response = post(writer, event, body(kind, track=secret.pk))

    assert response.status_code == 400
    assert response.json()["errors"]["track"] == [INVALID_CHOICE]


def test_create_field_the_event_does_not_ask_is_refused(writer, event, kind):
    CfP.objects.filter(event=event).update(field_settings={"audience": {"state": "not_asked"}})

    response = post(writer, event, body(kind, audience="Operators."))

    assert response.status_code == 400
    assert response.json()["errors"]["audience"] == ["This event's form does not ask this."]


# --- answers ----------------------------------------------------------------------------------


@pytest.fixture
def questions(event):
    text = QuestionFactory(event=event, question="Demo?", required=True)
    choice = QuestionFactory(event=event, question="Room?", kind=QuestionKind.CHOICE)
    small, big = (QuestionOptionFactory(question=choice, text=t) for t in ("Small", "Big"))
    several = QuestionFactory(event=event, question="Days?", kind=QuestionKind.MULTIPLE_CHOICE)
    monday, tuesday = (QuestionOptionFactory(question=several, text=t) for t in ("Mon", "Tue"))
    yes_no = QuestionFactory(event=event, question="Recorded?", kind=QuestionKind.BOOLEAN)
    number = QuestionFactory(event=event, question="Minutes?", kind=QuestionKind.NUMBER)
    when = QuestionFactory(event=event, question="Arrival?", kind=QuestionKind.DATE)
    about = QuestionFactory(event=event, question="Shirt size?", target=QuestionTarget.SPEAKER)
    return {
        "text": text,
        "choice": choice,
        "big": big,
        "small": small,
        "several": several,
        "monday": monday,
        "tuesday": tuesday,
        "yes_no": yes_no,
        "number": number,
        "when": when,
        "about": about,
    }


def test_create_with_answers_stores_each_kind(writer, event, kind, speaker, questions):
    q = questions
    answers = [
        {"question_id": q["text"].pk, "value": "Live"},
        {"question_id": q["choice"].pk, "value": q["big"].pk},
        {"question_id": q["several"].pk, "value": [q["monday"].pk, q["tuesday"].pk]},
        {"question_id": q["yes_no"].pk, "value": True},
        {"question_id": q["number"].pk, "value": 42.5},
        {"question_id": q["when"].pk, "value": "2027-04-16"},
        {"question_id": q["about"].pk, "value": "L"},
    ]

    response = post(writer, event, body(kind, answers=answers, submit=True))

    assert response.status_code == 201, response.json()
    proposal = Proposal.objects.get()
    stored = {a.question_id: a for a in Answer.objects.filter(proposal=proposal)}
    assert stored[q["text"].pk].value == "Live"
    assert list(stored[q["choice"].pk].options.all()) == [q["big"]]
    assert set(stored[q["several"].pk].options.all()) == {q["monday"], q["tuesday"]}
    assert stored[q["yes_no"].pk].value == "yes"
    assert stored[q["number"].pk].value == "42.5"
    assert stored[q["when"].pk].value == "2027-04-16"
    assert Answer.objects.get(speaker=speaker, question=q["about"]).value == "L"
    shown = {a["question_id"]: a for a in response.json()["answers"]}
    assert shown[q["choice"].pk]["options"] == [{"id": q["big"].pk, "text": "Big"}]
    assert shown[q["about"].pk]["target"] == "speaker"


def test_submit_without_a_required_answer_is_refused(writer, event, kind, questions):
    response = post(writer, event, body(kind, submit=True))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        f"answers.{questions['text'].pk}": ["This field is required."]
    }
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("text", "x" * 501, "Please shorten it by 1."),
        ("text", "Two\nlines", ONE_LINE),
        ("text", 12, "Give text."),
        ("choice", "Big", "Give an option's id."),
        ("choice", 999999, "Select a valid choice."),
        ("several", 1, "Give a list of option ids."),
        ("yes_no", "maybe", "Give true or false."),
        ("number", "many", "Enter a number."),
        ("when", "16/04/2027", "Enter a valid date."),
    ],
)
def test_bad_answers_are_refused_by_the_question_fields(
    writer, event, kind, questions, name, value, message
):
    answers = [{"question_id": questions[name].pk, "value": value}]

    response = post(writer, event, body(kind, answers=answers))

    assert response.status_code == 400
    assert message in response.json()["errors"][f"answers.{questions[name].pk}"][0]
    assert not Proposal.objects.exists()


def test_answer_to_another_events_question_is_refused(writer, event, kind):
    foreign = QuestionFactory(event=EventFactory())

    response = post(writer, event, body(kind, answers=[{"question_id": foreign.pk, "value": "x"}]))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        f"answers.{foreign.pk}": ["This is not a question of this event's form."]
    }


# --- editing ----------------------------------------------------------------------------------


@pytest.fixture
def draft(event, kind, speaker):
    return ProposalFactory(event=event, submission_type=kind, speakers=[speaker], notes="Mine")


def test_patch_changes_only_what_is_sent(writer, draft):
    response = patch(writer, draft, {"title": "Sharper title"})

    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.title, draft.notes, draft.abstract) == (
        "Sharper title",
        "Mine",
        "The speaker explains how things work, in complete sentences.",
    )
    assert response.json()["title"] == "Sharper title"


def test_patch_keeps_answers_not_sent(writer, event, draft, questions):
    first = [{"question_id": questions["text"].pk, "value": "Live"}]
    assert patch(writer, draft, {"answers": first}).status_code == 200

    response = patch(writer, draft, {"title": "Again", "submit": True})

    assert response.status_code == 200, response.json()
    assert Answer.objects.get(proposal=draft, question=questions["text"]).value == "Live"
    assert Proposal.objects.get(pk=draft.pk).state == ProposalState.SUBMITTED


def test_put_leaves_empty_what_is_not_sent(writer, draft, kind):
    response = patch(writer, draft, {"title": "Only this", "submission_type": kind.pk}, "put")

    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.title, draft.notes, draft.abstract) == ("Only this", "", "")


def test_patch_of_a_submitted_proposal_keeps_the_submission_rules(writer, draft):
    draft.submit(by=draft.speakers.first())

    response = patch(writer, draft, {"abstract": ""})

    assert response.status_code == 400
    assert response.json()["errors"]["abstract"] == ["This field is required."]
    assert Proposal.objects.get(pk=draft.pk).abstract != ""


def test_patch_after_the_deadline_is_refused_and_changes_nothing(writer, draft, event):
    CfP.objects.filter(event=event).update(deadline=timezone.now() - timedelta(minutes=1))

    response = patch(writer, draft, {"title": "Too late"})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["This proposal can no longer be edited."]
    }
    assert Proposal.objects.get(pk=draft.pk).title != "Too late"


def test_patch_after_the_deadline_with_an_extension(writer, draft, event):
    CfP.objects.filter(event=event).update(deadline=timezone.now() - timedelta(minutes=1))
    Proposal.objects.filter(pk=draft.pk).update(
        deadline_extension=timezone.now() + timedelta(days=1)
    )

    response = patch(writer, draft, {"title": "Granted more time"})

    assert response.status_code == 200
    assert Proposal.objects.get(pk=draft.pk).title == "Granted more time"


def test_patch_by_an_organizer_who_only_sees_it_is_403(draft, event):
    organizer = UserFactory(is_staff=True)
    event.organizers.add(organizer)
    draft.submit(by=draft.speakers.first())

    response = patch(client_for(organizer, scope=ApiTokenScope.WRITE), draft, {"title": "Mine"})

    assert response.status_code == 403
    assert Proposal.objects.get(pk=draft.pk).title != "Mine"


def test_patch_by_another_speaker_is_404(draft):
    other = client_for(SpeakerFactory(), scope=ApiTokenScope.WRITE)

    response = patch(other, draft, {"title": "Mine now"})

    assert response.status_code == 404
    assert Proposal.objects.get(pk=draft.pk).title != "Mine now"


def test_patch_with_a_read_token_is_403(speaker, draft):
    response = client_for(speaker).patch(
        url(draft.event, draft.code), {"title": "X"}, format="json"
    )

    assert response.status_code == 403
    assert Proposal.objects.get(pk=draft.pk).title != "X"


# --- submit and withdraw ----------------------------------------------------------------------


def test_submit_action_submits_a_draft(writer, draft):
    response = writer.post(url(draft.event, draft.code, "submit"))

    assert_matches_schema(response)
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    assert Proposal.objects.get(pk=draft.pk).state == ProposalState.SUBMITTED


def test_submit_action_of_an_incomplete_draft_is_refused(writer, draft):
    Proposal.objects.filter(pk=draft.pk).update(abstract="")

    response = writer.post(url(draft.event, draft.code, "submit"))

    assert_matches_schema(response)
    assert response.status_code == 400
    assert "Please fill in: Abstract." in response.json()["errors"]["non_field_errors"][0]
    assert Proposal.objects.get(pk=draft.pk).state == ProposalState.DRAFT


def test_withdraw_action_withdraws_a_submitted_proposal(writer, draft):
    draft.submit(by=draft.speakers.first())

    response = writer.post(url(draft.event, draft.code, "withdraw"))

    assert_matches_schema(response)
    assert response.status_code == 200
    assert Proposal.objects.get(pk=draft.pk).state == ProposalState.WITHDRAWN


def test_withdraw_refused_while_a_decision_is_unannounced(writer, draft, event):
    organizer = UserFactory(is_staff=True)
    event.organizers.add(organizer)
    draft.submit(by=draft.speakers.first())
    decisions.proposal_decide(proposal=draft, by=organizer, accept=False)

    response = writer.post(url(draft.event, draft.code, "withdraw"))

    assert_matches_schema(response)
    assert response.status_code == 400
    assert "you will hear from the organizers" in response.json()["errors"]["non_field_errors"][0]
    assert "reject" not in response.content.decode()
    assert Proposal.objects.get(pk=draft.pk).state == ProposalState.REJECTED
