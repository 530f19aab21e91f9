from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.api import json_error


@never_cache
@require_safe
def healthz(request):
    """A liveness check for load balancers and docker's health check: no template, no query.
    Asked from this machine, it is answered before the rest of the middleware
    (config.middleware.LocalHealthCheckMiddleware)."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page says: the site's icon
    (an SVG, which every current browser takes), rather than a 404 in the logs."""
    return HttpResponseRedirect(static("favicon.svg"))


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


# Django's error pages, except under /api/, where every answer is JSON (config.api).
def bad_request(request, exception):
    if _is_api(request):
        return json_error(400, str(_("Bad request.")), "bad_request")
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return json_error(403, str(_("You may not do this.")), "permission_denied")
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return json_error(404, str(_("Not found.")), "not_found")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return json_error(500, str(_("Server error.")), "server_error")
    return defaults.server_error(request)
