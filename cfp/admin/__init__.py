"""The staff panel for organizers: each organizer sees and changes only their own events.

base.py holds what every page shares and imports no page module; each other module is one
family of pages: events.py (the event and its parts, with its Exports and Schedule pages from
exports.py and schedule.py, and its Form fields page from form_fields.py), access_codes.py,
proposals.py, questions.py (the event's own questions), tags.py (tags and the tag actions),
and email: mail.py (texts), outbox.py, batches.py, group_mail.py (email to a group); and
webhooks.py (endpoints and their deliveries).
"""

from cfp.admin import (  # noqa: F401 (registers the admin classes)
    access_codes,
    batches,
    events,
    group_mail,
    mail,
    outbox,
    proposals,
    questions,
    tags,
    webhooks,
)
