"""What an event offers, read by role: submission types, tracks, rooms and tags.

Organizers and reviewers of the event see every type, track and room; the public (anyone,
for a public event) sees what the public pages show: the types and tracks the CfP form offers
without an access code, and the rooms of the published schedule. Tags are the organizers'
(every one) and the reviewers' (those marked visible to reviewers); speakers never see them.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.permissions import AllowAny

from cfp.api.roles import ORGANIZER, EventRoles
from cfp.models import Room, SubmissionType, Tag, Track
from cfp.programme.schedule import current_version, public_slots
from config.api import errors
from speakers.api.permissions import SignedIn

# The reviewers' role, as the reviews app registers it (cfp.api.roles).
REVIEWER = "reviewer"
STAFF = (ORGANIZER, REVIEWER)


class SubmissionTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubmissionType
        fields = ["id", "name", "default_duration", "position", "requires_access_code"]


class TrackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["id", "name", "description", "position", "requires_access_code"]


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name", "capacity", "position"]


class EventTagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "colour", "visible_to_reviewers"]


def _listed(summary: str, serializer, description: str, *statuses: int):
    return extend_schema_view(
        list=extend_schema(
            summary=summary,
            description=description,
            responses={200: serializer(many=True), **errors(400, *statuses)},
        )
    )


class CatalogueViewSet(mixins.ListModelMixin, EventRoles):
    """A read-only list of the event's own things: everyone who sees the event (anonymous
    callers too, for a public event) gets what the public pages show, staff everything."""

    permission_classes = [AllowAny]
    required_roles = None
    ordering = ("position", "name", "pk")
    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        listed = self.model.objects.filter(event=self.event)
        if self.roles & set(STAFF):
            return listed
        return self.public(listed)

    def public(self, queryset):
        return queryset.filter(requires_access_code=False)


@_listed(
    "Submission types",
    SubmissionTypeSerializer,
    "The event's submission types: for the public, those the CfP form offers without an "
    "access code; for its organizers and reviewers, all.",
    401,
    404,
)
class SubmissionTypeViewSet(CatalogueViewSet):
    model = SubmissionType
    queryset = SubmissionType.objects.none()
    serializer_class = SubmissionTypeSerializer


@_listed(
    "Tracks",
    TrackSerializer,
    "The event's tracks: for the public, those the CfP form offers without an access code; "
    "for its organizers and reviewers, all.",
    401,
    404,
)
class TrackViewSet(CatalogueViewSet):
    model = Track
    queryset = Track.objects.none()
    serializer_class = TrackSerializer


@_listed(
    "Rooms",
    RoomSerializer,
    "The event's rooms: for the public, the rooms of the published schedule; for its "
    "organizers and reviewers, all.",
    401,
    404,
)
class RoomViewSet(CatalogueViewSet):
    model = Room
    queryset = Room.objects.none()
    serializer_class = RoomSerializer

    def public(self, queryset):
        shown = public_slots(current_version(self.event)).exclude(room=None).values("room_id")
        return queryset.filter(pk__in=shown)


@_listed(
    "Tags",
    EventTagSerializer,
    "The organizers' labels on proposals: every one for the organizers, those visible to "
    "reviewers for the reviewers. Nobody else sees tags.",
    401,
    403,
    404,
)
class TagViewSet(CatalogueViewSet):
    model = Tag
    queryset = Tag.objects.none()
    serializer_class = EventTagSerializer
    permission_classes = [SignedIn]
    required_roles = STAFF
    ordering = ("name", "pk")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Tag.objects.none()
        tags = Tag.objects.filter(event=self.event)
        return tags if self.is_organizer else tags.filter(visible_to_reviewers=True)
