from rest_framework.permissions import BasePermission


class SignedIn(BasePermission):
    """Any signed-in account (a token's or the session's); anonymous callers get 401. The
    API's default: a public endpoint says so with `permission_classes = [AllowAny]`. A
    token's scope is checked with the token (speakers.api.authentication)."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)
