"""Email to a group in the staff panel: write, preview per recipient, create drafts, send.

The "Write to a group" page (`admin:cfp_groupemail_write`) asks for the group (cfp.mail.groups)
and the text; "Preview" shows who gets it and the email of any one of them; "Create drafts"
stores one draft per recipient (cfp.mail.group_emails) and leads to the email's page, whose
"Send" starts the outbox's batch send and its progress page. The organizer's proposal list
opens the same page for a hand-picked selection ("Write to the speakers of the selected
proposals"). Organizers of the event (and superusers) only: others get 403, another event 404.
"""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cfp.admin.base import organized_events
from cfp.admin.group_mail_forms import GroupEmailForm
from cfp.admin.mail import EVENT_PARAM, TEMPLATES, EventMailAdmin, event_from, mail_preview
from cfp.enums import MessageState
from cfp.mail import group_emails, groups, outbox
from cfp.models import Event, GroupEmail, Message, SendBatch
from cfp.services import ActionRefused

# A longer list of recipients to pick from would make the page heavy; the count says the rest.
PICKABLE = 500
SHOWN_SELECTED = 10


def write_url(event: Event) -> str:
    return f"{reverse('admin:cfp_groupemail_write')}?{urlencode({EVENT_PARAM: event.pk})}"


def _preview(form: GroupEmailForm) -> dict | None:
    """Who gets the email, and the email of the recipient picked (the first by default)."""
    if not form.is_bound or not form.is_valid():
        return None
    subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
    found = groups.recipients(form.event, form.selection(), subject, body)
    if not found:
        return {"count": 0}
    picked = next((r for r in found if r.key == form.cleaned_data["recipient"]), found[0])
    text_subject, text_body = groups.render(subject, body, picked.values)
    return {
        "count": len(found),
        "people": len({r.user.pk for r in found}),
        "per_proposal": picked.proposal is not None,
        "choices": [(r.key, r.label) for r in found[:PICKABLE]],
        "picked": picked.key,
        "mail": mail_preview(
            text_subject, text_body, outbox.text_to_html(text_body), to=picked.user.email
        ),
    }


def write_page(model_admin, request, event: Event, form: GroupEmailForm):
    """The page, for the write view and for the proposal list's action alike."""
    request.current_app = model_admin.admin_site.name
    selected = form.initial.get("proposals") or form.data.get("proposals", "")
    selected_ids = [int(pk) for pk in str(selected).split(",") if pk.strip().isdigit()]
    titles = list(
        event.proposals.filter(pk__in=selected_ids[:SHOWN_SELECTED]).values_list("title", flat=True)
    )
    return TemplateResponse(
        request,
        TEMPLATES + "group_write.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": GroupEmail._meta,
            "title": _("Write to a group of %(event)s") % {"event": event.name},
            "event": event,
            "events": organized_events(request),
            "event_param": EVENT_PARAM,
            "form": form,
            "write_url": write_url(event),
            "selected_count": len(selected_ids),
            "selected_titles": titles,
            "preview": _preview(form),
        },
    )


def write_to_selection(model_admin, request, queryset):
    """The proposal list's action: the write page for the speakers of the selection.

    The list holds only the organizer's events' proposals, never a speaker's draft; a
    selected id it does not hold is refused, as is a selection over two events."""
    chosen = set(request.POST.getlist(ACTION_CHECKBOX_NAME))
    rows = list(queryset.order_by("pk").values_list("pk", "event_id"))
    across = request.POST.get("select_across") == "1"
    if not across and len(rows) < len(chosen):
        model_admin.message_user(
            request,
            _(
                "Some of the selected proposals are not in your list (another event's, a "
                "speaker's draft, or deleted); nothing was written."
            ),
            messages.ERROR,
        )
        return None
    event_ids = {event_id for _pk, event_id in rows}
    if len(event_ids) != 1:
        model_admin.message_user(
            request, _("Write to the proposals of one event at a time."), messages.ERROR
        )
        return None
    event = event_from(request, event_ids.pop())
    ids = tuple(pk for pk, _event_id in rows)
    refusal = groups.selection_refusal(event, ids)
    if refusal:
        model_admin.message_user(request, refusal, messages.ERROR)
        return None
    return write_page(model_admin, request, event, GroupEmailForm(event=event, selected=ids))


