"""The event's pages: the event with its CfP, submission types, tracks and rooms."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cfp.admin import exports, form_fields, schedule
from cfp.admin.base import (
    EventChildInlineMixin,
    EventTimezoneMixin,
    OrganizerScopedAdmin,
)
from cfp.models import CfP, Event, Room, SubmissionType, Track


class CfPInline(EventChildInlineMixin, admin.StackedInline):
    model = CfP
    # The form's fields and the abstract's limits have their own page (form_fields.py).
    exclude = ["field_settings", "abstract_min_length", "abstract_max_length"]
    verbose_name_plural = "call for papers (dates and times in the event's time zone)"

    def has_delete_permission(self, request, obj=None):
        return False

    min_num = 1


class SubmissionTypeInline(EventChildInlineMixin, admin.TabularInline):
    model = SubmissionType
    extra = 0


class TrackInline(EventChildInlineMixin, admin.TabularInline):
    model = Track
    extra = 0


class RoomInline(EventChildInlineMixin, admin.TabularInline):
    model = Room
    extra = 0


class OrganizersField(forms.ModelMultipleChoiceField):
    """Event.organizers lists staff accounts only; anyone else is refused by name."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            chosen = error.params["value"]
            user = get_user_model().objects.filter(pk=chosen).first()
            raise ValidationError(
                _(
                    "%(account)s is not a staff account: only staff can organize an event. "
                    "Give the account staff status (Users) first."
                ),
                code="not_staff",
                params={"account": user.email if user else chosen},
            ) from None


@admin.register(Event)
class EventAdmin(EventTimezoneMixin, OrganizerScopedAdmin):
    event_path = ""
    list_display = ["name", "slug", "start_date", "end_date", "timezone", "is_public"]
    list_filter = ["is_public"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["organizers"]
    inlines = [CfPInline, SubmissionTypeInline, TrackInline, RoomInline]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "organizers":
            kwargs["form_class"] = OrganizersField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def view_on_site(self, obj) -> str:
        # A direct link: the admin's "/admin/r/" shortcut is closed (config.admin).
        return obj.get_absolute_url()

    def has_add_permission(self, request):
        return request.user.is_superuser

    def save_formset(self, request, form, formset, change):
        if not change and formset.model is CfP:
            # A new event's CfP dates were typed in the event's zone, which was not known
            # while the form was parsed: read the same wall-clock time in that zone.
            server_tz = timezone.get_current_timezone()
            for inline_form in formset.forms:
                for name in ("opens_at", "deadline"):
                    value = inline_form.cleaned_data.get(name)
                    if value:
                        wall = timezone.localtime(value, server_tz).replace(tzinfo=None)
                        setattr(
                            inline_form.instance, name, timezone.make_aware(wall, form.instance.tz)
                        )
        super().save_formset(request, form, formset, change)

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if request.user.is_superuser else {}

    def get_readonly_fields(self, request, obj=None):
        # Organizers run their event; who organizes it is the installation admin's call.
        return [] if request.user.is_superuser else ["organizers", "slug"]

    def get_urls(self):
        return [
            *exports.urls(self),  # the event's Exports page
            *form_fields.urls(self),  # the event's Form fields page
            *schedule.schedule_urls(self),  # the event's Schedule page
            *super().get_urls(),
        ]
