"""The staff panel's site: every password is checked by allauth (rate limited), never here."""

from contextlib import suppress
from functools import update_wrapper

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class LecternAdminSite(admin.AdminSite):
    site_header = _("Lectern staff panel")
    site_title = _("Lectern")
    index_title = _("Events, proposals and review")

    def __init__(self, name="admin"):
        super().__init__(name)
        # (script prefix, URLconf) → the sections' addresses (_section_urls).
        self._known_urls: dict = {}

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
        (each_context) and the page itself (the index, an app's index) both ask for them."""
        sections = request.__dict__.get("_staff_sections")
        if sections is None:
            sections = request._staff_sections = self._sections(request)
        if label:
            return {label: sections[label]} if label in sections else {}
        return sections

    def _sections(self, request) -> dict:
        """Django's AdminSite._build_app_dict (the same dictionaries), with the sections'
        addresses from _section_urls: reversing them was 60% of the build on every page."""
        urls = self._section_urls()
        sections = {}
        for model, model_admin in self._registry.items():
            app_label = model._meta.app_label
            # Who may open what is asked on every request, as Django does.
            has_module_perms = model_admin.has_module_permission(request)
            if not has_module_perms:
                continue
            perms = model_admin.get_model_perms(request)
            if True not in perms.values():
                continue
            info = (app_label, model._meta.model_name)
            model_dict = {
                "model": model,
                "name": capfirst(model._meta.verbose_name_plural),
                "object_name": model._meta.object_name,
                "perms": perms,
                "admin_url": None,
                "add_url": None,
            }
            if perms.get("change") or perms.get("view"):
                model_dict["view_only"] = not perms.get("change")
                model_dict["admin_url"] = urls.get((*info, "changelist"))
            if perms.get("add"):
                model_dict["add_url"] = urls.get((*info, "add"))
            if app_label in sections:
                sections[app_label]["models"].append(model_dict)
            else:
                sections[app_label] = {
                    "name": apps.get_app_config(app_label).verbose_name,
                    "app_label": app_label,
                    "app_url": urls[(app_label, "app")],
                    "has_module_perms": has_module_perms,
                    "models": [model_dict],
                }
        return sections

    def _section_urls(self) -> dict:
        """Every section's addresses (an app's index, a model's list and add pages). They
        depend on nothing but the URLconf and the script prefix, never on who asks: reversed
        once per process and prefix. Permissions are never kept (see _sections)."""
        key = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        known = self._known_urls.get(key)
        if known is None:
            known = {}
            for model in self._registry:
                info = (model._meta.app_label, model._meta.model_name)
                known[(info[0], "app")] = reverse(
                    "admin:app_list", kwargs={"app_label": info[0]}, current_app=self.name
                )
                for page in ("changelist", "add"):
                    with suppress(NoReverseMatch):  # a model without that page
                        known[(*info, page)] = reverse(
                            "admin:{}_{}_{}".format(*info, page), current_app=self.name
                        )
            self._known_urls[key] = known
        return known

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
