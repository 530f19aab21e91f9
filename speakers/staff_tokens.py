"""The staff member's own API tokens in the staff panel (Accounts and speakers › API tokens):
the list, a page to make one (which shows its secret once) and a page to revoke one. The
same services as the public site's pages (speakers.tokens).

Staff see only their own tokens. A superuser (the installation's administrator) may also
list every account's (their names and first characters: a secret is never kept to show)
and revoke any, to stop a leaked one."""

from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from speakers.forms import ApiTokenForm
from speakers.models import ApiToken
from speakers.tokens import (
    MAX_LIVE,
    AlreadyMade,
    account_verified,
    own_tokens,
    token_revoke,
)

TEMPLATES = "admin/tokens/"
EVERY_ACCOUNT = "all"


class WhoseFilter(admin.SimpleListFilter):
    """The superuser's choice: their own tokens (as for everyone), or every account's."""

    title = gettext_lazy("account")
    parameter_name = "whose"

    def lookups(self, request, model_admin):
        return [(EVERY_ACCOUNT, _("Every account"))]

    def queryset(self, request, queryset):
        if self.value() == EVERY_ACCOUNT and request.user.is_superuser:
            return queryset
        return queryset.filter(user_id=request.user.pk)

    def choices(self, changelist):
        yield {
            "selected": self.value() != EVERY_ACCOUNT,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Yours"),
        }
        yield {
            "selected": self.value() == EVERY_ACCOUNT,
            "query_string": changelist.get_query_string({self.parameter_name: EVERY_ACCOUNT}),
            "display": _("Every account"),
        }


def every_account(request) -> bool:
    return request.user.is_superuser and request.GET.get(WhoseFilter.parameter_name) == (
        EVERY_ACCOUNT
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "scope",
        "token",
        "created",
        "expires",
        "last_used",
        "status",
        "revoke",
    ]
    list_display_links = None
    list_per_page = 50
    show_full_result_count = False
    actions = None
    ordering = ["-created_at", "-pk"]
    change_list_template = TEMPLATES + "change_list.html"

    # Every staff member has this page, for their own tokens only.
    def _staff(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self._staff(request)

    def has_add_permission(self, request):
        return self._staff(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        if request.user.is_superuser:
            return ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
        return own_tokens(request.user)

    def get_list_filter(self, request):
        return [WhoseFilter] if request.user.is_superuser else []

    def get_list_display(self, request):
        if every_account(request):
            return ["account", *self.list_display]
        return self.list_display

    def has_view_permission(self, request, obj=None):
        return self._staff(request) and (
            obj is None or obj.user_id == request.user.pk or request.user.is_superuser
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/revoke/", view(self.revoke_view), name="speakers_apitoken_revoke"),
            *super().get_urls(),
        ]

    # --- the list's columns ----------------------------------------------------------------

    @admin.display(description=gettext_lazy("account"), ordering="user__email")
    def account(self, obj):
        return obj.user.email

    @admin.display(description=gettext_lazy("token"))
    def token(self, obj):
        return format_html("<code>{}…</code>", obj.prefix)

    @admin.display(description=gettext_lazy("created"), ordering="created_at")
    def created(self, obj):
        return _date(obj.created_at)

    @admin.display(description=gettext_lazy("expires"), ordering="expires_at")
    def expires(self, obj):
        return _date(obj.expires_at) or _("Never")

    @admin.display(description=gettext_lazy("last used"), ordering="last_used_at")
    def last_used(self, obj):
        return _date(obj.last_used_at) or _("Never")

    @admin.display(description=gettext_lazy("status"))
    def status(self, obj):
        if obj.is_revoked:
            return _("Revoked %(when)s") % {"when": _date(obj.revoked_at)}
        if obj.is_expired:
            return _("Expired %(when)s") % {"when": _date(obj.expires_at)}
        return _("Active")

    @admin.display(description=gettext_lazy("action"))
    def revoke(self, obj):
        if obj.is_revoked:
            return ""
        # Named by aria-label: a visually hidden span would be placed outside the list's
        # scrolling box and widen a phone's page.
        return format_html(
            '<a class="button" href="{}" aria-label="{}">{}</a>',
            reverse("admin:speakers_apitoken_revoke", args=[obj.pk]),
            _("Revoke “%(name)s”") % {"name": obj.name},
            _("Revoke"),
        )

    # --- the pages -------------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        context = {
            "title": _("Every account's API tokens")
            if every_account(request)
            else _("Your API tokens"),
            "subtitle": None,
            "max_live": MAX_LIVE,
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A token has nothing to change; its row says all there is to know.
        return HttpResponseRedirect(reverse("admin:speakers_apitoken_changelist"))

    def history_view(self, request, object_id, extra_context=None):
        raise Http404

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise Http404
        if refused := self._unverified(request):
            return refused
        form = ApiTokenForm(request.POST) if request.method == "POST" else ApiTokenForm()
        if form.is_bound and form.is_valid():
            try:
                made = form.make(request)
            except AlreadyMade as before:
                messages.warning(request, str(before))
                return redirect("admin:speakers_apitoken_changelist")
            if made is not None:
                token, secret = made
                # The secret is in this answer only: never kept, never cached.
                response = self._page(
                    request,
                    "created.html",
                    _("Your new API token"),
                    {"token": token, "secret": secret},
                )
                response.render()
                add_never_cache_headers(response)
                return response
        response = self._page(request, "form.html", _("Make an API token"), {"form": form})
        add_never_cache_headers(response)
        return response

    def revoke_view(self, request, pk: int):
        if refused := self._unverified(request):
            return refused
        token = get_object_or_404(self.get_queryset(request), pk=pk)
        back = reverse("admin:speakers_apitoken_changelist")
        if token.user_id != request.user.pk:  # a superuser's look at another account's token
            back += f"?{WhoseFilter.parameter_name}={EVERY_ACCOUNT}"
        if request.method == "POST":
            if token_revoke(token=token, by=request.user):
                messages.success(
                    request,
                    _(
                        "The token “%(name)s” is revoked: programs that use it can no longer "
                        "call the API."
                    )
                    % {"name": token.name},
                )
            else:
                messages.info(
                    request, _("The token “%(name)s” was revoked already.") % {"name": token.name}
                )
            return HttpResponseRedirect(back)
        return self._page(
            request,
            "revoke.html",
            _("Revoke “%(name)s”") % {"name": token.name},
            {"token": token, "list_url": back, "others": token.user_id != request.user.pk},
        )

    def _unverified(self, request):
        if account_verified(request.user):
            return None
        messages.error(
            request, _("Verify your email address before you make or revoke API tokens.")
        )
        return HttpResponseRedirect(reverse("account_email"))

    def _page(self, request, template: str, title: str, context: dict) -> TemplateResponse:
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            TEMPLATES + template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "list_url": reverse("admin:speakers_apitoken_changelist"),
                **context,
            },
        )


def _date(value) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "j M Y, H:i")
