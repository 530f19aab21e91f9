"""Email in the staff panel: each event's texts, and what the outbox pages share.

Organizers of an event (and superusers) word each kind of its emails: the form lists the
placeholders the kind allows and refuses any other when saved (never when an email is made);
the change page previews the text with sample values; deleting the text ("Reset to default")
brings back Lectern's default. The outbox itself is in admin_outbox.py.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode

from cfp.admin.base import OrganizerScopedAdmin, organized_events
from cfp.admin.mail_forms import TEMPLATE_KINDS, EmailTemplateForm, placeholder_list
from cfp.mail import emails, outbox, texts
from cfp.models import EmailTemplate, Event

TEMPLATES = "admin/cfp/outbox/"
EVENT_PARAM = "event"


def event_from(request, value) -> Event:
    """One of the user's events by id; another event "does not exist"."""
    for event in organized_events(request):
        if str(event.pk) == str(value):
            return event
    raise Http404("You organize no such event.")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def sample_values(event: Event) -> dict[str, str]:
    """Values for every placeholder, as a preview shows them."""
    proposal_url = emails.absolute(
        reverse("cfp:proposal", kwargs={"event": event.slug, "code": "SAMPLE"})
    )
    in_two_weeks = emails.when(timezone.now() + timedelta(days=14), event)
    return {
        "event_name": event.name,
        "event_url": emails.absolute(event.get_absolute_url()),
        "speaker_name": "Ada Lovelace",
        "speakers": "Ada Lovelace, Grace Hopper",
        "proposal_title": "Observability without tears",
        "proposal_url": proposal_url,
        "confirm_url": proposal_url,
        "deadline": in_two_weeks,
        "inviter_name": "Grace Hopper",
        "invitation_url": emails.absolute(reverse("cfp:invitation", args=["SAMPLE"])),
        "invitee_email": "alan@example.com",
        "expires": in_two_weeks,
        "reviewer_name": "Rita Reviewer",
        "unreviewed": "7",
        "review_url": emails.absolute(reverse("admin:reviews_reviewqueueitem_changelist")),
        "slides_url": emails.absolute(
            reverse("cfp:proposal_slides", kwargs={"event": event.slug, "code": "SAMPLE"})
        ),
        "event_start": date_format(event.start_date, "DATE_FORMAT"),
    }


def mail_preview(subject: str, body: str, html: str, to: str = "") -> str:
    """An email as its recipient sees it: the plain text, and the HTML in a sandbox."""
    return format_html(
        '<div class="lectern-mail">'
        '<p class="lectern-mail-head">{}<strong>Subject:</strong> {}</p>'
        '<pre class="lectern-mail-text">{}</pre>'
        '<p class="lectern-mail-label">HTML version</p>'
        '<iframe class="lectern-mail-html" sandbox="" referrerpolicy="no-referrer" '
        'title="HTML version" srcdoc="{}"></iframe></div>',
        format_html("<strong>To:</strong> {}<br>", to) if to else "",
        subject,
        body,
        html,
    )


class EventMailAdmin(OrganizerScopedAdmin):
    """OrganizerScopedAdmin for things with an `event`, asking the database once per request."""

    empty_value_display = "–"
    view_on_site = False

    def page(self, request, template: str, title: str, **context):
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            template if "/" in template else TEMPLATES + template,
            {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context},
        )


# --- the texts: one per event and kind, else Lectern's default ------------------------------


@admin.register(EmailTemplate)
class EmailTemplateAdmin(EventMailAdmin):
    form = EmailTemplateForm
    change_form_template = TEMPLATES + "text_form.html"
    delete_confirmation_template = TEMPLATES + "text_reset.html"

    def get_fields(self, request, obj=None):
        return (
            ["event", "kind", "subject", "body", "preview"]
            if obj
            else EmailTemplateForm._meta.fields
        )

    def get_readonly_fields(self, request, obj=None):
        return ["event", "kind", "preview"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return self._is_organizer(request, obj)  # deleting the text resets it to the default

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        kind = request.GET.get("kind")
        if kind in texts.DEFAULTS:
            initial["subject"], initial["body"] = texts.DEFAULTS[kind]
        return initial

    @admin.display(description="preview with sample values")
    def preview(self, obj) -> str:
        values = sample_values(obj.event)
        body = texts.fill(obj.body, values)
        subject = " ".join(texts.fill(obj.subject, values).split())
        return mail_preview(subject, body, outbox.text_to_html(body))

    def changelist_view(self, request, extra_context=None):
        """Every kind of email of one event, with the text in use: the event's own or ours."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        events = organized_events(request)
        event = (
            event_from(request, request.GET[EVENT_PARAM]) if request.GET.get(EVENT_PARAM) else None
        )
        event = event or (events[0] if events else None)
        own = {t.kind: t for t in EmailTemplate.objects.filter(event=event)} if event else {}
        rows = [
            {
                "kind": value,
                "label": label,
                "template": own.get(value),
                "subject": (own[value].subject if value in own else texts.DEFAULTS[value][0]),
                "placeholders": placeholder_list(value),
            }
            for value, label in TEMPLATE_KINDS
        ]
        return self.page(
            request,
            "texts.html",
            "Email texts",
            event=event,
            events=events,
            rows=rows,
            event_param=EVENT_PARAM,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(
            request,
            object_id,
            form_url,
            {**(extra_context or {}), "show_delete": False, "show_save_and_add_another": False},
        )

    def delete_view(self, request, object_id, extra_context=None):
        template = self.get_object(request, unquote(object_id))
        if template is not None:
            subject, body = texts.DEFAULTS.get(template.kind, ("", ""))
            extra_context = {
                **(extra_context or {}),
                "default_subject": subject,
                "default_body": body,
            }
        return super().delete_view(request, object_id, extra_context)

    def _overview(self, obj) -> HttpResponseRedirect:
        url = reverse("admin:cfp_emailtemplate_changelist")
        return HttpResponseRedirect(f"{url}?{urlencode({EVENT_PARAM: obj.event_id})}")

    def response_post_save_add(self, request, obj):
        return self._overview(obj)

    def response_post_save_change(self, request, obj):
        return self._overview(obj)

    def response_delete(self, request, obj_display, obj_id):
        messages.success(request, f"“{obj_display}” uses Lectern's default text again.")
        url = reverse("admin:cfp_emailtemplate_changelist")
        event_id = request.POST.get(EVENT_PARAM)
        return HttpResponseRedirect(
            f"{url}?{urlencode({EVENT_PARAM: event_id})}" if event_id else url
        )
