"""Review in the staff panel: reviewers (reviewer.py) and organizers (organizer.py), the
outbox's page that reminds reviewers (reminders.py), and the review exports."""

from reviews.admin import (  # noqa: F401 (registers the admin classes)
    organizer,
    organizer_exports,
    reminders,
    reviewer,
)
