"""Bad input in the proposal form: missing, too long, HTML, invalid Unicode, wrong types;
nothing saved, nothing active shown."""

import pytest

from cfp.enums import ProposalState
from cfp.models import Proposal
from cfp.models.proposal import ABSTRACT_MAX
from tests.cfp.bad_input import (
    CONTROL_CHARS,
    HTML_PAYLOADS,
    INVALID_BYTES,
    INVALID_CHOICE,
    INVALID_UTF8,
    LINE_BREAKS,
    MALICIOUS_MARKDOWN,
    MARKDOWN_FIELDS,
    MAX_LENGTHS,
    NO_HTML,
    NOT_CHANGED,
    NOT_SAVED,
    NUL_CHARS,
    ONE_LINE,
    TEXT_FIELDS,
    WORLD_TEXT,
    assert_no_active_content,
    assert_shown_escaped,
    create_url,
    edit_url,
    field_error,
    main_content,
    raw_body,
    shown_text,
    snapshot,
)
from tests.factories import EventFactory, SubmissionTypeFactory, TrackFactory
from tests.helpers import complete_data, page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("missing", ["submission_type", "experience_level", "abstract"])
def test_proposal_submit_without_a_required_field_is_refused(speaker_client, event, missing):
    data = complete_data(event)
    del data[missing]
    before = Proposal.objects.count()

    response = speaker_client.post(create_url(event), {**data, "submit": "1"})

    body = page(response)
    assert NOT_SAVED in body
    assert field_error(body, missing)
    assert "This field is required." in body
    assert Proposal.objects.count() == before


def test_proposal_submit_without_a_category_is_refused_when_the_event_has_tracks(
    speaker_client, event
):
    TrackFactory(event=event)

    response = speaker_client.post(create_url(event), {**complete_data(event), "submit": "1"})

    body = page(response)
    assert field_error(body, "track")
    assert "This field is required." in body
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize("title", ["", "   ", "\t\n"])
def test_proposal_draft_without_a_title_is_refused(speaker_client, event, title):
    response = speaker_client.post(create_url(event), {"title": title, "draft": "1"})

    body = page(response)
    assert NOT_SAVED in body
    assert field_error(body, "title")
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_proposal_too_long_text_is_refused(speaker_client, event, field):
    limit = MAX_LENGTHS[field]
    data = complete_data(event, **{field: "x" * (limit + 1)})

    response = speaker_client.post(create_url(event), {**data, "draft": "1"})

    body = page(response)
    assert NOT_SAVED in body
    assert f"This text has {limit + 1:,} characters; at most {limit:,} are allowed." in body
    assert field_error(body, field)
    assert Proposal.objects.count() == 0


def test_proposal_title_of_201_characters_is_refused_on_edit(speaker_client, proposal):
    before = snapshot(proposal)

    response = speaker_client.post(edit_url(proposal), {"title": "T" * 201, "draft": "1"})

    body = page(response)
    assert NOT_CHANGED in body
    assert "This text has 201 characters; at most 200 are allowed." in body
    assert snapshot(proposal) == before


def test_proposal_text_at_the_limit_is_accepted(speaker_client, event):
    data = complete_data(event, **{field: "x" * limit for field, limit in MAX_LENGTHS.items()})

    speaker_client.post(create_url(event), {**data, "draft": "1"})

    proposal = Proposal.objects.get()
    for field, limit in MAX_LENGTHS.items():
        assert len(getattr(proposal, field)) == limit


@pytest.mark.parametrize("payload", HTML_PAYLOADS)
def test_proposal_title_with_html_is_refused(speaker_client, event, payload):
    response = speaker_client.post(
        create_url(event), {**complete_data(event, title=payload), "submit": "1"}
    )

    body = page(response)
    assert NOT_SAVED in body
    assert NO_HTML in body
    assert field_error(body, "title")
    assert Proposal.objects.count() == 0
    assert_shown_escaped(body, payload)


@pytest.mark.parametrize("title", ["Generics: List<T> and Map<K, V>", "a < b > c in 5 minutes"])
def test_proposal_title_with_angle_brackets_that_are_not_html_is_accepted(
    speaker_client, event, title
):
    speaker_client.post(create_url(event), {**complete_data(event, title=title), "submit": "1"})

    assert Proposal.objects.get().title == title


