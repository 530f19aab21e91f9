"""Access codes in the staff panel: each organizer makes and sees the codes of their events,
with the link to share and how many of its uses are taken."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cfp import access
from cfp.admin.base import EventTimezoneMixin, OrganizerScopedAdmin
from cfp.models import AccessCode, SubmissionType, Track


class AccessCodeForm(forms.ModelForm):
    class Meta:
        model = AccessCode
        fields = [
            "event",
            "code",
            "description",
            "valid_until",
            "tracks",
            "submission_types",
            "max_uses",
        ]

    def clean(self):
        data = super().clean()
        event = data.get("event") or getattr(self.instance, "event", None)
        if event is None:
            return data
        for name in ("tracks", "submission_types"):
            foreign = [item for item in data.get(name) or [] if item.event_id != event.pk]
            if foreign:
                self.add_error(
                    name,
                    _("%(names)s belong to another event.")
                    % {"names": ", ".join(str(item) for item in foreign)},
                )
        code = data.get("code")
        if code:
            taken = AccessCode.objects.filter(event=event, code__iexact=code)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "code",
                    _(
                        "%(event)s already has the code “%(code)s” (codes ignore upper and lower "
                        "case)."
                    )
                    % {"event": event, "code": taken.first().code},
                )
        return data


@admin.register(AccessCode)
class AccessCodeAdmin(EventTimezoneMixin, OrganizerScopedAdmin):
    form = AccessCodeForm
    list_display = ["code", "event", "description", "valid_until", "uses", "share_link"]
    list_filter = [("event", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["event"]
    search_fields = ["code", "description"]
    readonly_fields = ["uses", "share_link"]
    filter_horizontal = ["tracks", "submission_types"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count("proposals"))

    def get_readonly_fields(self, request, obj=None):
        # A code belongs to its event: moving it would carry its uses along.
        return [*self.readonly_fields, "event"] if obj is not None else self.readonly_fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        model = {"tracks": Track, "submission_types": SubmissionType}.get(db_field.name)
        if model is not None:
            queryset = model.objects.select_related("event")
            obj = getattr(request, "_access_code_obj", None)
            if obj is not None:
                queryset = queryset.filter(event=obj.event_id)
            elif not request.user.is_superuser:
                queryset = queryset.filter(event__in=self._events(request))
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._access_code_obj = obj  # the event limits the tracks and types offered
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and obj.valid_until is not None:
            # Typed in the event's zone, which was not known while the form was parsed.
            wall = timezone.localtime(obj.valid_until).replace(tzinfo=None)
            obj.valid_until = timezone.make_aware(wall, obj.event.tz)
        super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("uses"), ordering="use_count")
    def uses(self, obj) -> str:
        count = getattr(obj, "use_count", None)
        if count is None:
            count = obj.proposals.count() if obj.pk else 0
        if obj.max_uses is None:
            return _("%(count)s (no limit)") % {"count": count}
        return f"{count} / {obj.max_uses}"

    @admin.display(description=gettext_lazy("link to share"))
    def share_link(self, obj) -> str:
        if not obj.pk:
            return "–"
        url = settings.SITE_URL.rstrip("/") + access.share_path(obj)
        return format_html('<a href="{}" class="lectern-share-link">{}</a>', url, url)
