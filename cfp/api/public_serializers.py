"""The public programme as JSON: the shapes of /schedule/ and /talks/ (cfp.api.public).

They read the records of cfp.programme.published (PublicTalk, PublicSpeaker, Break) and the
public answers of cfp.answers, never a model: nothing but what the public pages show can
reach an answer (no email, no notes, no review, no unpublished change)."""

from datetime import UTC

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cfp.markdown import render_markdown


def absolute(url: str) -> str | None:
    """An address other programs can follow: the site's own (SITE_URL) made absolute; a
    storage backend's full address as it is; None for none."""
    if not url:
        return None
    if url.startswith(("https://", "http://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


class UtcDateTime(serializers.DateTimeField):
    """A moment in UTC, ISO 8601 ("2027-04-15T11:50:00Z"), whatever the server's zone."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=UTC, **kwargs)


@extend_schema_field({"type": "string"})
class Markdown(serializers.Field):
    """A Markdown text as the page shows it: sanitised HTML (cfp.markdown)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return str(render_markdown(value or ""))


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class AbsoluteUrl(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str | None:
        return absolute(value)


@extend_schema_field({"type": "string", "nullable": True})
class Missing(serializers.Field):
    """A text that may be missing: null rather than "" (a value missing is shown missing)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str | None:
        return value or None


# --- answers, speakers, talks ----------------------------------------------------------------


class PublicAnswerSerializer(serializers.Serializer):
    """An answer to a public question, as the talk or speaker page shows it."""

    question_id = serializers.IntegerField()
    question = serializers.CharField()
    kind = serializers.CharField(help_text=_("The question's kind: text, long_text, number, …"))
    value = serializers.CharField(
        source="text", help_text=_("As people read it (dates in the event's time zone).")
    )
    url = Missing(source="link", help_text=_("A web address answered to a URL question."))


class LinkSerializer(serializers.Serializer):
    url = serializers.URLField()
    label = serializers.CharField(help_text=_("The address without its scheme, as people read it."))


class PublicSpeakerSerializer(serializers.Serializer):
    """A speaker as the public pages show them; never their email."""

    id = serializers.IntegerField(source="speaker.pk")
    name = Missing(source="speaker.name", help_text=_("null when the speaker gave none."))
    affiliation = Missing(source="speaker.affiliation")
    biography = serializers.CharField(source="speaker.biography", help_text=_("Markdown."))
    biography_html = Markdown(source="speaker.biography")
    photo_url = AbsoluteUrl(source="speaker.photo_url")
    links = LinkSerializer(source="speaker.links", many=True)
    answers = PublicAnswerSerializer(many=True, help_text=_("Answers to public speaker questions."))


class SlotSerializer(serializers.Serializer):
    room = Missing(help_text=_("The room's name as published."))
    start = UtcDateTime()
    end = UtcDateTime()


# Written out rather than a nullable reference to SlotSerializer's component: OpenAPI 3.0
# validators (openapi-core) refuse null for `allOf: [$ref], nullable: true`.
@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {
            "room": {"type": "string", "nullable": True},
            "start": {"type": "string", "format": "date-time"},
            "end": {"type": "string", "format": "date-time"},
        },
        "required": ["room", "start", "end"],
        "description": "The talk's time and room; null while its time is to come.",
    }
)
class SlotField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="talk", **kwargs)

    def to_representation(self, talk) -> dict | None:
        return SlotSerializer(talk).data if talk.is_scheduled else None


class SlidesSerializer(serializers.Serializer):
    file_url = AbsoluteUrl(source="slides_file_url", help_text=_("The PDF, for download."))
    url = Missing(source="slides_url", help_text=_("Slides online."))


class PublicTalkSerializer(serializers.Serializer):
    """A confirmed talk of the published schedule, as its public page shows it."""

    code = serializers.CharField(source="talk.code")
    url = serializers.URLField(help_text=_("The talk's public page."))
    title = serializers.CharField(source="talk.title")
    abstract = serializers.CharField(source="talk.abstract", help_text=_("Markdown."))
    abstract_html = Markdown(
        source="talk.abstract", help_text=_("The abstract as the page shows it.")
    )
    track = Missing(source="talk.track", help_text=_("null: none, or the event does not ask."))
    track_id = serializers.IntegerField(allow_null=True, help_text=_("For `?track=`."))
    type = Missing(source="talk.submission_type", help_text=_("The submission type's name."))
    type_id = serializers.IntegerField(allow_null=True, help_text=_("For `?type=`."))
    level = Missing(source="talk.experience_level", help_text=_("Beginner, …, All levels."))
    duration = serializers.IntegerField(
        source="talk.minutes", allow_null=True, help_text=_("Minutes; null until it has a time.")
    )
    slot = SlotField()
    speakers = PublicSpeakerSerializer(many=True)
    answers = PublicAnswerSerializer(many=True, help_text=_("Answers to public talk questions."))
    slides = SlidesSerializer(source="talk")


# --- the schedule ------------------------------------------------------------------------------


class ScheduleRoomSerializer(serializers.Serializer):
    name = serializers.CharField()
    position = serializers.IntegerField(help_text=_("The organizers' order of the rooms."))


class ScheduleSpeakerSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = Missing()


class ScheduleSlotSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("`talk` or `break`."))
    start = UtcDateTime()
    end = UtcDateTime()
    room = Missing(help_text=_("null: a break in every room."))
    title = serializers.CharField(help_text=_("The talk's title, or the break's."))
    code = Missing(help_text=_("The talk's code; null for a break."))
    track = Missing()
    type = Missing(help_text=_("The submission type's name."))
    speakers = ScheduleSpeakerSerializer(many=True)


class ScheduleSerializer(serializers.Serializer):
    version = serializers.CharField(source="version.name")
    published_at = UtcDateTime(source="version.published_at")
    time_zone = serializers.CharField(
        source="event.timezone", help_text=_("The event's; times here are UTC.")
    )
    rooms = ScheduleRoomSerializer(many=True)
    slots = ScheduleSlotSerializer(many=True, help_text=_("By start, then room."))
