"""The organizers' side of the CfP in the API: decisions, tags, the working schedule, the
outbox, and what the event offers (types, tracks, rooms, tags) by role."""

from rest_framework.routers import SimpleRouter

from cfp.api.base import EVENT_PREFIX
from cfp.api.catalogue import RoomViewSet, SubmissionTypeViewSet, TagViewSet, TrackViewSet
from cfp.api.decisions import DecisionViewSet
from cfp.api.messages import MessageViewSet
from cfp.api.slots import SlotViewSet
from cfp.api.tags import ProposalTagsViewSet

router = SimpleRouter()
# Only the action routes (proposals/<code>/accept/ …): reviews.api owns the proposals' own.
router.register(f"{EVENT_PREFIX}/proposals", DecisionViewSet, basename="proposal-decision")
router.register(f"{EVENT_PREFIX}/proposals", ProposalTagsViewSet, basename="proposal-tags")
router.register(f"{EVENT_PREFIX}/slots", SlotViewSet, basename="slot")
router.register(f"{EVENT_PREFIX}/messages", MessageViewSet, basename="message")
router.register(
    f"{EVENT_PREFIX}/submission-types", SubmissionTypeViewSet, basename="submission-type"
)
router.register(f"{EVENT_PREFIX}/tracks", TrackViewSet, basename="track")
router.register(f"{EVENT_PREFIX}/rooms", RoomViewSet, basename="room")
router.register(f"{EVENT_PREFIX}/tags", TagViewSet, basename="tag")

urlpatterns = router.urls