@admin.register(GroupEmail)
class GroupEmailAdmin(EventMailAdmin):
    list_display = ["subject", "event", "recipients", "created_at", "emails", "waiting", "sent"]
    list_select_related = ["event"]
    list_filter = [("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["subject"]
    actions = None
    change_list_template = TEMPLATES + "group_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_message_counts()

    def has_add_permission(self, request):
        return False  # written on the write page

    def has_change_permission(self, request, obj=None):
        return False  # what was written is the record; its drafts are edited in the outbox

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_lazy("emails"), ordering="message_count")
    def emails(self, obj) -> int:
        return obj.message_count

    @admin.display(description=_lazy("drafts"), ordering="draft_count")
    def waiting(self, obj) -> int:
        return obj.draft_count

    @admin.display(description=_lazy("sent"), ordering="sent_count")
    def sent(self, obj) -> int:
        return obj.sent_count

    def changelist_view(self, request, extra_context=None):
        events = organized_events(request)
        context = {"write_url": write_url(events[0]) if events else None}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("write/", view(self.write_view), name="cfp_groupemail_write"),
            path(
                "<path:object_id>/send/",
                view(require_POST(self.send_view)),
                name="cfp_groupemail_send",
            ),
            *super().get_urls(),
        ]

    def write_view(self, request):
        if not self._is_organizer(request):
            raise PermissionDenied
        events = organized_events(request)
        first = events[0].pk if events else ""
        event = event_from(request, request.GET.get(EVENT_PARAM) or first)
        if request.method != "POST":
            return write_page(self, request, event, GroupEmailForm(event=event))
        form = GroupEmailForm(request.POST, event=event)
        if "create" in request.POST and form.is_valid():
            try:
                written = group_emails.group_email_create(
                    event=event,
                    selection=form.selection(),
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    token=form.cleaned_data["token"],
                    by=request.user,
                )
            except ActionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                return self._written(request, written)
        return write_page(self, request, event, form)

    def _written(self, request, written: group_emails.Written):
        group_email = written.group_email
        if written.created:
            count = group_email.messages.count()
            messages.success(
                request,
                ngettext(
                    "%(count)s draft waits in the outbox; send it from here.",
                    "%(count)s drafts wait in the outbox; send them from here.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(
                request,
                _("This form had already been sent: its drafts were written then, not again."),
            )
        return HttpResponseRedirect(reverse("admin:cfp_groupemail_change", args=[group_email.pk]))

    def _group_email(self, request, object_id) -> GroupEmail:
        if not self._is_organizer(request):
            raise PermissionDenied
        found = (
            admin.ModelAdmin.get_queryset(self, request)
            .select_related("event", "created_by__profile")
            .filter(pk=object_id if str(object_id).isdigit() else None)
            .first()
        )
        if found is None or not self._is_organizer(request, found):
            raise Http404(_("No such email."))
        return found

    def change_view(self, request, object_id, form_url="", extra_context=None):
        group_email = self._group_email(request, object_id)
        mails = Message.objects.filter(group_email=group_email)
        counts = dict(
            mails.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n")
        )
        labels = dict(MessageState.choices)
        outbox_url = reverse("admin:cfp_message_changelist")
        batch_ids = list(
            mails.exclude(batch=None).order_by("batch_id").values_list("batch_id", flat=True)
        )
        return self.page(
            request,
            "group_email.html",
            group_email.subject,
            group_email=group_email,
            total=sum(counts.values()),
            by_state=[(labels[state].split(" (")[0], n) for state, n in sorted(counts.items())],
            waiting=mails.filter(state=MessageState.DRAFT, batch__isnull=True).count(),
            first=list(mails.order_by("to", "pk")[:10]),
            outbox_url=f"{outbox_url}?{urlencode({'group_email': group_email.pk})}",
            batches=list(SendBatch.objects.filter(pk__in=set(batch_ids)).order_by("pk")),
        )

    def send_view(self, request, object_id):
        group_email = self._group_email(request, object_id)
        batch = group_emails.group_email_send(group_email=group_email, by=request.user)
        if batch is None:
            messages.warning(
                request, _("No draft of this email waits to be sent; nothing was sent.")
            )
            return HttpResponseRedirect(
                reverse("admin:cfp_groupemail_change", args=[group_email.pk])
            )
        messages.success(
            request,
            ngettext("Sending %(count)s email.", "Sending %(count)s emails.", batch.total)
            % {"count": batch.total},
        )
        return HttpResponseRedirect(reverse("admin:cfp_sendbatch_progress", args=[batch.pk]))
