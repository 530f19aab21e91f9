"""Review in the staff panel: reviewers (reviewer.py) and organizers (organizer.py), and the
outbox's page that reminds reviewers (reminders.py)."""

from reviews.admin import organizer, reminders, reviewer  # noqa: F401 (registers the admin classes)
