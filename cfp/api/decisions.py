"""Organizers' decisions through the API: accept, reject, undo and cancel one proposal.

The same service functions as the staff panel (cfp.decisions), so permissions, transitions
and the decision emails (drafts in the outbox, one per speaker) are the same. A change the
lifecycle refuses (accepting an accepted proposal, undoing a decision already emailed) is a
409 with the service's reason, and changes nothing.
"""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from cfp import decisions
from cfp.api.errors import Refused
from cfp.api.roles import EventRoles
from cfp.enums import ProposalState
from cfp.models import Proposal
from cfp.services import ActionRefused
from config.api import errors

CODE_PARAMETER = OpenApiParameter(
    "code", str, OpenApiParameter.PATH, description="The proposal's code."
)


def proposal_api_url(proposal: Proposal) -> str:
    """The proposal's address in the API (what webhooks name, too)."""
    return reverse("api:me").removesuffix("me/") + (
        f"events/{proposal.event.slug}/proposals/{proposal.code}/"
    )


class DecisionResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=ProposalState.choices)
    url = serializers.CharField(help_text="The proposal's address in the API.")


class ProposalOfEvent(EventRoles):
    """A proposal of the event by its code: organizers see every one but drafts (their
    speakers' until submitted)."""

    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Proposal.objects.none()
        return Proposal.objects.filter(event=self.event).beyond_drafts().select_related("event")

    def proposal(self) -> Proposal:
        return get_object_or_404(self.get_queryset(), code=self.kwargs["code"])


def _answer(proposal: Proposal) -> Response:
    data = {
        "code": proposal.code,
        "title": proposal.title,
        "state": proposal.state,
        "url": proposal_api_url(proposal),
    }
    return Response(DecisionResultSerializer(data).data, status=status.HTTP_200_OK)


def _decision(summary: str, description: str):
    return extend_schema(
        summary=summary,
        description=description,
        request=None,
        parameters=[CODE_PARAMETER],
        responses={200: DecisionResultSerializer, **errors(401, 403, 404, 409)},
    )


@extend_schema_view(
    accept=_decision(
        "Accept a proposal",
        "A submitted proposal (or a rejected one whose email is not sent yet) becomes "
        "accepted; the acceptance email to each speaker waits as a draft in the outbox.",
    ),
    reject=_decision(
        "Reject a proposal",
        "A submitted proposal (or an accepted one whose email is not sent yet) becomes "
        "rejected; the rejection email to each speaker waits as a draft in the outbox.",
    ),
    undo=_decision(
        "Undo a decision",
        "An accepted or rejected proposal goes back to submitted while its decision email "
        "has not been sent; the unsent drafts are discarded.",
    ),
    cancel=_decision("Cancel a confirmed talk", "A confirmed talk will not take place."),
)
class DecisionViewSet(ProposalOfEvent):
    """Only actions: the proposals' own list and detail routes are reviews.api's."""

    queryset = Proposal.objects.none()
    serializer_class = DecisionResultSerializer

    def _run(self, change, **kwargs) -> Response:
        proposal = self.proposal()
        try:
            proposal = change(proposal=proposal, by=self.request.user, **kwargs)
        except ActionRefused as exc:
            raise Refused(str(exc)) from exc
        return _answer(proposal)

    @action(detail=True, methods=["post"])
    def accept(self, request, event=None, code=None):
        return self._run(decisions.proposal_decide, accept=True)

    @action(detail=True, methods=["post"])
    def reject(self, request, event=None, code=None):
        return self._run(decisions.proposal_decide, accept=False)

    @action(detail=True, methods=["post"])
    def undo(self, request, event=None, code=None):
        return self._run(decisions.decision_undo)

    @action(detail=True, methods=["post"])
    def cancel(self, request, event=None, code=None):
        return self._run(decisions.proposal_cancel)
