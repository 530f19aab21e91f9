"""The staff panel's site: every password is checked by allauth (rate limited), never here."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


class LecternAdminSite(admin.AdminSite):
    site_header = _("Lectern staff panel")
    site_title = _("Lectern")
    index_title = _("Events, proposals and review")

    def _target(self, request) -> str:
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return target if safe else reverse("admin:index", current_app=self.name)

    def no_access(self, request):
        """A signed-in account without staff status: say so, rather than offer a login form."""
        return render(request, "staff_no_access.html", status=403)

    def login(self, request, extra_context=None):
        """Django's admin login form would check passwords without a rate limit: it never
        renders. Strangers sign in through allauth, staff go on to the page they asked for."""
        if not request.user.is_authenticated:
            return redirect_to_login(self._target(request))
        if not self.has_permission(request):
            return self.no_access(request)
        return HttpResponseRedirect(self._target(request))

    def password_change(self, request, extra_context=None):
        # allauth's form checks the old password under its rate limit; the admin's does not.
        return HttpResponseRedirect(reverse("account_change_password"))

    def password_change_done(self, request, extra_context=None):
        return HttpResponseRedirect(reverse("account_change_password"))

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                return self.no_access(request)
            return checked(request, *args, **kwargs)

        return update_wrapper(inner, checked)

    def index(self, request, extra_context=None):
        """The first page: a dashboard per role, not Django's list of models (which stays
        on the page, as "All sections")."""
        # Imported here: this site is made while the apps load, before their models are ready.
        from reviews.admin.dashboard import dashboard_view

        return dashboard_view(self, request, extra_context)

    def _build_app_dict(self, request, label=None):
        """The sections the user may open, built once per request: the side navigation
        (each_context) and the page itself (the index, an app's index) both ask for them,
        and each build asks every section for its permissions and reverses its URLs."""
        apps = request.__dict__.get("_staff_sections")
        if apps is None:
            apps = request._staff_sections = super()._build_app_dict(request)
        if label:
            return {label: apps[label]} if label in apps else {}
        return apps

    def view_on_site_closed(self, request, content_type_id, object_id):
        raise Http404

    def get_urls(self):
        # "/admin/r/<content type>/<id>/" redirected any staff user to any object's public
        # address (other events' proposals, hidden events, invitation tokens). Closed, under
        # the same name so that nothing that reverses it breaks.
        urls = [u for u in super().get_urls() if getattr(u, "name", None) != "view_on_site"]
        closed = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.view_on_site_closed,
            name="view_on_site",
        )
        return [closed, *urls]
