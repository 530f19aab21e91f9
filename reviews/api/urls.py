"""Events, proposals and speakers, by role (reviews.api.views)."""

from rest_framework.routers import SimpleRouter

from cfp.api.base import EVENT_PREFIX
from reviews.api.views import EventViewSet, ProposalViewSet, SpeakerViewSet

router = SimpleRouter()
router.register("events", EventViewSet, basename="event")
router.register(f"{EVENT_PREFIX}/proposals", ProposalViewSet, basename="proposal")
router.register(f"{EVENT_PREFIX}/speakers", SpeakerViewSet, basename="speaker")

urlpatterns = router.urls
