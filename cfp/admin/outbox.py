"""The outbox in the staff panel: drafts previewed, edited and sent in batches; failures retried.

Decision emails wait here as drafts. Organizers of the event (and superusers) preview each,
edit one while it is a draft, discard it, or send the drafts of an event (all, or a
selection) as a SendBatch whose progress page follows the release_batch task. Failed
messages show their error and are retried or discarded. A message whose delivery is unknown
(the server took it but never confirmed) is explained, and sent again only if an organizer
chooses to. Messages without an event (account
email) are the superusers' alone. Nobody adds or deletes a message: the outbox is the record.
"""

import re

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cfp import moments
from cfp.admin.base import organized_events
from cfp.admin.mail import (
    EVENT_PARAM,
    TEMPLATES,
    EventMailAdmin,
    event_from,
    mail_preview,
    plural,
)
from cfp.admin.mail_forms import DraftForm
from cfp.enums import MessageKind, MessageState
from cfp.mail import outbox
from cfp.models import Event, Message

# --- the outbox ---------------------------------------------------------------------------


class BatchFilter(admin.SimpleListFilter):
    """The messages of one batch; reached from its progress page, not listed in the sidebar."""

    title = "batch"
    parameter_name = "batch"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, f"Batch {value}")] if value and value.isdigit() else []

    def queryset(self, request, queryset):
        value = self.value()
        if value:
            return queryset.filter(batch_id=value) if value.isdigit() else queryset.none()
        return queryset


class GroupEmailFilter(BatchFilter):
    """The drafts and messages of one email to a group; reached from its page."""

    title = _lazy("email to a group")
    parameter_name = "group_email"

    def lookups(self, request, model_admin):
        value = self.value()
        return (
            [(value, _("Email to a group %(id)s") % {"id": value})]
            if value and value.isdigit()
            else []
        )

    def queryset(self, request, queryset):
        value = self.value()
        if value:
            return queryset.filter(group_email_id=value) if value.isdigit() else queryset.none()
        return queryset


SMTP_REPLY = re.compile(r"\((\d{3}), b?['\"](.*?)['\"]\)")


def smtp_reply(error: str) -> str:
    """The server's reply in an error, as "550 5.1.1 No such user"; else the error, shortened."""
    match = SMTP_REPLY.search(error)
    return f"{match[1]} {match[2]}" if match else Truncator(error).chars(60)


class EventFilter(admin.RelatedOnlyFieldListFilter):
    """The user's events; "no event" (account email) for superusers only."""

    def __init__(self, field, request, *args, **kwargs):
        self.is_superuser = request.user.is_superuser
        super().__init__(field, request, *args, **kwargs)

    @property
    def include_empty_choice(self):
        return self.is_superuser


def drafts_of(event: Event):
    """The event's drafts that no batch has taken yet."""
    return Message.objects.filter(event=event, state=MessageState.DRAFT, batch__isnull=True)


