"""Events, proposals and speakers in the API, each caller seeing what their pages show them
(reviews.api.selectors decides, reviews.api.presenters shapes). Objects the caller may not
see answer 404, as if they did not exist."""

from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from cfp.api.base import EventScoped
from cfp.models import Event, Proposal, ProposalSpeaker
from config.api import BadParameter, errors
from reviews.api import presenters, selectors, writes
from reviews.api.filters import ProposalFilter, TieBrokenOrdering
from reviews.api.serializers import (
    EventSerializer,
    ProposalSerializer,
    ProposalWriteSerializer,
    SpeakerSerializer,
)
from speakers.models import User

READ_ERRORS = errors(400, 401, 404)
WRITE_ERRORS = errors(400, 401, 403, 404)
EXPAND = OpenApiParameter(
    "expand",
    OpenApiTypes.STR,
    description=gettext_lazy(
        "Nest more in each proposal, names separated by commas: speakers, answers, tags, "
        "history. Each proposal carries those its viewer may see. One proposal always has all."
    ),
)


def event_data(event: Event) -> dict:
    cfp = getattr(event, "cfp", None)
    base = presenters.event_url(event)
    return {
        "slug": event.slug,
        "url": base,
        "name": event.name,
        "start_date": event.start_date,
        "end_date": event.end_date,
        "timezone": event.timezone,
        "venue": event.venue,
        "is_public": event.is_public,
        "cfp": {"status": cfp.status(), "opens_at": cfp.opens_at, "deadline": cfp.deadline}
        if cfp is not None
        else None,
        "schedule_published": event.schedule_published,
        "links": {
            "proposals": f"{base}proposals/",
            "speakers": f"{base}speakers/",
            "schedule": f"{base}schedule/",
            "talks": f"{base}talks/",
            "page": event.get_absolute_url(),
        },
    }


@extend_schema(tags=["events"])
class EventViewSet(viewsets.GenericViewSet):
    """Events: the public ones for everyone; with a token also the hidden events the caller
    organizes, reviews or speaks at."""

    permission_classes = [AllowAny]
    queryset = Event.objects.none()  # the schema's model; get_queryset decides
    lookup_field = "slug"
    lookup_url_kwarg = "event"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filter_backends = [TieBrokenOrdering]
    ordering = ["-start_date", "slug"]
    ordering_fields = ["start_date", "name", "slug"]

    def get_queryset(self):
        return selectors.visible_events(self.request.user)

    @extend_schema(responses={200: EventSerializer, **errors(400, 401)})
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([event_data(event) for event in page])

    @extend_schema(
        responses={200: EventSerializer, **errors(401, 404)},
        parameters=[
            OpenApiParameter(
                "event", OpenApiTypes.STR, OpenApiParameter.PATH, description="The event's slug."
            )
        ],
    )
    def retrieve(self, request, event: str):
        return Response(event_data(self.get_object()))


class EventPlace(EventScoped):
    """EventScoped, with the caller's standing in the event (selectors.standing), read once:
    the public sees a public event; its organizers, reviewers and speakers a hidden one."""

    def may_see_event(self, event: Event) -> bool:
        self._place = selectors.standing(self.request.user, event)
        if event.is_public or self._place.organizer or self._place.reviewer:
            return True
        user = self.request.user
        return (
            user.is_authenticated
            and ProposalSpeaker.objects.filter(proposal__event=event, user=user).exists()
        )

    @property
    def place(self) -> selectors.Standing:
        self.event  # noqa: B018 (reads the event, and with it the caller's standing)
        return self._place


