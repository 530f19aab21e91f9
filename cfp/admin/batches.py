"""Send batches in the staff panel: what an organizer sent together, and how far it is.

A batch's progress page counts its messages by state (sent, failed, waiting) and follows the
release_batch task by polling a small JSON endpoint; what failed is listed with its error,
to retry. The list of batches is reached from the outbox.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cfp import moments
from cfp.admin.mail import TEMPLATES, EventMailAdmin, plural
from cfp.enums import MessageState
from cfp.mail import outbox
from cfp.models import SendBatch


@admin.register(SendBatch)
class SendBatchAdmin(EventMailAdmin):
    list_display = ["batch", "event", "started", "sender", "total", "sent", "failed", "waiting"]
    # The batch column is its own link, to the progress page; Django's link to the change
    # page around it made a link inside a link, one of them without a text.
    list_display_links = None
    list_select_related = ["event", "created_by__profile"]
    list_filter = [("event", admin.RelatedOnlyFieldListFilter)]
    actions = None
    change_list_template = TEMPLATES + "batch_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_message_counts()

    def has_module_permission(self, request):
        return False  # reached from the outbox, whose sidebar entry it shares

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Sent batches", **(extra_context or {})})

    @admin.display(description="batch", ordering="pk")
    def batch(self, obj) -> str:
        url = reverse("admin:cfp_sendbatch_progress", args=[obj.pk])
        return format_html('<a href="{}">Batch {}</a>', url, obj.pk)

    @admin.display(description=_("started"), ordering="created_at")
    def started(self, obj) -> str:
        return moments.moment(obj.created_at, obj.event)

    @admin.display(description="sent by", ordering="created_by__email")
    def sender(self, obj) -> str:
        return obj.created_by.display_name if obj.created_by else "–"

    @admin.display(description="sent", ordering="sent_count")
    def sent(self, obj) -> int:
        return obj.sent_count

    @admin.display(description="failed", ordering="failed_count")
    def failed(self, obj) -> int:
        return obj.failed_count

    @admin.display(description="waiting", ordering="waiting_count")
    def waiting(self, obj) -> int:
        return obj.waiting_count

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/progress/",
                view(self.progress_view),
                name="cfp_sendbatch_progress",
            ),
            path(
                "<path:object_id>/progress.json",
                view(self.progress_json),
                name="cfp_sendbatch_progress_json",
            ),
            path(
                "<path:object_id>/retry/",
                view(require_POST(self.retry_view)),
                name="cfp_sendbatch_retry",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:cfp_sendbatch_progress", args=[object_id]))

    def _batch(self, request, object_id) -> SendBatch:
        if not self._is_organizer(request):
            raise PermissionDenied
        batch = (
            admin.ModelAdmin.get_queryset(self, request)
            .select_related("event", "created_by__profile")
            .filter(pk=object_id if str(object_id).isdigit() else None)
            .first()
        )
        if batch is None or not self._is_organizer(request, batch):
            raise Http404("No such batch.")
        return batch

    def progress_view(self, request, object_id):
        batch = self._batch(request, object_id)
        outbox_url = reverse("admin:cfp_message_changelist")
        failed = {"batch": batch.pk, "state__exact": MessageState.FAILED}
        return self.page(
            request,
            "batch_progress.html",
            f"Sending {plural(batch.total, 'email')} of {batch.event.name}",
            batch=batch,
            progress=outbox.batch_progress(batch),
            failed=list(batch.messages.filter(state=MessageState.FAILED).order_by("pk")[:100]),
            json_url=reverse("admin:cfp_sendbatch_progress_json", args=[batch.pk]),
            batch_url=f"{outbox_url}?{urlencode({'batch': batch.pk})}",
            failed_url=f"{outbox_url}?{urlencode(failed)}",
        )

    def progress_json(self, request, object_id):
        return JsonResponse(outbox.batch_progress(self._batch(request, object_id)))

    def retry_view(self, request, object_id):
        batch = self._batch(request, object_id)
        count = outbox.messages_release(batch.messages.filter(state=MessageState.FAILED))
        messages.success(request, f"{plural(count, 'failed message')} will be sent again.")
        return HttpResponseRedirect(reverse("admin:cfp_sendbatch_progress", args=[batch.pk]))
