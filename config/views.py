from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """A liveness check for load balancers and docker's health check: no template, no query.
    Asked from this machine, it is answered before the rest of the middleware
    (config.middleware.LocalHealthCheckMiddleware)."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def staff_login(admin_login):
    """The staff panel's login: everyone logs in through allauth (rate limited), and a
    signed-in staff user is sent on to the page they asked for, which Django's admin login
    would replace with the admin's index."""

    @login_required
    def view(request, extra_context=None):
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        if request.method == "GET" and safe and request.user.is_active and request.user.is_staff:
            return HttpResponseRedirect(target)
        return admin_login(request, extra_context)

    return view
