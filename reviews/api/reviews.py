"""Reviews through the API: an event's organizers read every review (scores per criterion,
comment, feedback, reviewer), a reviewer their own only. A review names its proposal by code
and title only, whatever the event's review settings: nothing here names a speaker, so blind
review holds. What the caller speaks on or declared a conflict with is left out (as in the
staff panel's review pages)."""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers

from cfp.api.roles import ORGANIZER, EventRoles
from config.api import errors
from reviews import selectors
from reviews.models import Review, Score

REVIEWER = "reviewer"


def is_event_reviewer(user, event) -> bool:
    """The role cfp.api.roles knows reviewers by: a member of one of the event's teams."""
    return user.is_staff and selectors.is_reviewer(user, event)


class ProposalRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class ReviewerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="Their name, or their email if they gave none.")


class ScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.IntegerField(source="criterion_id", help_text="The criterion's id.")
    name = serializers.CharField(source="criterion.name", help_text="The criterion's name.")

    class Meta:
        model = Score
        fields = ["criterion", "name", "value"]


class ReviewSerializer(serializers.ModelSerializer):
    proposal = ProposalRefSerializer()
    reviewer = serializers.SerializerMethodField()
    score = serializers.FloatField(help_text="The weighted mean of the criteria's scores.")
    scores = ScoreSerializer(many=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "proposal",
            "reviewer",
            "score",
            "scores",
            "comment",
            "feedback",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(ReviewerRefSerializer)
    def get_reviewer(self, review: Review) -> dict:
        return {"id": review.reviewer_id, "name": review.reviewer.display_name}


class ReviewFilter(filters.FilterSet):
    proposal = filters.CharFilter(
        field_name="proposal__code", max_length=16, help_text="A proposal's code."
    )

    class Meta:
        model = Review
        fields = ["proposal"]


@extend_schema_view(
    list=extend_schema(
        summary="Reviews",
        description="Organizers: every review of the event; reviewers: their own. Proposals "
        "the caller speaks on or declared a conflict with are left out.",
        responses={200: ReviewSerializer(many=True), **errors(400, 401, 403, 404)},
    )
)
class ReviewViewSet(mixins.ListModelMixin, EventRoles):
    queryset = Review.objects.none()
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    required_roles = (ORGANIZER, REVIEWER)
    ordering = ("created_at", "pk")
    ordering_fields = ["created_at", "updated_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        user = self.request.user
        reviews = Review.objects.filter(proposal__event=self.event)
        if not self.is_organizer:
            reviews = reviews.filter(reviewer=user)
        hidden = selectors.conflicted(user)
        return (
            reviews.exclude(proposal__in=self.event.proposals.filter(hidden).values("pk"))
            .select_related("proposal", "reviewer__profile")
            .only(
                "pk",
                "score",
                "comment",
                "feedback",
                "created_at",
                "updated_at",
                "proposal__code",
                "proposal__title",
                "reviewer__email",
                "reviewer__profile__name",
            )
            .prefetch_related(
                Prefetch(
                    "scores",
                    Score.objects.select_related("criterion").order_by(
                        "criterion__position", "criterion__pk"
                    ),
                )
            )
        )
