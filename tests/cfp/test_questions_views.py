"""The proposal form with the event's questions: saving, required on submit, track limits,
speaker answers shared across one event's proposals, retired questions."""

import re
from datetime import date

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from cfp.enums import ProposalState, QuestionKind, QuestionTarget
from cfp.models import Proposal
from cfp.models.questions import Answer
from tests.cfp.questions_setup import (
    PDF,
    PNG,
    checked_values,
    name,
    question,
    upload,
)
from tests.cfp.questions_setup import field_errors as form_errors
from tests.cfp.speaker_pages import close_cfp, event_url
from tests.factories import EventFactory, ProposalFactory, SpeakerFactory, TrackFactory
from tests.helpers import complete_data, input_value, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db):
    return EventFactory(timezone="Europe/Berlin")


def _create(client, event, data, files=None, **extra):
    body = {**data, **(files or {})}
    return client.post(event_url("proposal_create", event), body, **extra)


def _edit_url(proposal):
    return reverse(
        "cfp:proposal_edit", kwargs={"event": proposal.event.slug, "code": proposal.code}
    )


def test_every_kind_is_stored_as_documented(speaker_client, speaker, event):
    text = question(event, QuestionKind.TEXT)
    long = question(event, QuestionKind.LONG_TEXT)
    number = question(event, QuestionKind.NUMBER)
    url = question(event, QuestionKind.URL)
    day = question(event, QuestionKind.DATE)
    moment = question(event, QuestionKind.DATETIME)
    flag = question(event, QuestionKind.BOOLEAN, required=True)
    one = question(event, QuestionKind.CHOICE, options=["S", "M"])
    many = question(event, QuestionKind.MULTIPLE_CHOICE, options=["Rust", "Go", "C"])
    doc = question(event, QuestionKind.FILE, file_types=["pdf"])
    m = one.options.get(text="M")
    rust, c = many.options.get(text="Rust"), many.options.get(text="C")

    response = _create(
        speaker_client,
        event,
        complete_data(
            event,
            submit="1",
            **{
                name(text): "<script>alert(1)</script>",
                name(long): "Line one\r\nLine two",
                name(number): "3.50",
                name(url): "example.com",
                name(day): "2027-03-01",
                name(moment): "2027-03-01T10:30",
                name(flag): "no",
                name(one): str(m.pk),
                name(many): [str(rust.pk), str(c.pk)],
            },
        ),
        {name(doc): upload(PDF, "Mes diapos.pdf")},
    )

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.state == ProposalState.SUBMITTED
    values = {a.question_id: a for a in proposal.answers.all()}
    assert values[text.pk].value == "<script>alert(1)</script>"
    assert values[long.pk].value == "Line one\nLine two"
    assert values[number.pk].value == "3.5"
    assert values[url.pk].value == "https://example.com"
    assert values[day.pk].value == "2027-03-01"
    assert values[moment.pk].value == "2027-03-01T09:30:00+00:00"
    assert values[flag.pk].value == "no"
    assert values[one.pk].value == "" and list(values[one.pk].options.all()) == [m]
    assert set(values[many.pk].options.all()) == {rust, c}
    stored = values[doc.pk]
    assert stored.value == "" and stored.file_name == "Mes diapos.pdf"
    assert "Mes" not in stored.file.name and stored.file.name.startswith("answers/")
    assert storages["private"].open(stored.file.name).read() == PDF

    edit = speaker_client.get(_edit_url(proposal))
    body = page(edit)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    assert input_value(edit, name(moment)) == "2027-03-01T10:30"
    assert input_value(edit, name(number)) == "3.5"
    assert "Current file: Mes diapos.pdf" in body


def test_an_error_in_a_question_keeps_everything_typed(speaker_client, event):
    number = question(event, QuestionKind.NUMBER, max_number=10)
    other = question(event, QuestionKind.TEXT)
    data = complete_data(
        event, submit="1", title="Kept title", **{name(number): "11", name(other): "Kept answer"}
    )

    response = _create(speaker_client, event, data)

    assert Proposal.objects.count() == 0 and Answer.objects.count() == 0
    assert form_errors(response) == {
        name(number): ["Ensure this value is less than or equal to 10."]
    }
    assert input_value(response, "title") == "Kept title"
    assert input_value(response, name(other)) == "Kept answer"


def test_an_error_in_the_proposal_keeps_the_answers(speaker_client, event):
    q = question(event, QuestionKind.TEXT)

    response = _create(
        speaker_client, event, complete_data(event, submit="1", title="", **{name(q): "Mine"})
    )

    assert "title" in form_errors(response)
    assert input_value(response, name(q)) == "Mine"
    assert Answer.objects.count() == 0


def test_a_file_of_the_wrong_type_is_refused_and_nothing_saved(speaker_client, event):
    doc = question(event, QuestionKind.FILE, file_types=["pdf"])

    response = _create(
        speaker_client,
        event,
        complete_data(event, submit="1"),
        {name(doc): upload(PNG, "picture.pdf")},
    )

    assert form_errors(response)[name(doc)] == [
        "This file is not of an allowed type. Allowed: PDF."
    ]
    assert Proposal.objects.count() == 0
    assert (
        not storages["private"].exists("answers") or not storages["private"].listdir("answers")[1]
    )


