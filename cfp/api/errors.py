"""The error answers of the organizers' endpoints, as the schema documents them: every error
is `{"detail", "code"}` (config.api.exception_handler), invalid input adds `"errors"`."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import APIException


class CfpError(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class CfpInvalid(CfpError):
    errors = serializers.DictField(
        child=serializers.JSONField(), help_text="The messages per field (`non_field_errors`)."
    )


ERROR_TEXTS = {
    400: "The request is not valid: `errors` says why, per field. Nothing changed.",
    401: "No credentials, or a token that is not valid.",
    403: "The caller sees the event but may not do this (or the token may only read).",
    404: "No such event, or one the caller may not see; or no such object in it.",
    409: "The change is not allowed in the object's present state. Nothing changed.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """The documented error answers of an operation."""
    return {
        status: OpenApiResponse(CfpInvalid if status == 400 else CfpError, ERROR_TEXTS[status])
        for status in statuses
    }


class Refused(APIException):
    """A change the service refused for the object's state (a transition, a sent email): 409."""

    status_code = 409
    default_detail = _("This change is not allowed now.")
    default_code = "transition_not_allowed"
