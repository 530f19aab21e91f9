"""The stored review figures per proposal (organizers): count, mean, median, spread and the
normalised score, as the staff panel's ranked list shows them (reviews.scores keeps them).
What the organizer speaks on or declared a conflict with is left out, as in the list."""

from django.db.models import F, FloatField, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from cfp.api.roles import EventRoles
from cfp.enums import ProposalState
from cfp.models import Proposal
from config.api import errors
from reviews import scores, selectors

# Unreviewed proposals (no normalised score) rank last, and the cursor still has a number.
LAST = -1e300


class ProposalScoreSerializer(serializers.ModelSerializer):
    state = serializers.ChoiceField(choices=ProposalState.choices)
    review_count = serializers.IntegerField()
    mean = serializers.FloatField(source="mean_score", allow_null=True)
    median = serializers.FloatField(source="median_score", allow_null=True)
    spread = serializers.FloatField(
        source="score_stddev", allow_null=True, help_text="The scores' standard deviation."
    )
    normalised = serializers.FloatField(
        allow_null=True,
        help_text="The mean of the scores with each reviewer's scale evened out; null "
        "before any review.",
    )

    class Meta:
        model = Proposal
        fields = [
            "code",
            "title",
            "state",
            "review_count",
            "mean",
            "median",
            "spread",
            "normalised",
        ]


@extend_schema_view(
    list=extend_schema(
        summary="Review figures per proposal",
        description="Each proposal under review (or decided) with its stored figures, best "
        "normalised score first, unreviewed ones last. Organizers only.",
        responses={200: ProposalScoreSerializer(many=True), **errors(400, 401, 403, 404)},
    )
)
class ScoreViewSet(mixins.ListModelMixin, EventRoles):
    queryset = Proposal.objects.none()
    serializer_class = ProposalScoreSerializer
    ordering = ("-rank", "pk")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Proposal.objects.none()
        return (
            selectors.ranked_scores(self.event, self.request.user)
            .annotate(rank=Coalesce(F("normalised"), Value(LAST), output_field=FloatField()))
            .only("pk", "code", "title", "state")
        )

    def list(self, request, *args, **kwargs):
        # As the ranked list does first: a row for each proposal submitted since.
        scores.scores_include_new_proposals(self.event)
        return super().list(request, *args, **kwargs)
