"""Which reviewer teams the request's user is in, read once per request: the queue's
permissions, the panel's list of sections and the dashboard all ask."""

from reviews import selectors
from reviews.models import ReviewerTeam


def request_teams(request) -> list[ReviewerTeam]:
    """selectors.reviewer_teams(request.user), kept on the request."""
    if not hasattr(request, "_lectern_teams"):
        request._lectern_teams = selectors.reviewer_teams(request.user)
    return request._lectern_teams
