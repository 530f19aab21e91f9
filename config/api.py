"""What every part of the API (/api/v1/) shares: errors of one JSON shape, cursor pages, and
a strict ordering filter. The apps' `api/` packages hold the endpoints (config/api_urls.py).

Errors are `{"detail": "…", "code": "…"}`; invalid input adds `"errors"`, the messages per
field (`{"title": ["…"]}`, `"non_field_errors"` for the whole, `"tags.0"` for a part of a
field). A bad filter, ordering, page size or cursor is a 400, never a 500 nor a silently
ignored parameter. The schema documents them all with one component, `ApiError`: an operation
lists its error answers with `errors(400, 401, …)`.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


def _code(detail) -> str:
    return getattr(detail, "code", None) or "error"


def _messages(errors, prefix: str = "") -> dict[str, list[str]]:
    """Validation errors as `{field: [messages]}`: a nested serializer's or a list item's
    messages under a dotted name (`speakers.0.email`), so every client reads one shape."""
    if isinstance(errors, dict):
        flat = {}
        for name, value in errors.items():
            flat.update(_messages(value, f"{prefix}.{name}" if prefix else str(name)))
        return flat
    if not isinstance(errors, list | tuple):
        return {prefix or "non_field_errors": [str(errors)]}
    flat = {}
    texts = [str(item) for item in errors if not isinstance(item, dict | list | tuple)]
    if texts:
        flat[prefix or "non_field_errors"] = texts
    for index, item in enumerate(errors):
        if isinstance(item, dict | list | tuple) and item:
            flat.update(_messages(item, f"{prefix}.{index}" if prefix else str(index)))
    return flat


def exception_handler(exc, context):
    """DRF's handler, with every answer reshaped to the one error shape; an unexpected error
    is logged and answered with a JSON 500 (never the HTML error page)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.error("API error", exc_info=exc)
        return Response(
            {"detail": str(_("Server error.")), "code": "server_error"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": str(_("The request is not valid.")),
            "code": "invalid",
            "errors": _messages(exc.detail),
        }
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        if isinstance(detail, dict) and "detail" in detail:
            detail = detail["detail"]
        response.data = {"detail": str(detail), "code": _code(detail)}
    return response


def json_error(status_code: int, detail: str, code: str) -> JsonResponse:
    """An error outside REST framework's views (an unknown /api/ address): the same shape."""
    return JsonResponse({"detail": detail, "code": code}, status=status_code)


class ApiError(serializers.Serializer):
    """Every error answer of the API (what `exception_handler` makes of it)."""

    detail = serializers.CharField(help_text="What went wrong, in words for people.")
    code = serializers.CharField(
        help_text="What went wrong, for programs: `not_found`, `not_authenticated`, "
        "`permission_denied`, `token_read_only`, `invalid`, `transition_not_allowed`, …"
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Invalid input (400): the messages per field; `non_field_errors` for the "
        "whole request.",
    )


# Schema texts as plain strings: the schema is generated in one language.
ERROR_TEXTS = {
    400: "The request is not valid: `errors` says why, per field or parameter. Nothing changed.",
    401: "No credentials, or a token that is not valid (unknown, expired or revoked).",
    403: "The caller sees the event but may not do this (or the token may only read).",
    404: "No such event, or one the caller may not see; or no such object in it.",
    409: "The change is not allowed in the object's present state. Nothing changed.",
}


def errors(*statuses: int, texts: dict[int, str] | None = None) -> dict[int, OpenApiResponse]:
    """The documented error answers of an operation, `{status: response}` for
    `extend_schema(responses=…)`; `texts` words one more precisely for that operation."""
    texts = {**ERROR_TEXTS, **(texts or {})}
    return {status: OpenApiResponse(ApiError, description=texts[status]) for status in statuses}


class BadParameter(exceptions.ValidationError):
    """A query parameter that cannot be used: 400 with the parameter named."""

    def __init__(self, name: str, message: str, code: str = "invalid_parameter"):
        super().__init__({name: [message]}, code=code)


class CursorPages(CursorPagination):
    """Cursor pages: stable while proposals are added (no page shifts, no row twice), no
    COUNT query. `?page_size=` from 1 to 200."""

    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "pk"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise BadParameter(
                self.page_size_query_param,
                _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size},
            )
        return size

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise BadParameter(
                self.cursor_query_param,
                _("This cursor is not valid: use the `next` or `previous` link as given."),
                code="invalid_cursor",
            ) from exc


class StrictOrdering(OrderingFilter):
    """`?ordering=` of the fields a view offers (`ordering_fields`); anything else is a 400
    rather than silently ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            allowed = {name for name, _label in self.get_valid_fields(queryset, view, {})}
            unknown = [field for field in fields if field.lstrip("-") not in allowed]
            if unknown or not fields:
                raise BadParameter(
                    self.ordering_param,
                    _("Order by one of: %(fields)s.") % {"fields": ", ".join(sorted(allowed))},
                )
        return super().get_ordering(request, queryset, view)