def test_a_draft_may_leave_a_required_question_but_cannot_be_submitted(speaker_client, event):
    q = question(event, QuestionKind.TEXT, text="Benefits to the ecosystem?", required=True)

    _create(speaker_client, event, complete_data(event, draft="1"))
    draft = Proposal.objects.get()
    refused = speaker_client.post(
        reverse("cfp:proposal_submit", kwargs={"event": event.slug, "code": draft.code}),
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.state == ProposalState.DRAFT
    assert "not submitted: Please fill in: Benefits to the ecosystem?." in page(refused)
    submitted = speaker_client.post(
        _edit_url(draft), complete_data(event, submit="1", **{name(q): "Many."})
    )
    draft.refresh_from_db()
    assert submitted.status_code == 302
    assert draft.state == ProposalState.SUBMITTED
    assert draft.answers.get().value == "Many."


def test_submitting_the_form_without_a_required_answer_shows_the_error(speaker_client, event):
    q = question(event, QuestionKind.BOOLEAN, required=True)

    response = _create(speaker_client, event, complete_data(event, submit="1"))

    assert form_errors(response) == {name(q): ["This field is required."]}
    assert Proposal.objects.count() == 0


def test_track_limits_are_checked_on_the_server(speaker_client, event):
    dev, ops = TrackFactory(event=event, name="Dev"), TrackFactory(event=event, name="Ops")
    q = question(event, QuestionKind.TEXT, required=True, tracks=[dev], text="Repo?")

    for_ops = _create(
        speaker_client, event, complete_data(event, submit="1", track=ops.pk, **{name(q): "x"})
    )
    proposal = Proposal.objects.get()
    assert for_ops.status_code == 302
    assert proposal.state == ProposalState.SUBMITTED
    assert not proposal.answers.exists()  # typed before switching the track: not stored

    refused = speaker_client.post(_edit_url(proposal), complete_data(event, track=dev.pk))
    assert form_errors(refused) == {name(q): ["This field is required."]}

    speaker_client.post(_edit_url(proposal), complete_data(event, track=dev.pk, **{name(q): "r"}))
    assert proposal.answers.get().value == "r"

    speaker_client.post(_edit_url(proposal), complete_data(event, track=ops.pk, **{name(q): "r"}))
    assert not proposal.answers.exists()  # no longer applies: deleted


def test_the_form_marks_limited_questions_for_the_script(speaker_client, event):
    dev = TrackFactory(event=event, name="Dev")
    q = question(event, QuestionKind.CHOICE, options=["A"], tracks=[dev])

    body = page(speaker_client.get(event_url("proposal_create", event), follow=True))

    assert f'<div class="question" data-tracks="{dev.pk}">' in body
    assert name(q) in body
    assert "js/questions.js" in body
    assert 'enctype="multipart/form-data"' in body


def test_retired_questions_are_not_asked_and_their_answers_stay(speaker_client, speaker, event):
    q = question(event, QuestionKind.TEXT, required=True, text="Retired question?")
    proposal = ProposalFactory(event=event, speakers=[speaker], state=ProposalState.SUBMITTED)
    Answer.objects.create(question=q, proposal=proposal, value="Old answer")
    q.active = False
    q.save()

    form = speaker_client.get(_edit_url(proposal))
    saved = speaker_client.post(_edit_url(proposal), complete_data(event, save="1"))

    assert "Retired question?" not in page(form)
    assert saved.status_code == 302
    assert proposal.answers.get().value == "Old answer"


def test_speaker_answers_are_shared_by_one_events_proposals(speaker_client, speaker, event):
    size = question(
        event, QuestionKind.CHOICE, options=["S", "M"], target=QuestionTarget.SPEAKER, required=True
    )
    m = size.options.get(text="M")
    first = ProposalFactory(event=event, speakers=[speaker])
    second = ProposalFactory(event=event, speakers=[speaker])
    elsewhere = ProposalFactory(speakers=[speaker])

    speaker_client.post(_edit_url(first), complete_data(event, draft="1", **{name(size): m.pk}))

    answer = Answer.objects.get()
    assert answer.speaker == speaker and answer.proposal is None
    second_form = speaker_client.get(_edit_url(second))
    assert "About you" in page(second_form)
    assert checked_values(second_form, name(size)) == [str(m.pk)]
    assert "About you" not in page(speaker_client.get(_edit_url(elsewhere)))


def test_a_required_speaker_question_blocks_submission_until_answered(speaker_client, event):
    question(
        event, QuestionKind.TEXT, target=QuestionTarget.SPEAKER, required=True, text="Pronouns?"
    )
    speaker = SpeakerFactory()
    draft = ProposalFactory(event=event, speakers=[speaker])

    speaker_client.force_login(speaker)
    response = speaker_client.post(
        reverse("cfp:proposal_submit", kwargs={"event": event.slug, "code": draft.code}),
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.state == ProposalState.DRAFT
    assert "not submitted: Please fill in: Pronouns?." in page(response)


def test_a_new_required_question_is_asked_when_a_submitted_proposal_is_edited(
    speaker_client, speaker, event
):
    proposal = ProposalFactory(event=event, speakers=[speaker])
    proposal.submit(by=speaker)
    q = question(event, QuestionKind.TEXT, required=True)

    refused = speaker_client.post(_edit_url(proposal), complete_data(event, save="1", title="New"))
    proposal.refresh_from_db()

    assert form_errors(refused) == {name(q): ["This field is required."]}
    assert proposal.title != "New" and proposal.state == ProposalState.SUBMITTED


def test_replacing_a_file_deletes_the_old_one(
    speaker_client, speaker, event, django_capture_on_commit_callbacks
):
    doc = question(event, QuestionKind.FILE, file_types=["pdf"])
    proposal = ProposalFactory(event=event, speakers=[speaker])
    with django_capture_on_commit_callbacks(execute=True):
        speaker_client.post(
            _edit_url(proposal),
            {**complete_data(event, draft="1"), name(doc): upload(PDF, "a.pdf")},
        )
    old = Answer.objects.get().file.name

    with django_capture_on_commit_callbacks(execute=True):
        speaker_client.post(
            _edit_url(proposal),
            {**complete_data(event, draft="1"), name(doc): upload(PDF, "b.pdf")},
        )
    kept = speaker_client.post(_edit_url(proposal), complete_data(event, draft="1"))

    answer = Answer.objects.get()
    assert kept.status_code == 302
    assert answer.file_name == "b.pdf" and answer.file.name != old
    assert not storages["private"].exists(old)
    assert storages["private"].exists(answer.file.name)


def test_another_speakers_answers_are_never_shown(client, event):
    q = question(event, QuestionKind.TEXT, target=QuestionTarget.SPEAKER)
    owner = SpeakerFactory()
    Answer.objects.create(question=q, speaker=owner, value="Owner's secret")
    stranger = SpeakerFactory()
    proposal = ProposalFactory(event=event, speakers=[stranger])

    client.force_login(stranger)
    body = page(client.get(_edit_url(proposal)))

    assert "Owner's secret" not in body
    assert q.question in body


def test_an_optional_file_can_be_removed(
    speaker_client, speaker, event, django_capture_on_commit_callbacks
):
    doc = question(event, QuestionKind.FILE, file_types=["pdf"], text="Optional slides")
    proposal = ProposalFactory(event=event, speakers=[speaker])
    speaker_client.post(
        _edit_url(proposal), {**complete_data(event, draft="1"), name(doc): upload(PDF, "a.pdf")}
    )
    stored = Answer.objects.get().file.name

    form = page(speaker_client.get(_edit_url(proposal)))
    with django_capture_on_commit_callbacks(execute=True):
        speaker_client.post(
            _edit_url(proposal), {**complete_data(event, draft="1"), f"{name(doc)}_remove": "on"}
        )

    assert "Remove the file a.pdf" in form
    assert not Answer.objects.exists()
    assert not storages["private"].exists(stored)


def test_after_the_deadline_the_answers_are_shown_read_only(speaker_client, speaker, event):
    q = question(event, QuestionKind.TEXT, text="Kept question?")
    proposal = ProposalFactory(event=event, speakers=[speaker])
    Answer.objects.create(question=q, proposal=proposal, value="Kept answer")
    close_cfp(event)

    response = speaker_client.post(
        _edit_url(proposal), complete_data(event, draft="1", **{name(q): "Changed"})
    )

    body = page(response)
    assert "Kept question?" in body and 'value="Kept answer"' in body
    assert re.search(rf'<input[^>]*name="{name(q)}"[^>]*disabled', body)
    assert proposal.answers.get().value == "Kept answer"


def test_a_date_window_reaches_the_browser_picker(speaker_client, event):
    day = question(event, QuestionKind.DATE, min_date=date(2027, 1, 1), max_date=date(2027, 2, 1))

    body = page(speaker_client.get(event_url("proposal_create", event), follow=True))

    field = re.search(rf'<input[^>]*name="{name(day)}"[^>]*>', body).group(0)
    assert 'min="2027-01-01"' in field and 'max="2027-02-01"' in field


def test_file_names_and_help_texts_are_shown_as_text(speaker_client, speaker, event):
    doc = question(event, QuestionKind.FILE, file_types=["pdf"], help_text="<i>Slides</i> & notes")
    proposal = ProposalFactory(event=event, speakers=[speaker])
    speaker_client.post(
        _edit_url(proposal),
        {**complete_data(event, draft="1"), name(doc): upload(PDF, "<img src=x>.pdf")},
    )

    body = page(speaker_client.get(_edit_url(proposal)))

    assert Answer.objects.get().file_name == "<img src=x>.pdf"
    assert "<img src=x>" not in body and "<i>Slides</i>" not in body
    assert "&lt;img src=x&gt;.pdf" in body and "&lt;i&gt;Slides&lt;/i&gt; &amp; notes" in body
