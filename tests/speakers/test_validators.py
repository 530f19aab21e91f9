"""One-line fields hold one line: every kind of line break is refused with a clear message."""

import pytest
from django.core.exceptions import ValidationError

from cfp.models import CfP, Event, Proposal, Room, ScheduleVersion, SubmissionType, TalkSlot, Track
from reviews.models import Conflict, Criterion, ReviewerTeam
from speakers.models import SpeakerProfile
from speakers.validators import validate_one_line_text

ONE_LINE_FIELDS = [
    (Proposal, "title"),
    (SpeakerProfile, "name"),
    (SpeakerProfile, "affiliation"),
    (Event, "name"),
    (Event, "venue"),
    (SubmissionType, "name"),
    (Track, "name"),
    (Track, "description"),
    (Room, "name"),
    (TalkSlot, "title"),
    (ScheduleVersion, "name"),
    (ReviewerTeam, "name"),
    (Criterion, "name"),
    (Conflict, "reason"),
]
MULTI_LINE_FIELDS = [
    (Proposal, "abstract"),
    (Proposal, "notes"),
    (SpeakerProfile, "biography"),
    (CfP, "intro"),
    (Criterion, "labels"),
]
# What str.splitlines() splits on: LF, CR, VT, FF, the separators, NEL, U+2028, U+2029.
LINE_BREAKS = ["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
MESSAGE = "This field holds one line of text. Please remove the line breaks."


@pytest.mark.parametrize(("model", "name"), ONE_LINE_FIELDS)
@pytest.mark.parametrize("line_break", LINE_BREAKS)
def test_one_line_field_refuses_a_line_break(model, name, line_break):
    field = model._meta.get_field(name)

    with pytest.raises(ValidationError) as refused:
        field.run_validators(f"First{line_break}second")

    assert [error.code for error in refused.value.error_list] == ["line_break"]
    assert refused.value.messages == [MESSAGE]


@pytest.mark.parametrize(("model", "name"), ONE_LINE_FIELDS)
def test_one_line_field_accepts_one_line_of_any_script(model, name):
    model._meta.get_field(name).run_validators("Café – 東京 🚀 עברית\tList<T>")


@pytest.mark.parametrize(("model", "name"), MULTI_LINE_FIELDS)
def test_multi_line_field_keeps_accepting_line_breaks(model, name):
    model._meta.get_field(name).run_validators("First line\nsecond line\r\nthird")


def test_one_line_text_still_refuses_other_control_characters():
    with pytest.raises(ValidationError) as refused:
        validate_one_line_text("Bell\x07")

    assert [error.code for error in refused.value.error_list] == ["control_characters"]
