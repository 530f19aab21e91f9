"""The public programme (no login): talks, speakers, the schedule and its feeds.

Placeholder views while the public programme is being built (issue 5)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


talk_list = talk_detail = talk_ical = speaker_detail = _missing
schedule = schedule_ical = schedule_xml = schedule_json = proposal_slides = _missing
