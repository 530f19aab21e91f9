from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from speakers import staff_tokens  # noqa: F401 (registers the staff panel's API token pages)
from speakers.admin_fields import NamedFieldsMixin
from speakers.models import SpeakerProfile, User


class SuperuserOnlyMixin:
    """Accounts are the installation admin's business, not an event organizer's."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class EmailAddressInline(NamedFieldsMixin, admin.TabularInline):
    """allauth's addresses of the account, on the account's page: the staff index showed them
    as a section of their own, "Accounts", beside "Accounts and speakers"."""

    model = EmailAddress
    extra = 0
    fields = ["email", "verified", "primary"]


# allauth registers them first (it comes before speakers in INSTALLED_APPS).
if admin.site.is_registered(EmailAddress):
    admin.site.unregister(EmailAddress)


class ProfileInline(admin.StackedInline):
    model = SpeakerProfile
    can_delete = False


@admin.register(User)
class UserAdmin(SuperuserOnlyMixin, NamedFieldsMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "is_staff", "is_superuser", "is_active", "date_joined"]
    search_fields = ["email", "profile__name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = ["groups"]
    inlines = [ProfileInline, EmailAddressInline]
