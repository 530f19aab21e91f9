from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


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
