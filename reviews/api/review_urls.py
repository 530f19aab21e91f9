"""Reviews and their stored figures in the API; and the reviewers' role in an event, which
cfp's event-scoped endpoints ask (cfp.api.roles: cfp never imports reviews)."""

from rest_framework.routers import SimpleRouter

from cfp.api.roles import EVENT_PREFIX, register_event_role
from reviews.api.reviews import REVIEWER, ReviewViewSet, is_event_reviewer
from reviews.api.scores import ScoreViewSet

# With the URLs, which every API request loads before it reaches a view.
register_event_role(REVIEWER, is_event_reviewer)

router = SimpleRouter()
router.register(f"{EVENT_PREFIX}/reviews", ReviewViewSet, basename="review")
router.register(f"{EVENT_PREFIX}/scores", ScoreViewSet, basename="score")

urlpatterns = router.urls