@extend_schema(tags=["proposals"])
class ProposalViewSet(EventPlace, viewsets.GenericViewSet):
    """An event's proposals as the caller may see them: organizers every proposal beyond
    the drafts; reviewers their queue, blind review applied; speakers their own (which they
    also create, edit before the deadline, submit and withdraw)."""

    queryset = Proposal.objects.none()  # the schema's model; get_queryset decides
    lookup_field = "code"
    lookup_value_regex = r"[-A-Za-z0-9_]+"
    filter_backends = [DjangoFilterBackend, TieBrokenOrdering]
    filterset_class = ProposalFilter
    ordering = ["-created", "-pk"]
    ordering_fields = ["created", "updated", "title", "code"]

    def get_queryset(self):
        return selectors.proposals_for(self.place).annotate(
            created=F("created_at"), updated=F("updated_at")
        )

    def _expand(self, *, one: bool) -> set[str]:
        raw = self.request.query_params.get("expand", "")
        names = {name.strip() for name in raw.split(",") if name.strip()}
        unknown = names - set(presenters.EXPANSIONS)
        if unknown:
            raise BadParameter(
                "expand",
                _("Expand one or more of: %(names)s.")
                % {"names": ", ".join(presenters.EXPANSIONS)},
            )
        return set(presenters.EXPANSIONS) if one else names

    def _one(self, proposal) -> dict:
        return presenters.ProposalPage([proposal], self.place, self._expand(one=True)).represent(
            proposal
        )

    @extend_schema(parameters=[EXPAND], responses={200: ProposalSerializer, **READ_ERRORS})
    def list(self, request, event: str):
        expand = self._expand(one=False)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        shown = presenters.ProposalPage(page, self.place, expand)
        return self.get_paginated_response([shown.represent(p) for p in page])

    @extend_schema(parameters=[EXPAND], responses={200: ProposalSerializer, **READ_ERRORS})
    def retrieve(self, request, event: str, code: str):
        return Response(self._one(self.get_object()))

    # --- the speakers' writes ---------------------------------------------------------------

    def _own(self):
        """The proposal, when the caller is one of its speakers: 403 for a proposal they only
        see (as an organizer or a reviewer), 404 for one they do not."""
        proposal = self.get_object()
        if not ProposalSpeaker.objects.filter(proposal=proposal, user=self.request.user).exists():
            raise PermissionDenied(_("Only the proposal's speakers can change it."))
        return proposal

    def _again(self, proposal) -> dict:
        """The proposal as it is now, in the caller's view."""
        return self._one(self.get_queryset().get(pk=proposal.pk))

    @extend_schema(
        request=ProposalWriteSerializer,
        responses={
            201: ProposalSerializer,
            200: OpenApiResponse(
                ProposalSerializer, description="The proposal this creation_token made before."
            ),
            **WRITE_ERRORS,
        },
    )
    def create(self, request, event: str):
        if not hasattr(self.event, "cfp") or not request.user.has_perm(
            "cfp.view_event", self.event
        ):
            raise NotFound()
        body = writes.read_body(request.data, creating=True)
        proposal, created = writes.ProposalWrite(body, event=self.event, user=request.user).create()
        return Response(
            self._again(proposal), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def _change(self, request, *, partial: bool):
        proposal = self._own()
        body = writes.read_body(request.data, creating=False)
        write = writes.ProposalWrite(
            body, event=self.event, user=request.user, proposal=proposal, partial=partial
        )
        return Response(self._again(write.update()))

    @extend_schema(
        request=ProposalWriteSerializer, responses={200: ProposalSerializer, **WRITE_ERRORS}
    )
    def update(self, request, event: str, code: str):
        """Replace the proposal's fields and answers: what is not sent is left empty."""
        return self._change(request, partial=False)

    @extend_schema(
        request=ProposalWriteSerializer, responses={200: ProposalSerializer, **WRITE_ERRORS}
    )
    def partial_update(self, request, event: str, code: str):
        """Change the fields and answers sent; the others stay."""
        return self._change(request, partial=True)

    @extend_schema(request=None, responses={200: ProposalSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, event: str, code: str):
        """Submit a draft (its speakers, before the deadline, with a complete profile)."""
        return Response(self._again(writes.submit(proposal=self._own(), by=request.user)))

    @extend_schema(request=None, responses={200: ProposalSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, event: str, code: str):
        """Withdraw a submitted proposal (its speakers)."""
        return Response(self._again(writes.withdraw(proposal=self._own(), by=request.user)))


@extend_schema(tags=["speakers"])
class SpeakerViewSet(EventPlace, viewsets.GenericViewSet):
    """An event's speakers: those of its published talks for everyone (never an email); the
    speakers of every proposal for its organizers, with email; of their queue for reviewers,
    none in blind review; a speaker's co-speakers and themselves."""

    permission_classes = [AllowAny]
    queryset = User.objects.none()  # the schema's model; get_queryset decides
    lookup_value_regex = r"[0-9]+"
    filter_backends = [TieBrokenOrdering]
    ordering = ["id"]
    ordering_fields = ["id", "name"]

    def get_queryset(self):
        self.sets = selectors.speaker_sets(self.place)
        return selectors.speakers_for(self.place, self.sets).annotate(
            name=Coalesce(F("profile__name"), Value(""))
        )

    @extend_schema(responses={200: SpeakerSerializer, **READ_ERRORS})
    def list(self, request, event: str):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        shown = presenters.SpeakerPage(page, self.place, self.sets)
        return self.get_paginated_response([shown.represent(user) for user in page])

    @extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: SpeakerSerializer, **READ_ERRORS},
    )
    def retrieve(self, request, event: str, pk: str):
        user = self.get_object()
        return Response(presenters.SpeakerPage([user], self.place, self.sets).represent(user))
