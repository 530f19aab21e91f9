"""Webhooks in the staff panel: each organizer registers the endpoints of their events, sees
each endpoint's signing secret (and rotates it), its recent deliveries, and each delivery as
it was sent and answered; a delivery can be sent again ("Redeliver": the same id and body).

The URL is checked when it is saved as when it is used (cfp.webhooks.sender): https (http
only with DEBUG) and public addresses only. Nobody adds, edits or deletes a delivery: the list
is the record. Endpoints are switched off rather than deleted (superusers may delete).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cfp import moments
from cfp.admin.base import OrganizerScopedAdmin, organized_events
from cfp.admin.paging import IdsFirstPaginator
from cfp.models import WebhookDelivery, WebhookEndpoint
from cfp.models.webhooks import new_secret
from cfp.webhooks import sender
from cfp.webhooks.deliver import delivery_redeliver
from cfp.webhooks.kinds import DeliveryState, WebhookKind

TEMPLATES = "admin/webhooks/"
RECENT = 10  # deliveries shown on an endpoint's page; the rest are in the list


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=gettext_lazy("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=WebhookEndpoint._meta.get_field("url").help_text,
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Events to send"),
        choices=WebhookKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one event to send.")},
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["event", "url", "kinds", "active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        try:
            parts = sender.check_url(url)
            sender.check_host(parts.hostname, sender.default_port(parts))
        except sender.Refused as exc:
            raise forms.ValidationError(str(exc), code="refused") from None
        except sender.SendError:
            pass  # a name that does not resolve yet: checked again before each request
        return url


def _when(obj, value) -> str:
    return moments.moment(value, obj.event) if value else "–"


class EndpointFilter(admin.SimpleListFilter):
    """The deliveries of one endpoint; reached from its page, not listed in the sidebar."""

    title = gettext_lazy("endpoint")
    parameter_name = "endpoint"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, _("Endpoint %(id)s") % {"id": value})] if value and value.isdigit() else []

    def queryset(self, request, queryset):
        value = self.value()
        if value:
            return queryset.filter(endpoint_id=value) if value.isdigit() else queryset.none()
        return queryset


def deliveries_url(endpoint: WebhookEndpoint) -> str:
    url = reverse("admin:cfp_webhookdelivery_changelist")
    return f"{url}?{urlencode({EndpointFilter.parameter_name: endpoint.pk})}"


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(OrganizerScopedAdmin):
    form = WebhookEndpointForm
    list_display = ["address", "kind_list", "active", "created"]
    list_display_links = ["address"]
    list_select_related = ["event"]
    list_filter = ["active"]
    list_per_page = 50
    empty_value_display = "–"
    view_on_site = False
    change_form_template = TEMPLATES + "endpoint_form.html"

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        return (
            [columns[0], "event", *columns[1:]] if len(organized_events(request)) > 1 else columns
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["event", "url", "kinds", "active"]
        return ["event", "url", "kinds", "active", "secret_shown", "recent_deliveries"]

    def get_readonly_fields(self, request, obj=None):
        return ["event", "secret_shown", "recent_deliveries"] if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and "event" in form.base_fields and len(organized_events(request)) == 1:
            form.base_fields["event"].initial = organized_events(request)[0].pk
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    # --- columns and fields -----------------------------------------------------------

    @admin.display(description=gettext_lazy("URL"), ordering="url")
    def address(self, obj) -> str:
        return Truncator(obj.url).chars(80)

    @admin.display(description=gettext_lazy("events to send"))
    def kind_list(self, obj) -> str:
        return ", ".join(obj.kind_labels()) or "–"

    @admin.display(description=gettext_lazy("created"), ordering="created_at")
    def created(self, obj) -> str:
        return _when(obj, obj.created_at)

    @admin.display(description=gettext_lazy("signing secret"))
    def secret_shown(self, obj) -> str:
        return format_html(
            '<code class="lectern-secret" id="webhook-secret">{}</code><div class="help">{}</div>',
            obj.secret,
            _(
                "Receivers check the X-Lectern-Signature header with it. Keep it secret; "
                "rotate it if it was seen by anyone else."
            ),
        )

    @admin.display(description=gettext_lazy("recent deliveries"))
    def recent_deliveries(self, obj) -> str:
        recent = list(obj.deliveries.order_by("-created_at", "-pk")[:RECENT])
        if not recent:
            return _("Nothing was sent to this endpoint yet.")
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> · {} · {} · {}</li>',
            (
                (
                    reverse("admin:cfp_webhookdelivery_change", args=[d.pk]),
                    d.kind,
                    d.get_state_display(),
                    d.response_code or "–",
                    _when(obj, d.created_at),
                )
                for d in recent
            ),
        )
        return format_html(
            '<ul class="lectern-deliveries">{}</ul><p><a href="{}">{}</a></p>',
            rows,
            deliveries_url(obj),
            _("All deliveries of this endpoint"),
        )

    # --- pages --------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/rotate-secret/",
                view(require_POST(self.rotate_secret_view)),
                name="cfp_webhookendpoint_rotate",
            ),
            *super().get_urls(),
        ]

    def rotate_secret_view(self, request, object_id):
        endpoint = _scoped(self, request, object_id)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=new_secret())
        messages.success(
            request,
            _("The endpoint has a new signing secret; the old one no longer signs anything."),
        )
        return HttpResponseRedirect(reverse("admin:cfp_webhookendpoint_change", args=[endpoint.pk]))


def _scoped(model_admin, request, object_id):
    """One of the user's objects, or 404 (another event's is "no such object")."""
    if not model_admin._is_organizer(request):
        raise PermissionDenied
    object_id = unquote(object_id)
    obj = (
        model_admin.get_queryset(request).filter(pk=object_id).first()
        if object_id.isdigit()
        else None
    )
    if obj is None or not model_admin._is_organizer(request, obj):
        raise Http404(_("No such object."))
    return obj


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OrganizerScopedAdmin):
    list_display = ["kind", "state_label", "response_code", "attempts", "created", "endpoint_url"]
    list_display_links = ["kind"]
    list_filter = ["state", "kind", EndpointFilter]
    list_select_related = ["event", "endpoint"]
    list_per_page = 50
    paginator = IdsFirstPaginator
    show_full_result_count = False
    empty_value_display = "–"
    view_on_site = False
    change_form_template = TEMPLATES + "delivery_form.html"
    fields = [
        "delivery_id",
        "kind",
        "state_label",
        "endpoint_link",
        "attempts",
        "response_code",
        "response",
        "last_error",
        "created",
        "delivered",
        "next_attempt",
        "body_as_sent",
    ]
    readonly_fields = fields

    # Nobody adds, changes or deletes a delivery: it is the record of what was sent.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- columns and fields -----------------------------------------------------------

    @admin.display(description=gettext_lazy("state"), ordering="state")
    def state_label(self, obj) -> str:
        return obj.get_state_display()

    @admin.display(description=gettext_lazy("created"), ordering="created_at")
    def created(self, obj) -> str:
        return _when(obj, obj.created_at)

    @admin.display(description=gettext_lazy("delivered"))
    def delivered(self, obj) -> str:
        return _when(obj, obj.delivered_at)

    @admin.display(description=gettext_lazy("next attempt"))
    def next_attempt(self, obj) -> str:
        pending = obj.state == DeliveryState.PENDING
        return _when(obj, obj.next_attempt_at) if pending else "–"

    @admin.display(description=gettext_lazy("endpoint"))
    def endpoint_url(self, obj) -> str:
        return Truncator(obj.endpoint.url).chars(60)

    @admin.display(description=gettext_lazy("endpoint"))
    def endpoint_link(self, obj) -> str:
        url = reverse("admin:cfp_webhookendpoint_change", args=[obj.endpoint_id])
        return format_html('<a href="{}">{}</a>', url, obj.endpoint.url)

    @admin.display(description=gettext_lazy("response"))
    def response(self, obj) -> str:
        if not obj.response_excerpt:
            return "–"
        return format_html('<pre class="lectern-webhook-text">{}</pre>', obj.response_excerpt)

    @admin.display(description=gettext_lazy("body as sent"))
    def body_as_sent(self, obj) -> str:
        return format_html('<pre class="lectern-webhook-text">{}</pre>', obj.body)

    # --- pages --------------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"title": _("Webhook deliveries"), **(extra_context or {})}
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/redeliver/",
                view(require_POST(self.redeliver_view)),
                name="cfp_webhookdelivery_redeliver",
            ),
            *super().get_urls(),
        ]

    def redeliver_view(self, request, object_id):
        delivery = _scoped(self, request, object_id)
        if delivery_redeliver(delivery=delivery):
            messages.success(
                request,
                _("Delivery %(id)s will be sent again, with the same delivery id.")
                % {"id": delivery.delivery_id},
            )
        else:
            messages.warning(
                request, _("This delivery is being sent right now; try again in a moment.")
            )
        return HttpResponseRedirect(reverse("admin:cfp_webhookdelivery_change", args=[delivery.pk]))