@pytest.mark.parametrize("payload", HTML_PAYLOADS)
def test_proposal_title_with_html_is_refused_on_edit(speaker_client, proposal, payload):
    before = snapshot(proposal)

    response = speaker_client.post(edit_url(proposal), {"title": payload, "draft": "1"})

    body = page(response)
    assert NOT_CHANGED in body
    assert NO_HTML in body
    assert snapshot(proposal) == before


def test_proposal_markdown_fields_are_stored_as_typed_and_rendered_sanitised(speaker_client, event):
    data = complete_data(event, **dict.fromkeys(MARKDOWN_FIELDS, MALICIOUS_MARKDOWN))

    response = speaker_client.post(create_url(event), {**data, "draft": "1"}, follow=True)

    proposal = Proposal.objects.get()
    for field in MARKDOWN_FIELDS:
        assert getattr(proposal, field) == MALICIOUS_MARKDOWN
    body = page(response)
    assert response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    assert_no_active_content(body)
    assert main_content(body).count("<strong>bold</strong>") == len(MARKDOWN_FIELDS)
    assert "click me" in body
    # The markup is the author's text: shown as typed, not dropped.
    text = shown_text(body)
    assert text.count("<script>alert('xss')</script>") == len(MARKDOWN_FIELDS)
    assert text.count('<img src="x" onerror="alert(1)">') == len(MARKDOWN_FIELDS)


def test_proposal_edit_form_shows_markdown_with_html_escaped(speaker_client, proposal):
    proposal.abstract = MALICIOUS_MARKDOWN
    proposal.save()

    response = speaker_client.get(edit_url(proposal))

    body = page(response)
    assert_shown_escaped(body, MALICIOUS_MARKDOWN)
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in body
    assert "<script>alert" not in body
    assert "<img" not in main_content(body)
    assert 'href="javascript:' not in body


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_proposal_raw_invalid_utf8_is_refused(speaker_client, event, field):
    data = complete_data(event)
    del data[field]
    before = Proposal.objects.count()

    response = speaker_client.generic(
        "POST",
        create_url(event),
        data=raw_body({**data, "draft": "1"}, field, INVALID_BYTES),
        content_type="application/x-www-form-urlencoded",
    )

    body = page(response)
    assert NOT_SAVED in body
    assert INVALID_UTF8 in body
    assert field_error(body, field)
    assert Proposal.objects.count() == before


def test_proposal_raw_invalid_utf8_is_refused_on_edit(speaker_client, proposal):
    before = snapshot(proposal)

    response = speaker_client.generic(
        "POST",
        edit_url(proposal),
        data=raw_body({"draft": "1"}, "title", INVALID_BYTES),
        content_type="application/x-www-form-urlencoded",
    )

    body = page(response)
    assert NOT_CHANGED in body
    assert INVALID_UTF8 in body
    assert snapshot(proposal) == before


def test_proposal_percent_encoded_invalid_utf8_is_refused(speaker_client, event):
    response = speaker_client.generic(
        "POST",
        create_url(event),
        data=b"title=Caf%C3%28+%FF&draft=1",
        content_type="application/x-www-form-urlencoded",
    )

    assert INVALID_UTF8 in page(response)
    assert Proposal.objects.count() == 0


def test_proposal_raw_valid_utf8_is_accepted(speaker_client, event):
    speaker_client.generic(
        "POST",
        create_url(event),
        data=b"draft=1&title=" + WORLD_TEXT.encode("utf-8"),
        content_type="application/x-www-form-urlencoded",
    )

    assert Proposal.objects.get().title == WORLD_TEXT


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize(
    ("bad", "message"),
    [("\x00", NUL_CHARS), ("\x1b[31m", CONTROL_CHARS), ("\x07", CONTROL_CHARS)],
    ids=["nul", "escape", "bell"],
)
def test_proposal_control_characters_are_refused(speaker_client, event, field, bad, message):
    data = complete_data(event, **{field: f"Before{bad}after"})

    response = speaker_client.post(create_url(event), {**data, "submit": "1"})

    body = page(response)
    assert NOT_SAVED in body
    assert message in body
    assert field_error(body, field)
    assert Proposal.objects.count() == 0


