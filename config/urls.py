from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from config.media import media as media_view
from config.views import favicon, healthz

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("speakers.urls")),
]
if settings.SERVE_MEDIA:
    # Small installations serve uploads themselves; larger ones put a web server in front.
    media = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{media}(?P<path>.*)$", media_view))
urlpatterns.append(path("", include("cfp.urls")))

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
