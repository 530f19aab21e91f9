"""Which reviewer teams the request's user is in, read once per request: the queue's
permissions, the panel's list of sections and the dashboard all ask."""

from reviews import selectors
from reviews.models import ReviewerTeam


def request_teams(request) -> list[ReviewerTeam]:
    """selectors.reviewer_teams(request.user), kept on the request; the teams' tracks only
    where a queue is built from them (the one use anything makes of them here)."""
    if not hasattr(request, "_lectern_teams"):
        request._lectern_teams = selectors.reviewer_teams(request.user, tracks_if_needed=True)
    return request._lectern_teams
