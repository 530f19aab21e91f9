"""The shapes of events, proposals and speakers in the API.

The serializers document the shapes (the OpenAPI schema); what each caller is given is
built by reviews.api.presenters, per view, from what the selectors let them see. A field
marked "optional" is left out where the caller's view does not show it (a proposal's notes
in blind review, its tags for its speakers) or where it was not asked for (`?expand=`).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cfp.enums import ExperienceLevel, ProposalState, QuestionKind
from reviews.api.selectors import VIEWS

INT = {"type": "integer"}
TEXT = {"type": "string"}
MOMENT = {"type": "string", "format": "date-time"}


def nullable_object(properties: dict, description: str = "") -> dict:
    """An object or null, inline: openapi-core refuses null for a referenced component
    wrapped as drf-spectacular wraps a nullable one (allOf beside nullable)."""
    return {
        "type": "object",
        "nullable": True,
        "properties": properties,
        "required": list(properties),
        "description": description,
    }


# --- events -----------------------------------------------------------------------------------


@extend_schema_field(
    nullable_object(
        {
            "status": {"type": "string", "enum": ["not_open", "open", "closed"]},
            "opens_at": {**MOMENT, "nullable": True},
            "deadline": MOMENT,
        },
        "The call for papers: whether it takes proposals now, and until when. Null for an "
        "event without one.",
    )
)
class CfPField(serializers.JSONField):
    pass


class EventLinksSerializer(serializers.Serializer):
    proposals = serializers.CharField()
    speakers = serializers.CharField()
    schedule = serializers.CharField()
    talks = serializers.CharField()
    page = serializers.CharField(help_text=_("The event's CfP page on the site."))


class EventSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    url = serializers.CharField(help_text=_("This event in the API."))
    name = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    timezone = serializers.CharField(help_text=_("IANA time zone, e.g. Europe/Berlin."))
    venue = serializers.CharField(allow_blank=True)
    is_public = serializers.BooleanField()
    cfp = CfPField()
    schedule_published = serializers.BooleanField()
    links = EventLinksSerializer()


@extend_schema_field(
    {"type": "string", "enum": list(ProposalState.values)}, component_name="ProposalState"
)
class StateField(serializers.CharField):
    """A proposal's state: one named choice set in the schema, wherever a state appears."""


# --- proposals --------------------------------------------------------------------------------


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_field(
    nullable_object({"id": INT, "name": TEXT, "default_duration": INT}, "Duration in minutes.")
)
class SubmissionTypeField(serializers.JSONField):
    pass


@extend_schema_field(nullable_object({"id": INT, "name": TEXT}))
class TrackField(serializers.JSONField):
    pass


@extend_schema_field(
    nullable_object({"id": INT, "name": TEXT, "email": TEXT}, "Organizers: who made the change.")
)
class PersonField(serializers.JSONField):
    pass


class TagSerializer(NamedSerializer):
    colour = serializers.CharField()


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class AnswerSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    question = serializers.CharField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    value = serializers.CharField(
        allow_null=True,
        help_text=_(
            "The answer as stored: text; a number as a decimal string; a date YYYY-MM-DD; a "
            "date and time in ISO 8601 (UTC); yes or no. Null for choices and files."
        ),
    )
    options = OptionSerializer(many=True, help_text=_("The chosen options (choices only)."))
    file_name = serializers.CharField(allow_null=True)
    file_url = serializers.CharField(
        allow_null=True, help_text=_("Where the file opens, for those who may open it.")
    )


class ProposalAnswerSerializer(AnswerSerializer):
    target = serializers.ChoiceField(
        choices=["proposal", "speaker"],
        help_text=_("A question about the proposal, or about one of its speakers."),
    )
    speaker_number = serializers.IntegerField(
        allow_null=True,
        help_text=_("Which speaker (1 for the first) gave a speaker answer; null otherwise."),
    )
    speaker_id = serializers.IntegerField(
        allow_null=True, help_text=_("The speaker's id; null in blind review.")
    )


class ProposalSpeakerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    email = serializers.EmailField(required=False, help_text=_("Organizers only."))
    affiliation = serializers.CharField(allow_blank=True, required=False)
    biography = serializers.CharField(allow_blank=True, required=False)
    photo_url = serializers.CharField(allow_null=True, required=False)


class HistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    from_state = StateField()
    to_state = StateField()
    by = PersonField(required=False)
    actor = serializers.CharField(
        allow_blank=True,
        required=False,
        help_text=_('Speakers: a speaker\'s name, "the organizers", or "" when nobody is known.'),
    )


