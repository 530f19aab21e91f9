from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """A liveness check for load balancers, and the benchmark's floor: the full middleware
    stack, no template, no query."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
