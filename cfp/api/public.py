"""The public programme in the API, without a token: an event's published schedule and its
talks, exactly as the public pages show them (cfp.programme.published), never more.

Only public events, only the newest published version of their schedule, only talks that
are confirmed now (cfp.programme.schedule.public_slots): a hidden event, an event without a
published schedule, and a talk the public may not see are 404s, for everyone. The same
answer with a token as without.

Costs, whatever the size of the programme: the schedule 6 queries (2 while its document is
cached, for PROGRAMME_CACHE_SECONDS per published version, as the schedule page is); a page
of talks 8 (9 with a filter), a talk 8.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cfp import answers
from cfp.api.base import EventScoped
from cfp.api.public_serializers import PublicTalkSerializer, ScheduleSerializer
from cfp.fields import not_asked
from cfp.models import Event, PublishedSlot, ScheduleVersion, SubmissionType, Track
from cfp.programme import published
from cfp.programme.feeds import talk_url

# The public pages' own builders of a talk (private to cfp.programme.published): the API
# reads the same rows and makes the same records as the pages, so it shows what they show.
from cfp.programme.published import _public_talk as public_talk_of
from cfp.programme.published import _talk_rows as talk_rows
from config.api import errors

# The public's error answers, worded for the programme.
PUBLIC_ERRORS = {
    400: "A query parameter that cannot be used (a filter, the cursor, the page size).",
    401: "A token that is not valid (unknown, expired or revoked): send none to read as "
    "the public.",
    404: "No such public event, no published schedule, or no such talk in it.",
}


class PublicProgramme(EventScoped):
    """Under /events/<slug>/: public events only, for everyone (organizers included: this is
    the public's view), and their newest published schedule version."""

    permission_classes = [AllowAny]

    def may_see_event(self, event: Event) -> bool:
        return event.is_public

    @cached_property
    def version(self) -> ScheduleVersion:
        version = published.current_version(self.event)
        if version is None:
            raise NotFound(_("The programme has not been published yet."))
        return version


# --- the schedule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleSlot:
    kind: str  # "talk" or "break"
    start: datetime
    end: datetime
    room: str  # "": a break in every room
    room_position: int
    title: str
    code: str = ""
    track: str = ""
    type: str = ""
    speakers: tuple[published.PublicSpeaker, ...] = ()


def schedule_document(event: Event) -> dict:
    """The published schedule: rooms, and the talks and breaks that have a time (4 queries)."""
    prog = published.programme(event)
    slots = [
        ScheduleSlot(
            "talk",
            talk.start,
            talk.end,
            talk.room,
            talk.room_position,
            talk.title,
            talk.code,
            talk.track,
            talk.submission_type,
            talk.speakers,
        )
        for talk in prog.scheduled_talks
    ]
    slots += [
        ScheduleSlot("break", item.start, item.end, item.room, item.room_position, item.title)
        for item in prog.breaks
    ]
    slots.sort(key=lambda s: (s.start, s.room_position, s.room, s.end, s.title, s.kind))
    rooms = sorted({(slot.room_position, slot.room) for slot in slots if slot.room})
    return ScheduleSerializer(
        {
            "version": prog.version,
            "event": event,
            "rooms": [{"name": name, "position": position} for position, name in rooms],
            "slots": slots,
        }
    ).data


class Schedule(PublicProgramme, APIView):
    """The event's published schedule: its version, the event's time zone, the rooms, and
    every talk and break with a time (UTC). Talks still without a time are in /talks/."""

    @extend_schema(
        operation_id="schedule_retrieve",
        responses={200: ScheduleSerializer, **errors(401, 404, texts=PUBLIC_ERRORS)},
    )
    def get(self, request, event: str):
        version = self.version
        key = f"api-schedule:{self.event.pk}:{version.pk}"
        document = cache.get(key)
        if document is None:
            document = schedule_document(self.event)
            cache.set(key, document, settings.PROGRAMME_CACHE_SECONDS)
        return Response(document)


# --- talks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeakerRecord:
    speaker: published.PublicSpeaker
    answers: list


@dataclass(frozen=True)
class TalkRecord:
    talk: published.PublicTalk
    url: str
    track_id: int | None
    type_id: int | None
    slot: dict | None
    speakers: list[SpeakerRecord]
    answers: list


def _asked(request, name: str, queryset):
    view = request.parser_context["view"]
    # A field the event does not ask is not on its pages: it filters nothing either.
    return queryset.none() if name in not_asked(view.event) else queryset.filter(event=view.event)


def _event_tracks(request):
    return _asked(request, "track", Track.objects.all())


def _event_types(request):
    return _asked(request, "submission_type", SubmissionType.objects.all())


class TalkFilter(filters.FilterSet):
    track = filters.ModelChoiceFilter(
        field_name="proposal__track",
        queryset=_event_tracks,
        help_text=_("A track's id (`track_id` of a talk): that track's talks."),
    )
    type = filters.ModelChoiceFilter(
        field_name="proposal__submission_type",
        queryset=_event_types,
        help_text=_("A submission type's id (`type_id` of a talk): talks of that type."),
    )

    class Meta:
        model = PublishedSlot
        fields = ["track", "type"]


@extend_schema_view(
    list=extend_schema(
        operation_id="talks_list",
        responses={200: PublicTalkSerializer, **errors(400, 401, 404, texts=PUBLIC_ERRORS)},
    ),
    retrieve=extend_schema(
        operation_id="talks_retrieve",
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, description=_("The talk's code."))
        ],
        responses={200: PublicTalkSerializer, **errors(401, 404, texts=PUBLIC_ERRORS)},
    ),
)
class Talks(PublicProgramme, viewsets.GenericViewSet):
    """The confirmed talks of the event's published schedule, as their public pages show
    them: abstract (Markdown and HTML), track, type, level, time and room, speakers with
    their public profile and answers, the public answers, slides. By code; `?track=` and
    `?type=` filter."""

    queryset = PublishedSlot.objects.none()  # what the schema reads; see get_queryset
    serializer_class = PublicTalkSerializer
    filterset_class = TalkFilter
    lookup_field = "code"
    lookup_url_kwarg = "code"
    ordering = "code"
    ordering_fields = ["code"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema, without an event
            return self.queryset
        # The code as a column of its own: the cursor's position and the order.
        return talk_rows(self.version).annotate(code=F("proposal__code"))

    def get_object(self):
        row = self.get_queryset().filter(code=self.kwargs["code"]).first()
        if row is None:
            raise NotFound(_("No such talk in the programme."))
        return row

    def list(self, request, event: str):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(self.records(page), many=True).data)

    def retrieve(self, request, event: str, code: str):
        return Response(self.get_serializer(self.records([self.get_object()])[0]).data)

    def records(self, rows: Sequence[PublishedSlot]) -> Sequence[TalkRecord]:
        """The rows as the pages show them, with the public answers (4 queries)."""
        event = self.event
        talks = [public_talk_of(row, event) for row in rows]
        talk_answers = answers.proposal_answers(
            talks, answers.PUBLISHED, event=event, with_speakers=False
        )
        speaker_ids = {speaker.pk for talk in talks for speaker in talk.speakers}
        speaker_answers = answers.speaker_answers(speaker_ids, answers.PUBLISHED, event=event)
        return [
            TalkRecord(
                talk=talk,
                url=talk_url(event, talk.code),
                track_id=row.proposal.track_id if talk.track else None,
                type_id=row.proposal.submission_type_id if talk.submission_type else None,
                slot=(
                    {"room": talk.room, "start": talk.start, "end": talk.end}
                    if talk.is_scheduled
                    else None
                ),
                speakers=[
                    SpeakerRecord(speaker, speaker_answers.get(speaker.pk, []))
                    for speaker in talk.speakers
                ],
                answers=talk_answers[talk.pk].proposal,
            )
            for row, talk in zip(rows, talks, strict=True)
        ]
