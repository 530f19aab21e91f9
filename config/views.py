from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """A liveness check for load balancers and docker's health check: no template, no query.
    Asked from this machine, it is answered before the rest of the middleware
    (config.middleware.LocalHealthCheckMiddleware)."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