@admin.register(Message)
class MessageAdmin(EventMailAdmin):
    form = DraftForm
    list_display = ["recipient", "subject_line", "state_label", "error", "times"]
    list_filter = ["state", "kind", ("event", EventFilter), BatchFilter, GroupEmailFilter]
    list_select_related = ["event"]
    search_fields = ["to", "subject"]
    search_help_text = "Searches recipients and subjects."
    list_per_page = 100
    # A filtered list says "N results (Show all)" rather than counting the whole outbox again.
    show_full_result_count = False
    actions = ["send_selected", "retry_selected", "send_again_selected", "discard_selected"]
    change_list_template = TEMPLATES + "message_list.html"
    change_form_template = TEMPLATES + "message_form.html"
    readonly_fields = [
        "to",
        "kind",
        "state",
        "event",
        "proposal_link",
        "batch_link",
        "attempts",
        "last_error",
        "created",
        "queued",
        "sent",
        "preview",
    ]

    def get_fieldsets(self, request, obj=None):
        head = ["to", "kind", "state", "event", "proposal_link", "batch_link"]
        delivery = ["attempts", "last_error", "created", "queued", "sent"]
        fieldsets = [(None, {"fields": head}), ("Preview", {"fields": ["preview"]})]
        if obj is not None and obj.state == MessageState.DRAFT:
            fieldsets.append(("Edit this draft", {"fields": ["subject", "body"]}))
        return [*fieldsets, ("Delivery", {"fields": delivery})]

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        return (
            [*columns[:2], "event", *columns[2:]] if len(organized_events(request)) > 1 else columns
        )

    # Nobody adds or deletes a message; only a draft changes.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state != MessageState.DRAFT:
            return False
        return self._is_organizer(request, obj)

    def save_model(self, request, obj, form, change):
        if not outbox.draft_edit(
            message=obj, subject=form.cleaned_data["subject"], body=form.cleaned_data["body"]
        ):
            messages.error(request, "The message was sent or discarded meanwhile; nothing changed.")

    # --- columns and fields -----------------------------------------------------------

    @admin.display(description="to", ordering="to")
    def recipient(self, obj) -> str:
        local, at, domain = obj.to.rpartition("@")
        return format_html("{}<wbr>@{}", local, domain) if at else obj.to  # wraps at the @

    @admin.display(description="subject", ordering="subject")
    def subject_line(self, obj) -> str:
        # The kind goes under the subject: one column fewer, so the list fits beside the filters.
        return format_html(
            '{}<div class="lectern-muted">{}</div>',
            Truncator(obj.subject).chars(80),
            obj.get_kind_display(),
        )

    @admin.display(description="state", ordering="state")
    def state_label(self, obj) -> str:
        return obj.get_state_display().split(" (")[0]  # "Draft", without the explanation

    @admin.display(description="created / sent", ordering="created_at")
    def times(self, obj) -> str:
        # On the clock of the message's event (account email: the installation's), named
        # once under the times: the events of one list may keep different clocks.
        event = obj.event if obj.event_id else None

        def when(value):
            # "Dec. 7, 2026," and "6:15 a.m." each kept whole: the column may break between.
            day, comma, clock = moments.moment(value, event, labelled=False).rpartition(", ")
            return format_html(
                '<span class="lectern-moment">{}</span> <span class="lectern-moment">{}</span>',
                day + comma.strip(),
                clock,
            )

        zone = format_html('<div class="lectern-muted">{}</div>', moments.zone_name(event))
        if obj.sent_at is None:
            return format_html("{}{}", when(obj.created_at), zone)
        return format_html(
            "{}<br>{} {}{}", when(obj.created_at), _("sent"), when(obj.sent_at), zone
        )

    def _moment(self, obj, value) -> str:
        return moments.moment(value, obj.event if obj.event_id else None)

    @admin.display(description=_lazy("created"))
    def created(self, obj) -> str:
        return self._moment(obj, obj.created_at)

    @admin.display(description=_lazy("queued"))
    def queued(self, obj) -> str:
        return self._moment(obj, obj.queued_at)

    @admin.display(description=_lazy("sent"))
    def sent(self, obj) -> str:
        return self._moment(obj, obj.sent_at)

    @admin.display(description="last error")
    def error(self, obj) -> str:
        if not obj.last_error:
            return "–"
        return format_html('<span title="{}">{}</span>', obj.last_error, smtp_reply(obj.last_error))

    @admin.display(description="proposal")
    def proposal_link(self, obj) -> str:
        if obj.proposal_id is None:
            return "–"
        url = reverse("admin:cfp_proposal_change", args=[obj.proposal_id])
        return format_html('<a href="{}">{}</a>', url, obj.proposal.title)

    @admin.display(description="sent in")
    def batch_link(self, obj) -> str:
        if obj.batch_id is None:
            return "–"
        url = reverse("admin:cfp_sendbatch_progress", args=[obj.batch_id])
        return format_html('<a href="{}">batch {}</a>', url, obj.batch_id)

    @admin.display(description="as the recipient sees it")
    def preview(self, obj) -> str:
        return mail_preview(obj.subject, obj.body, obj.html, to=obj.to)

    # --- pages --------------------------------------------------------------------------

    def tools(self, request) -> list[tuple[str, str]]:
        """Buttons above the list: send the drafts of each event that has some."""
        drafts = (
            Message.objects.filter(
                state=MessageState.DRAFT,
                batch__isnull=True,
                event__in=[e.pk for e in organized_events(request)],
            )
            .order_by()
            .values("event_id")
            .annotate(n=Count("pk"))
        )
        counts = {row["event_id"]: row["n"] for row in drafts}
        url = reverse("admin:cfp_message_send_drafts")
        sends = [
            (
                f"{url}?{urlencode({EVENT_PARAM: e.pk})}",
                f"Send {plural(counts[e.pk], 'draft')} of {e.name}…",
            )
            for e in organized_events(request)
            if e.pk in counts
        ]
        return [*sends, (reverse("admin:cfp_sendbatch_changelist"), "Sent batches")]

    def changelist_view(self, request, extra_context=None):
        organizer = self._is_organizer(request)
        context = {
            "title": "Outbox",
            "tools": self.tools(request) if organizer else [],
            "unknown": (
                self.get_queryset(request).filter(state=MessageState.UNKNOWN).count()
                if organizer
                else 0
            ),
            "unknown_url": f"{reverse('admin:cfp_message_changelist')}?"
            + urlencode({"state__exact": MessageState.UNKNOWN}),
        }
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        message = self.get_object(request, unquote(object_id))
        context = {}
        if message is not None and self._is_organizer(request, message):
            context["title"] = (
                f"{'Draft' if message.state == MessageState.DRAFT else 'Email'} to {message.to}"
            )
            if message.state == MessageState.DRAFT:
                context.update(self._neighbours(message))
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def _neighbours(self, message: Message) -> dict:
        """The previous and next draft of the event, in the list's order."""
        drafts = Message.objects.filter(event_id=message.event_id, state=MessageState.DRAFT)
        newer = Q(created_at__gt=message.created_at) | Q(
            created_at=message.created_at, pk__gt=message.pk
        )
        older = Q(created_at__lt=message.created_at) | Q(
            created_at=message.created_at, pk__lt=message.pk
        )
        return {
            "previous_draft": drafts.filter(newer)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
            .first(),
            "next_draft": drafts.filter(older)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)
            .first(),
        }

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("send-drafts/", view(self.send_drafts_view), name="cfp_message_send_drafts"),
            path(
                "<path:object_id>/send/",
                view(require_POST(self.send_one_view)),
                name="cfp_message_send",
            ),
            path(
                "<path:object_id>/retry/",
                view(require_POST(self.retry_one_view)),
                name="cfp_message_retry",
            ),
            path(
                "<path:object_id>/send-again/",
                view(require_POST(self.send_again_view)),
                name="cfp_message_send_again",
            ),
            path(
                "<path:object_id>/discard/",
                view(require_POST(self.discard_one_view)),
                name="cfp_message_discard",
            ),
            *super().get_urls(),
        ]

    def _message(self, request, object_id) -> Message:
        if not self._is_organizer(request):
            raise PermissionDenied
        object_id = unquote(object_id)
        message = (
            self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        )
        if message is None or not self._is_organizer(request, message):
            raise Http404("No such message.")
        return message

    def _change_url(self, message: Message) -> str:
        return reverse("admin:cfp_message_change", args=[message.pk])

    def send_one_view(self, request, object_id):
        message = self._message(request, object_id)
        batch = message.event and outbox.batch_send(
            event=message.event, messages=Message.objects.filter(pk=message.pk), by=request.user
        )
        if not batch:
            messages.warning(request, "This message is not a draft waiting to be sent.")
            return HttpResponseRedirect(self._change_url(message))
        messages.success(request, f"The email to {message.to} is being sent.")
        return HttpResponseRedirect(reverse("admin:cfp_sendbatch_progress", args=[batch.pk]))

    def retry_one_view(self, request, object_id):
        message = self._message(request, object_id)
        if outbox.messages_release(
            Message.objects.filter(pk=message.pk, state=MessageState.FAILED)
        ):
            messages.success(request, f"The email to {message.to} will be sent again.")
        else:
            messages.warning(request, "Only a failed message can be retried.")
        return HttpResponseRedirect(self._change_url(message))

    def send_again_view(self, request, object_id):
        message = self._message(request, object_id)
        if outbox.messages_send_again(Message.objects.filter(pk=message.pk)):
            messages.success(
                request,
                _("The email to %(to)s will be sent again, with the same Message-ID.")
                % {"to": message.to},
            )
        else:
            messages.warning(request, _("Only a message whose delivery is unknown is sent again."))
        return HttpResponseRedirect(self._change_url(message))

    def discard_one_view(self, request, object_id):
        message = self._message(request, object_id)
        if outbox.messages_discard(Message.objects.filter(pk=message.pk)):
            messages.success(
                request, f"The email to {message.to} was discarded; it will not be sent."
            )
        else:
            messages.warning(request, "Only a draft or a failed message can be discarded.")
        return HttpResponseRedirect(self._change_url(message))

    def send_drafts_view(self, request):
        """All waiting drafts of one event: a confirmation page, then the batch (POST)."""
        if not self._is_organizer(request):
            raise PermissionDenied
        event = event_from(request, request.GET.get(EVENT_PARAM, ""))
        drafts = drafts_of(event)
        if request.method == "POST":
            # Only what the organizer saw: drafts made after the page was shown wait.
            through = request.POST.get("through", "")
            chosen = drafts.filter(pk__lte=int(through)) if through.isdigit() else drafts.none()
            return self._start(request, event, chosen)
        return self._confirm(
            request,
            event,
            drafts,
            title=f"Send the drafts of {event.name}",
            hidden={"through": drafts.aggregate(last=Max("pk"))["last"] or 0},
            cancel=reverse("admin:cfp_message_changelist"),
        )

    def _start(self, request, event: Event, drafts):
        batch = outbox.batch_send(event=event, messages=drafts, by=request.user)
        if batch is None:
            messages.warning(request, "There was no draft waiting to be sent; nothing was sent.")
            return HttpResponseRedirect(reverse("admin:cfp_message_changelist"))
        messages.success(request, f"Sending {plural(batch.total, 'email')} of {event.name}.")
        return HttpResponseRedirect(reverse("admin:cfp_sendbatch_progress", args=[batch.pk]))

    def _confirm(self, request, event, drafts, *, title, hidden, cancel, selection=None):
        kinds = dict(MessageKind.choices)
        by_kind = drafts.order_by("kind").values("kind").annotate(n=Count("pk"))
        return self.page(
            request,
            "send_confirm.html",
            title,
            event=event,
            count=sum(row["n"] for row in by_kind),
            by_kind=[(kinds.get(row["kind"], row["kind"]), row["n"]) for row in by_kind],
            first=list(drafts.order_by("-created_at", "-pk")[:10]),
            hidden=hidden,
            selection=selection or [],
            cancel=cancel,
        )

    # --- actions on a selection -----------------------------------------------------------

    @admin.action(description="Send selected drafts…", permissions=["change"])
    def send_selected(self, request, queryset):
        drafts = queryset.filter(state=MessageState.DRAFT, batch__isnull=True)
        event_ids = set(drafts.order_by().values_list("event_id", flat=True).distinct())
        if not event_ids:
            self.message_user(
                request,
                "None of the selected messages is a draft waiting to be sent.",
                messages.WARNING,
            )
            return None
        if len(event_ids) > 1:
            self.message_user(request, "Send the drafts of one event at a time.", messages.ERROR)
            return None
        event = event_from(request, event_ids.pop())
        if request.POST.get("post") == "yes":
            return self._start(request, event, drafts)
        return self._confirm(
            request,
            event,
            drafts,
            title=f"Send selected drafts of {event.name}",
            hidden={
                "action": "send_selected",
                "post": "yes",
                "select_across": request.POST.get("select_across", "0"),
            },
            selection=request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            cancel=request.get_full_path(),
        )

    @admin.action(description="Retry selected failed messages", permissions=["change"])
    def retry_selected(self, request, queryset):
        count = outbox.messages_release(queryset.filter(state=MessageState.FAILED))
        if count:
            self.message_user(
                request, f"{plural(count, 'message')} will be sent again.", messages.SUCCESS
            )
        else:
            self.message_user(
                request, "None of the selected messages had failed.", messages.WARNING
            )

    @admin.action(
        description=_lazy("Send selected again (delivery unknown)"), permissions=["change"]
    )
    def send_again_selected(self, request, queryset):
        count = outbox.messages_send_again(queryset)
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message will be sent again.",
                    "%(count)d messages will be sent again.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("None of the selected messages has an unknown delivery."),
                messages.WARNING,
            )

    @admin.action(description="Discard selected drafts and failed messages", permissions=["change"])
    def discard_selected(self, request, queryset):
        count = outbox.messages_discard(queryset)
        if count:
            self.message_user(
                request,
                f"{plural(count, 'message')} discarded; they will not be sent.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                "None of the selected messages was a draft or had failed.",
                messages.WARNING,
            )
