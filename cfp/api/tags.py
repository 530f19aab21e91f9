"""Setting a proposal's tags through the API: PUT the full list (tag ids or names) of the
event's tags; those missing are taken off, the new ones given (cfp.tags' services)."""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cfp import tags as tag_services
from cfp.api.decisions import CODE_PARAMETER, ProposalOfEvent
from cfp.models import Event, Proposal, Tag
from config.api import errors

MAX_TAGS = 200


class TagRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "colour", "visible_to_reviewers"]


def _usable(value) -> bool:
    """An id, or a name that is text (no lone surrogate: it could not even be shown back)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class TagsSerializer(serializers.Serializer):
    tags = serializers.ListField(
        child=serializers.JSONField(allow_null=True),
        allow_empty=True,
        max_length=MAX_TAGS,
        help_text="Every tag the proposal should have, by id or by name: the full list.",
    )

    def __init__(self, *args, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def validate_tags(self, values: list) -> list[Tag]:
        known = {tag.pk: tag for tag in Tag.objects.filter(event=self.event)}
        by_name = {tag.name.casefold(): tag for tag in known.values()}
        chosen, wrong = {}, []
        for value in values:
            if not _usable(value):
                wrong.append(_("Give each tag as its id (a whole number) or its name."))
                continue
            tag = known.get(value) if isinstance(value, int) else by_name.get(value.casefold())
            if tag is None:
                wrong.append(
                    _("“%(value)s” is not a tag of this event.") % {"value": str(value)[:100]}
                )
            else:
                chosen[tag.pk] = tag
        if wrong:
            raise serializers.ValidationError(wrong)
        return list(chosen.values())


class ProposalTagsAnswer(serializers.Serializer):
    code = serializers.CharField()
    tags = TagRefSerializer(many=True)


@transaction.atomic
def proposal_tags_set(*, proposal: Proposal, tags: list[Tag], by) -> list[Tag]:
    """Give the proposal exactly these tags (of its event); returns them by name."""
    current = set(proposal.tags.values_list("pk", flat=True))
    wanted = {tag.pk: tag for tag in tags}
    for tag in tags:
        if tag.pk not in current:
            tag_services.proposals_tag(proposals=[proposal], tag=tag, by=by)
    for tag in Tag.objects.filter(pk__in=current - set(wanted)).select_related("event"):
        tag_services.proposals_untag(proposals=[proposal], tag=tag, by=by)
    return sorted(wanted.values(), key=lambda tag: (tag.name, tag.pk))


class ProposalTagsViewSet(ProposalOfEvent):
    """Only the `tags` action: the proposals' own routes are reviews.api's."""

    queryset = Proposal.objects.none()
    serializer_class = TagsSerializer

    @extend_schema(
        summary="Set a proposal's tags",
        description="The full list of the proposal's tags, by id or name; tags of another "
        "event, or unknown ones, are refused and nothing changes. Speakers never see tags.",
        parameters=[CODE_PARAMETER],
        request=TagsSerializer,
        responses={200: ProposalTagsAnswer, **errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["put"])
    def tags(self, request, event=None, code=None):
        proposal = self.proposal()
        serializer = TagsSerializer(data=request.data, event=self.event)
        serializer.is_valid(raise_exception=True)
        tags = proposal_tags_set(
            proposal=proposal, tags=serializer.validated_data["tags"], by=request.user
        )
        return Response(ProposalTagsAnswer({"code": proposal.code, "tags": tags}).data)
