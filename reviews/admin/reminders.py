"""The outbox's "Remind reviewers" page: reviews/reminders.py behind a confirmation.

cfp's outbox admin knows nothing of review (imports run reviews → cfp); this subclass adds the
page and its button, and takes the outbox's place in the staff panel, as organizer.py does
for the event admin.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import urlencode

from cfp.admin import outbox as admin_outbox
from cfp.admin.mail import EVENT_PARAM, event_from, organized_events, plural
from cfp.enums import MessageKind
from cfp.mail import texts
from cfp.models import Message
from reviews import reminders


class MessageAdmin(admin_outbox.MessageAdmin):
    def tools(self, request) -> list[tuple[str, str]]:
        return [
            *super().tools(request),
            (reverse("admin:cfp_message_remind_reviewers"), "Remind reviewers…"),
        ]

    def get_urls(self):
        return [
            path(
                "remind-reviewers/",
                self.admin_site.admin_view(self.remind_view),
                name="cfp_message_remind_reviewers",
            ),
            *super().get_urls(),
        ]

    def remind_view(self, request):
        """Reviewers with unfinished reviews and a sample reminder; POST queues the reminders."""
        if not self._is_organizer(request):
            raise PermissionDenied
        events = organized_events(request)
        first = events[0].pk if events else ""
        event = event_from(request, request.GET.get(EVENT_PARAM) or first)
        if request.method == "POST":
            return self._remind(request, event)
        rows = reminders.unfinished_reviews(event)
        sample = None
        if rows:
            reviewer, unreviewed = rows[0]
            values = {
                **reminders.event_values(event),
                "reviewer_name": reviewer.display_name,
                "unreviewed": str(unreviewed),
            }
            sample = texts.render(MessageKind.REVIEW_REMINDER, values, event)
        return self.page(
            request,
            "admin/reviews/remind_reviewers.html",
            f"Remind the reviewers of {event.name}",
            event=event,
            events=events,
            event_param=EVENT_PARAM,
            rows=rows,
            sample=sample,
            total=sum(n for _, n in rows),
        )

    def _remind(self, request, event):
        try:
            result = reminders.review_reminders_queue(event)
        except reminders.RemindersRefused as refusal:
            messages.error(request, str(refusal))
            url = reverse("admin:cfp_message_remind_reviewers")
            return HttpResponseRedirect(f"{url}?{urlencode({EVENT_PARAM: event.pk})}")
        if result.queued:
            messages.success(request, f"{plural(len(result.queued), 'reminder')} on the way.")
        if result.recently_reminded:
            names = ", ".join(r.display_name for r in result.recently_reminded)
            messages.warning(request, f"Reminded less than an hour ago, so not again: {names}.")
        if not result.queued and not result.recently_reminded:
            messages.info(request, "Every reviewer has finished their assigned reviews.")
        url = reverse("admin:cfp_message_changelist")
        filters = {"kind__exact": MessageKind.REVIEW_REMINDER, "event__id__exact": event.pk}
        return HttpResponseRedirect(f"{url}?{urlencode(filters)}")


admin.site.unregister(Message)
admin.site.register(Message, MessageAdmin)
