"""Signing in, and who a request's user is: Django's and allauth's backends, minus Django's
model permissions.

Every permission in Lectern is a rule (cfp/rules.py, asked first); superusers pass Django's
own check before any backend. Django's ModelBackend would still answer every permission a
rule refused, and every stock admin's "may this user see the app?", by reading the user's
and their groups' permission rows: two queries on every staff page, for rows Lectern never
writes. Here those answers are "no" without a query.

A request's user comes with their speaker profile in the same query: the staff panel's header
and most pages show the user's name, which lives on the profile. It also comes with the
answers other apps register (`register_user_flag`): whether the user organizes or reviews
anything, which the staff panel's navigation asks on every page. Read with the user, on every
request: never kept from one request to the next.
"""

from collections.abc import Callable

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

# name → a function making the expression (an Exists over OuterRef("pk")); apps above speakers
# register theirs when they are ready, since speakers imports none of them.
USER_FLAGS: dict[str, Callable] = {}


def register_user_flag(name: str, expression: Callable) -> None:
    """Read `expression()` as the attribute `name` of every request's user, in the same query."""
    USER_FLAGS[name] = expression


def users_with_flags():
    """Users with their profile and the registered flags, in one query: a request's user
    (the session's, or an API token's: speakers.api.authentication)."""
    users = get_user_model()._default_manager.select_related("profile")
    if USER_FLAGS:
        users = users.annotate(**{name: make() for name, make in USER_FLAGS.items()})
    return users


class NoModelPermissions:
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False

    def get_user(self, user_id):
        try:
            user = users_with_flags().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class PasswordBackend(NoModelPermissions, ModelBackend):
    """Django's sign-in by email and password (the admin's own form never renders)."""


class AccountBackend(NoModelPermissions, AuthenticationBackend):
    """allauth's sign-in (rate limited), which every login form goes through."""
