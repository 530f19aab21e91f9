"""/api/v1/: the OpenAPI schema, its docs page, and each app's endpoints (their `api/`
packages). Mounted by config/urls.py."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include("speakers.api.urls")),  # who is asking
    path("", include("cfp.api.public_urls")),  # the published programme
    path("", include("cfp.api.urls")),  # the CfP's settings, outbox, decisions, schedule
    path("", include("reviews.api.urls")),  # events, proposals, speakers, by role
    path("", include("reviews.api.review_urls")),  # reviews and their figures
]
