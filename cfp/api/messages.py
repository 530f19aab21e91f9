"""The outbox of an event through the API (organizers): each message's kind, state, address,
subject, attempts and times, and the proposal it is about; never its body. Filter by
`state` and `kind`; newest first."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers

from cfp.api.roles import EventRoles
from cfp.enums import MessageKind, MessageState
from cfp.models import Message
from config.api import errors


class MessageSerializer(serializers.ModelSerializer):
    # Strings, their values listed in words: as an enum, the schema would have two "state"
    # enums (a proposal's and a message's), a collision drf-spectacular warns of unless
    # SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] names them.
    state = serializers.CharField(help_text="One of: " + ", ".join(MessageState.values) + ".")
    kind = serializers.CharField(help_text="One of: " + ", ".join(MessageKind.values) + ".")
    proposal = serializers.SerializerMethodField(help_text="The proposal's code, if any.")

    class Meta:
        model = Message
        fields = [
            "id",
            "kind",
            "state",
            "to",
            "subject",
            "attempts",
            "proposal",
            "created_at",
            "queued_at",
            "sent_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_proposal(self, message: Message) -> str | None:
        return message.proposal.code if message.proposal_id else None


class MessageFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=MessageState.choices)
    kind = filters.ChoiceFilter(choices=MessageKind.choices)

    class Meta:
        model = Message
        fields = ["state", "kind"]


@extend_schema_view(
    list=extend_schema(
        summary="Outbox messages",
        description="The event's emails as the outbox holds them, newest first: drafts "
        "waiting for an organizer, pending, sent, failed, discarded. Organizers only.",
        responses={200: MessageSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="An outbox message",
        responses={200: MessageSerializer, **errors(401, 403, 404)},
    ),
)
class MessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, EventRoles):
    queryset = Message.objects.none()
    serializer_class = MessageSerializer
    filterset_class = MessageFilter
    ordering = ("-created_at", "-pk")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        return (
            Message.objects.filter(event=self.event)
            .select_related("proposal")
            .defer("body", "html", "last_error", "proposal__abstract")
        )
