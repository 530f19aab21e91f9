"""Review in the staff panel: reviewers (reviewer.py) and organizers (organizer.py)."""

from reviews.admin import organizer, reviewer  # noqa: F401 (registers the admin classes)