class ProposalSerializer(serializers.Serializer):
    code = serializers.CharField()
    url = serializers.CharField(help_text=_("This proposal in the API."))
    event = serializers.SlugField()
    viewed_as = serializers.ChoiceField(
        choices=VIEWS, help_text=_("Whose view of the proposal this is: it decides the fields.")
    )
    title = serializers.CharField(allow_blank=True)
    state = StateField(
        help_text=_('Speakers read a decision that is not announced yet as "submitted".'),
    )
    submission_type = SubmissionTypeField()
    track = TrackField()
    experience_level = serializers.ChoiceField(
        choices=[("", "—"), *ExperienceLevel.choices], allow_blank=True
    )
    abstract = serializers.CharField(allow_blank=True, help_text=_("Markdown."))
    audience = serializers.CharField(allow_blank=True)
    benefits = serializers.CharField(allow_blank=True)
    technical_requirements = serializers.CharField(allow_blank=True)
    notes = serializers.CharField(
        allow_blank=True, required=False, help_text=_("Not shown to reviewers in blind review.")
    )
    slides_url = serializers.CharField(allow_blank=True, required=False)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    edit_deadline = serializers.DateTimeField(
        required=False, help_text=_("Organizers and speakers: until when speakers may edit.")
    )
    editable = serializers.BooleanField(
        required=False, help_text=_("Speakers: whether they may edit it now.")
    )
    deadline_extension = serializers.DateTimeField(
        allow_null=True, required=False, help_text=_("Organizers only.")
    )
    speakers = ProposalSpeakerSerializer(
        many=True,
        required=False,
        help_text=_("With ?expand=speakers (always on one proposal); never in blind review."),
    )
    answers = ProposalAnswerSerializer(
        many=True, required=False, help_text=_("With ?expand=answers (always on one proposal).")
    )
    tags = TagSerializer(
        many=True,
        required=False,
        help_text=_("With ?expand=tags: organizers all, reviewers those shown to reviewers."),
    )
    history = HistorySerializer(
        many=True,
        required=False,
        help_text=_("With ?expand=history: organizers and speakers (as their pages show it)."),
    )


class AnswerInputSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    value = serializers.JSONField(
        allow_null=True,
        help_text=_(
            "As the form takes it: text; a number; YYYY-MM-DD; an ISO 8601 date and time (in "
            "the event's time zone without an offset); true or false; an option's id (a list "
            "of ids for several choices); null for no answer. Files are given on the page."
        ),
    )


class ProposalWriteSerializer(serializers.Serializer):
    """What a speaker sends to create or change their proposal (documents the body; the
    CfP form's own rules validate it: reviews.api.writes)."""

    title = serializers.CharField(required=False, allow_blank=True)
    submission_type = serializers.IntegerField(required=False, allow_null=True)
    track = serializers.IntegerField(required=False, allow_null=True)
    experience_level = serializers.ChoiceField(
        choices=[("", "—"), *ExperienceLevel.choices], required=False, allow_blank=True
    )
    abstract = serializers.CharField(required=False, allow_blank=True)
    audience = serializers.CharField(required=False, allow_blank=True)
    benefits = serializers.CharField(required=False, allow_blank=True)
    technical_requirements = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    answers = AnswerInputSerializer(
        many=True,
        required=False,
        help_text=_("Answers to the event's questions (the proposal's and your own)."),
    )
    submit = serializers.BooleanField(
        required=False,
        help_text=_(
            "Submit it too (a draft otherwise). Nothing is saved if it cannot be submitted."
        ),
    )
    access_code = serializers.CharField(
        required=False, help_text=_("New proposals: an access code the organizers gave you.")
    )
    creation_token = serializers.UUIDField(
        required=False,
        help_text=_(
            "New proposals: a UUID of your choosing. Sent again (a retry), it finds the "
            "proposal it created instead of creating a second one."
        ),
    )


# --- speakers ---------------------------------------------------------------------------------


class SpeakerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text=_("This speaker in the API."))
    name = serializers.CharField(allow_blank=True)
    email = serializers.EmailField(required=False, help_text=_("Organizers only."))
    affiliation = serializers.CharField(allow_blank=True)
    biography = serializers.CharField(allow_blank=True, required=False)
    photo_url = serializers.CharField(allow_null=True, required=False)
    links = serializers.ListField(child=serializers.CharField(), required=False)
    proposals = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("The codes of their proposals that the caller may see as theirs."),
    )
    answers = AnswerSerializer(
        many=True,
        required=False,
        help_text=_("Answers to speaker questions: organizers all, the public the public ones."),
    )
