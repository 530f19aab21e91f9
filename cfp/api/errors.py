"""The organizers' endpoints' own refusal: a change the object's state does not allow (409).
Every error answer has the one shape of config.api (`ApiError`, documented with `errors()`)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException


class Refused(APIException):
    """A change the service refused for the object's state (a transition, a sent email): 409."""

    status_code = 409
    default_detail = _("This change is not allowed now.")
    default_code = "transition_not_allowed"
