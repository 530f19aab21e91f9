"""Exports in the staff panel: an event's Exports page, and actions on the proposal list.

The page (linked from the event's change form) filters the accepted and confirmed talks by
state, track and submission type and downloads them as CSV (one row per talk, or per
speaker) or JSON; it links the review exports and the public schedule feeds too. Only the
event's organizers (and superusers) get in: a user who organizes nothing is refused, and
another event "does not exist".
"""

from collections.abc import Sequence

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path

from cfp import exports
from cfp.enums import ACCEPTED_STATES, ProposalState, QuestionTarget
from cfp.models import Event, Proposal, SubmissionType, Track

TEMPLATES = "admin/cfp/exports/"
EVERY = "all"


class TalkFilterForm(forms.Form):
    """Which of the event's accepted and confirmed talks to export (GET parameters)."""

    state = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Accepted and confirmed"),
            *((s.value, s.label) for s in ACCEPTED_STATES),
            (EVERY, "Every submitted proposal, in any state"),
        ],
    )
    track = forms.ModelChoiceField(
        queryset=Track.objects.none(), required=False, empty_label="Every track"
    )
    type = forms.ModelChoiceField(
        label="Submission type",
        queryset=SubmissionType.objects.none(),
        required=False,
        empty_label="Every type",
    )

    def __init__(self, event: Event, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["track"].queryset = event.tracks.all()
        self.fields["type"].queryset = event.submission_types.all()

    def states(self) -> Sequence[str]:
        state = self.cleaned_data["state"]
        if state == EVERY:  # for the organizers' own analysis; drafts stay the speakers'
            return [s for s in ProposalState if s != ProposalState.DRAFT]
        return [state] if state else ACCEPTED_STATES

    def talks(self) -> QuerySet[Proposal]:
        data = self.cleaned_data
        return exports.talks(
            self.event,
            states=self.states(),
            track=data["track"],
            submission_type=data["type"],
        )


def organized_event(request, object_id: str) -> Event:
    """The event, if the user organizes it: 403 for who organizes nothing, else 404."""
    if not request.user.has_perm("cfp.organize_event"):
        raise PermissionDenied
    events = Event.objects.select_related("cfp")  # the fields it asks shape its files
    event = events.filter(pk=object_id).first() if object_id.isdigit() else None
    if event is None or not request.user.has_perm("cfp.organize_event", event):
        raise Http404("You organize no such event.")
    return event


def urls(model_admin) -> list:
    """The Exports page and its downloads, hooked into EventAdmin.get_urls."""
    view = model_admin.admin_site.admin_view

    def page(request, object_id):
        return exports_page(model_admin, request, object_id)

    def download(fmt):
        return lambda request, object_id: talks_download(model_admin, request, object_id, fmt)

    return [
        path("<path:object_id>/exports/", view(page), name="cfp_event_exports"),
        path(
            "<path:object_id>/exports/talks.csv",
            view(download("csv")),
            name="cfp_event_export_talks_csv",
        ),
        path(
            "<path:object_id>/exports/talks-per-speaker.csv",
            view(download("speakers")),
            name="cfp_event_export_speakers_csv",
        ),
        path(
            "<path:object_id>/exports/talks.json",
            view(download("json")),
            name="cfp_event_export_talks_json",
        ),
    ]


def exports_page(model_admin, request, object_id: str, form: TalkFilterForm | None = None):
    event = organized_event(request, object_id)
    form = form or TalkFilterForm(event, request.GET or None)
    counts = dict(
        Proposal.objects.filter(event=event, state__in=ACCEPTED_STATES)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(
        request,
        TEMPLATES + "page.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": f"Exports: {event.name}",
            "event": event,
            "original": event,
            "form": form,
            "accepted": counts.get(ProposalState.ACCEPTED, 0),
            "confirmed": counts.get(ProposalState.CONFIRMED, 0),
            # What each file's columns hold, from the definitions the exporters write.
            "talk_columns": exports.event_columns(exports.TALK_COLUMN_SPECS, event)
            + exports.answer_columns(event, QuestionTarget.PROPOSAL),
            "speaker_columns": exports.event_columns(exports.SPEAKER_COLUMN_SPECS, event)
            + exports.answer_columns(event, QuestionTarget.SPEAKER),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def talks_download(model_admin, request, object_id: str, fmt: str):
    event = organized_event(request, object_id)
    form = TalkFilterForm(event, request.GET)
    if not form.is_valid():
        return exports_page(model_admin, request, object_id, form)
    return exports.talks_response(event, form.talks(), fmt)


# --- actions on the proposal list -----------------------------------------------------------


def _selected(modeladmin, request, queryset) -> tuple[Event, QuerySet[Proposal]] | None:
    """The selection's one event, and the selected proposals (any state) ready to export.

    The list shows only the user's own events, so the selection holds nothing else.
    """
    event_ids = list(queryset.order_by().values_list("event_id", flat=True).distinct()[:2])
    if len(event_ids) != 1:
        modeladmin.message_user(
            request,
            "Please select the proposals of one event: an export is about one event.",
            messages.ERROR,
        )
        return None
    proposals = exports.for_export(Proposal.objects.filter(pk__in=queryset.order_by().values("pk")))
    return Event.objects.select_related("cfp").get(pk=event_ids[0]), proposals


@admin.action(description="Export selected proposals as CSV")
def export_selected_csv(modeladmin, request, queryset):
    selected = _selected(modeladmin, request, queryset)
    return exports.talks_response(*selected, "csv") if selected else None


@admin.action(description="Export selected proposals as JSON")
def export_selected_json(modeladmin, request, queryset):
    selected = _selected(modeladmin, request, queryset)
    return exports.talks_response(*selected, "json") if selected else None
