"""The forms of the organizers' schedule page: where and when a talk or a break goes, and a
new published version.

They turn what the page posts (ids, an ISO day, "13:50") into the arguments of the
cfp.schedule services, refusing anything that is not this event's. The rules of the
schedule itself (which talks may be placed, which times exist) are the services'.
"""

import re
from datetime import date, time

from django import forms
from django.core.exceptions import ValidationError

from cfp.models import Event, Proposal, Room
from cfp.models.schedule import MAX_DURATION
from cfp.programme import schedule

CLOCK = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)(?::00)?\s*$")
ALL_ROOMS = ""


def day_label(day: date) -> str:
    """ "Thu, April 16": the days of one event need no year."""
    return f"{day:%a}, {day:%B} {day.day}"


def error_text(form: forms.Form) -> str:
    """A form's errors as one sentence list, each field's with its label."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        parts.extend(f"{label}: {e}" if label else e for e in errors)
    return " ".join(parts)


class WhereWhenForm(forms.Form):
    """A room (or every room, for a break), a day of the event and a wall-clock time there."""

    room = forms.ChoiceField(
        label="Room",
        error_messages={
            "required": "Choose a room.",
            "invalid_choice": "Choose one of this event's rooms.",
        },
    )
    day = forms.ChoiceField(
        label="Day",
        error_messages={
            "required": "Choose a day.",
            "invalid_choice": "Choose one of the event's days.",
        },
    )
    time = forms.CharField(
        label="Time",
        max_length=8,
        error_messages={
            "required": "Give a start time as HH:MM, e.g. 13:50.",
            "max_length": "Give a start time as HH:MM, e.g. 13:50.",
        },
    )
    duration = forms.IntegerField(
        label="Minutes",
        required=False,
        min_value=1,
        max_value=MAX_DURATION,
        error_messages={
            "min_value": f"A length is between 1 and {MAX_DURATION} minutes.",
            "max_value": f"A length is between 1 and {MAX_DURATION} minutes.",
            "invalid": "Give the length in whole minutes.",
        },
    )

    def __init__(self, *args, event: Event, rooms: list[Room], all_rooms: bool = False, **kw):
        super().__init__(*args, **kw)
        self.event = event
        self.rooms = {str(room.pk): room for room in rooms}
        choices = [(pk, room.name) for pk, room in self.rooms.items()]
        if all_rooms:
            choices.insert(0, (ALL_ROOMS, "All rooms"))
            self.fields["room"].required = False
        self.fields["room"].choices = choices
        self.fields["day"].choices = [
            (day.isoformat(), day_label(day)) for day in schedule.event_days(event)
        ]

    def clean_room(self) -> Room | None:
        return self.rooms.get(self.cleaned_data["room"])

    def clean_day(self) -> date:
        return date.fromisoformat(self.cleaned_data["day"])

    def clean_time(self) -> time:
        match = CLOCK.match(self.cleaned_data["time"])
        if match is None:
            raise ValidationError("Give a start time as HH:MM, e.g. 13:50.", code="bad_time")
        return time(int(match[1]), int(match[2]))

    def clean(self):
        data = super().clean()
        if "day" in data and "time" in data:
            # A wall-clock time the clocks skip that day is refused here, before any change.
            data["start"] = schedule.local_to_utc(self.event, data["day"], data["time"])
        return data


class PlaceForm(WhereWhenForm):
    """An accepted or confirmed talk of the event into the grid (or elsewhere in it)."""

    proposal = forms.ModelChoiceField(
        label="Talk",
        queryset=Proposal.objects.none(),
        error_messages={
            "required": "Choose a talk.",
            "invalid_choice": "That talk is not one of this event's.",
        },
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, event=event, **kwargs)
        # Any state but a draft (its speakers' alone): the service says why a talk that is
        # not accepted cannot be placed.
        self.fields["proposal"].queryset = (
            Proposal.objects.filter(event=event).beyond_drafts().select_related("submission_type")
        )


class BreakForm(WhereWhenForm):
    title = forms.CharField(label="Title", max_length=200, initial="Break")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, all_rooms=True, **kwargs)
        self.fields["duration"].required = True
        self.fields["duration"].error_messages["required"] = "Give the break's length in minutes."


class PublishForm(forms.Form):
    name = forms.CharField(
        label="Version",
        max_length=50,
        error_messages={"required": "Give the version a name, e.g. “2”."},
    )
    comment = forms.CharField(
        label="What changed",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Public, shown with the schedule. Markdown.",
    )
    notify = forms.BooleanField(
        label="Email the speakers of changed talks", required=False, initial=True
    )

    def __init__(self, *args, taken: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.taken = taken

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if name in self.taken:
            raise ValidationError(
                f"There is a version “{name}” already; please choose another name.",
                code="taken",
            )
        return name


def next_version_name(taken: set[str]) -> str:
    """The next free number: "1" for the first version, then "2", …"""
    number = len(taken) + 1
    numbers = [int(name) for name in taken if name.isdigit()]
    number = max([number, *(n + 1 for n in numbers)])
    while str(number) in taken:
        number += 1
    return str(number)
