"""/api/v1/events/<slug>/schedule/ and /talks/: the published programme, for everyone."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from cfp.api.base import EVENT_PREFIX
from cfp.api.public import Schedule, Talks

router = SimpleRouter()
router.register(rf"{EVENT_PREFIX}/talks", Talks, basename="talks")

urlpatterns = [
    re_path(rf"^{EVENT_PREFIX}/schedule/$", Schedule.as_view(), name="schedule"),
    *router.urls,
]
