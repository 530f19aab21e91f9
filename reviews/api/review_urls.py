"""Reviews and their stored figures in the API."""

from rest_framework.routers import SimpleRouter

from cfp.api.base import EVENT_PREFIX
from reviews.api.reviews import ReviewViewSet
from reviews.api.scores import ScoreViewSet

router = SimpleRouter()
router.register(f"{EVENT_PREFIX}/reviews", ReviewViewSet, basename="review")
router.register(f"{EVENT_PREFIX}/scores", ScoreViewSet, basename="score")

urlpatterns = router.urls