def test_proposal_tabs_and_newlines_are_allowed_in_markdown(speaker_client, event):
    abstract = "Line one\r\n\tindented\nline three"

    speaker_client.post(create_url(event), {**complete_data(event, abstract=abstract), "draft": 1})

    assert Proposal.objects.get().abstract == "Line one\n\tindented\nline three"


@pytest.mark.parametrize("line_break", LINE_BREAKS)
def test_proposal_title_with_a_line_break_is_refused(speaker_client, event, line_break):
    title = f"First line{line_break}second line"

    response = speaker_client.post(
        create_url(event), {**complete_data(event, title=title), "submit": "1"}
    )

    body = page(response)
    assert NOT_SAVED in body
    assert ONE_LINE in body
    assert field_error(body, "title")
    assert Proposal.objects.count() == 0


def test_proposal_title_with_a_line_break_is_refused_on_edit(speaker_client, proposal):
    before = snapshot(proposal)

    response = speaker_client.post(edit_url(proposal), {"title": "One\ntwo", "draft": "1"})

    body = page(response)
    assert NOT_CHANGED in body
    assert ONE_LINE in body
    assert snapshot(proposal) == before


def test_proposal_submission_type_of_another_event_is_refused(speaker_client, event):
    foreign = SubmissionTypeFactory(event=EventFactory())

    response = speaker_client.post(
        create_url(event), {**complete_data(event, submission_type=foreign.pk), "submit": "1"}
    )

    body = page(response)
    assert NOT_SAVED in body
    assert INVALID_CHOICE in body
    assert field_error(body, "submission_type")
    assert Proposal.objects.count() == 0


def test_proposal_submission_type_of_another_event_is_refused_on_edit(speaker_client, proposal):
    foreign = SubmissionTypeFactory(event=EventFactory())
    before = snapshot(proposal)

    response = speaker_client.post(
        edit_url(proposal),
        {**complete_data(proposal.event, submission_type=foreign.pk), "draft": "1"},
    )

    assert INVALID_CHOICE in page(response)
    assert snapshot(proposal) == before


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "1 OR 1=1", "99999999999999999999"])
def test_proposal_non_integer_submission_type_is_refused(speaker_client, event, value):
    response = speaker_client.post(
        create_url(event), {**complete_data(event, submission_type=value), "draft": "1"}
    )

    body = page(response)
    assert NOT_SAVED in body
    assert INVALID_CHOICE in body
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize("foreign", [True, False], ids=["other-event", "not-an-id"])
def test_proposal_wrong_track_is_refused(speaker_client, event, foreign):
    TrackFactory(event=event)
    value = TrackFactory(event=EventFactory()).pk if foreign else "security"

    response = speaker_client.post(
        create_url(event), {**complete_data(event, track=value), "submit": "1"}
    )

    body = page(response)
    assert INVALID_CHOICE in body
    assert field_error(body, "track")
    assert Proposal.objects.count() == 0


def test_proposal_unknown_experience_level_is_refused(speaker_client, event):
    response = speaker_client.post(
        create_url(event), {**complete_data(event, experience_level="guru"), "submit": "1"}
    )

    body = page(response)
    assert "Select a valid choice. guru is not one of the available choices." in body
    assert Proposal.objects.count() == 0


def test_proposal_form_cannot_set_state_or_event(speaker_client, event):
    other_event = EventFactory()

    speaker_client.post(
        create_url(event),
        {
            "title": "Sneaky",
            "state": ProposalState.ACCEPTED,
            "event": other_event.pk,
            "code": "HACKED",
            "deadline_extension": "2999-01-01 00:00",
            "draft": "1",
        },
    )

    proposal = Proposal.objects.get()
    assert proposal.state == ProposalState.DRAFT
    assert proposal.event == event
    assert proposal.code != "HACKED"
    assert proposal.deadline_extension is None


def test_proposal_line_breaks_count_once_as_the_counter_shows(speaker_client, event):
    # Browsers send CRLF; a text at the limit in the browser must not be "too long".
    lines = ["x" * 99] * (ABSTRACT_MAX // 100)
    data = complete_data(event, abstract="\r\n".join(lines))
    assert len("\n".join(lines)) <= ABSTRACT_MAX < len(data["abstract"])

    speaker_client.post(create_url(event), {**data, "submit": "1"})

    assert Proposal.objects.get().abstract == "\n".join(lines)
