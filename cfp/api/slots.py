"""The organizers' working schedule through the API: its slots (talks and breaks), a talk
placed (POST), moved (PATCH) or taken off the grid (DELETE), through the same services as the
staff panel's grid (cfp.programme.schedule) and with the same refusals.

Placing a talk that has a slot already moves it (a talk never has two slots, as in the grid);
a room taken at that time is not refused, the grid warns of it: the answer carries the
warnings about the slot (`warnings`) as the grid shows them. Times are ISO 8601; one without
an offset is a wall-clock time in the event's time zone (the hour the clocks skip is refused).
"""

from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from cfp.api.roles import EventRoles
from cfp.models import Event, Proposal, Room, TalkSlot
from cfp.models.schedule import MAX_DURATION
from cfp.programme import schedule
from config.api import errors


class WarningSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="room_clash, break_clash, speaker_clash, outside_dates, not_schedulable "
        "or unavailable."
    )
    message = serializers.CharField()


class SlotSerializer(serializers.ModelSerializer):
    proposal = serializers.SerializerMethodField(help_text="The talk's code; null for a break.")
    room = serializers.SerializerMethodField(help_text="The room's id; null: every room.")
    label = serializers.CharField(help_text="The talk's title, or the break's.")
    end = serializers.DateTimeField()
    minutes = serializers.IntegerField(help_text="Its own length, or its submission type's.")

    class Meta:
        model = TalkSlot
        fields = ["id", "proposal", "room", "label", "start", "end", "duration", "minutes"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_proposal(self, slot: TalkSlot) -> str | None:
        return slot.proposal.code if slot.proposal_id else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_room(self, slot: TalkSlot) -> int | None:
        return slot.room_id


class PlacedSlotSerializer(SlotSerializer):
    warnings = WarningSerializer(many=True, read_only=True)

    class Meta(SlotSerializer.Meta):
        fields = [*SlotSerializer.Meta.fields, "warnings"]


class WhereWhenSerializer(serializers.Serializer):
    """Where and when, as the grid's form asks it, with the grid's messages."""

    room = serializers.IntegerField(
        error_messages={
            "required": gettext_lazy("Choose a room."),
            "null": gettext_lazy("Choose a room."),
            "invalid": gettext_lazy("Choose one of this event's rooms."),
        }
    )
    start = serializers.CharField(
        max_length=40,
        help_text="ISO 8601, e.g. 2027-04-16T13:50:00+02:00; without an offset, in the "
        "event's time zone.",
        error_messages={
            "required": gettext_lazy("Give a start time, e.g. 2027-04-16T13:50:00+02:00.")
        },
    )
    duration = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Minutes, 1 to 1440; null or missing: the length of the talk's submission type.",
        error_messages={"invalid": gettext_lazy("Give the length in whole minutes.")},
    )

    def __init__(self, *args, event: Event | None = None, room_null: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if room_null:  # a break may span every room
            self.fields["room"].allow_null = True

    def validate_duration(self, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= MAX_DURATION:
            raise serializers.ValidationError(
                _("A length is between 1 and %(max)d minutes.") % {"max": MAX_DURATION}
            )
        return value

    def validate_room(self, value: int | None) -> Room | None:
        if value is None:
            return None
        room = Room.objects.filter(event=self.event, pk=value).first()
        if room is None:
            raise serializers.ValidationError(_("Choose one of this event's rooms."))
        return room

    def validate_start(self, value: str) -> datetime:
        bad = _("Give a start time as ISO 8601, e.g. 2027-04-16T13:50:00+02:00.")
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise serializers.ValidationError(bad) from None
        event = self.event
        try:
            if timezone.is_naive(moment):
                moment = schedule.local_to_utc(event, moment.date(), moment.time())
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        day = timezone.localtime(moment, event.tz).date()
        if day not in schedule.event_days(event):
            raise serializers.ValidationError(_("Choose one of the event's days."))
        return moment


class PlaceSerializer(WhereWhenSerializer):
    proposal = serializers.CharField(
        max_length=16,
        help_text="The talk's code.",
        error_messages={
            "required": gettext_lazy("Choose a talk."),
            "blank": gettext_lazy("Choose a talk."),
        },
    )

    def validate_proposal(self, value: str) -> Proposal:
        found = (
            Proposal.objects.filter(event=self.event, code=value.strip())
            .beyond_drafts()
            .select_related("submission_type")
            .first()
        )
        if found is None:
            raise serializers.ValidationError(_("That talk is not one of this event's."))
        return found


class MoveSerializer(WhereWhenSerializer):
    """A PATCH: what is not given stays as it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


def _refused(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError({"non_field_errors": exc.messages}, code=exc.code)


def _with_warnings(slot: TalkSlot, event: Event) -> TalkSlot:
    slot.warnings = [w for w in schedule.schedule_warnings(event) if slot.pk in w.slot_ids]
    return slot


@extend_schema_view(
    list=extend_schema(
        summary="The working schedule",
        description="Every slot of the organizers' working schedule (talks and breaks), by "
        "start. The public sees only what is published.",
        responses={200: SlotSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="A slot of the working schedule",
        responses={200: SlotSerializer, **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Place a talk",
        description="An accepted or confirmed talk into a room at a time (201); a talk placed "
        "already moves there (200). `warnings`: what the grid warns of about the slot.",
        request=PlaceSerializer,
        responses={
            201: PlacedSlotSerializer,
            200: PlacedSlotSerializer,
            **errors(400, 401, 403, 404),
        },
    ),
    partial_update=extend_schema(
        summary="Move a slot",
        description="Another room, start or length; what is not given stays. A `duration` "
        "of null goes back to the submission type's length.",
        request=MoveSerializer,
        responses={200: PlacedSlotSerializer, **errors(400, 401, 403, 404)},
    ),
    destroy=extend_schema(
        summary="Take a slot off the grid",
        description="A talk goes back among the unscheduled ones (still accepted); a break "
        "is deleted.",
        responses={204: None, **errors(401, 403, 404)},
    ),
)
class SlotViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, EventRoles
):
    queryset = TalkSlot.objects.none()
    serializer_class = SlotSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering = ("start", "pk")
    ordering_fields = ["start"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TalkSlot.objects.none()
        return TalkSlot.objects.filter(event=self.event).select_related("proposal__submission_type")

    def create(self, request, event=None):
        data = PlaceSerializer(data=request.data, event=self.event)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        existed = TalkSlot.objects.filter(proposal=values["proposal"]).exists()
        try:
            slot = schedule.talk_place(
                event=self.event,
                proposal=values["proposal"],
                room=values["room"],
                start=values["start"],
                duration=values.get("duration"),
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        answer = PlacedSlotSerializer(_with_warnings(slot, self.event)).data
        return Response(answer, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def partial_update(self, request, event=None, pk=None):
        slot = self.get_object()
        data = MoveSerializer(data=request.data, event=self.event, room_null=slot.is_break)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            schedule.slot_move(
                slot=slot,
                room=values.get("room", slot.room),
                start=values.get("start", slot.start),
                duration=values.get("duration", schedule.KEEP),
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        return Response(PlacedSlotSerializer(_with_warnings(slot, self.event)).data)

    def perform_destroy(self, instance: TalkSlot) -> None:
        schedule.slot_remove(slot=instance)
