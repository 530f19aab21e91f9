"""The public programme (no login): talks, speakers, the schedule and its feeds; and the
page where speakers of accepted talks give their slides.

The public sees only public events (a hidden one is a 404 for everyone here) and of them
only what cfp.programme selects. Until a version of the schedule is published, the talks
and schedule pages say so, and the feeds answer 404: a calendar or a conference app that
subscribed keeps its last good copy instead of an empty one.
"""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from cfp import answers, selectors, slides
from cfp.fields import event_fields
from cfp.forms import SlidesForm
from cfp.models import Event, Proposal
from cfp.programme import feeds, published
from cfp.services import ActionRefused


def _public_event(slug: str) -> Event:
    # With its CfP: the fields it asks decide what the pages show (cfp.fields).
    return get_object_or_404(Event.objects.public().select_related("cfp"), slug=slug)


def _zone_label(event: Event, prog: published.Programme) -> str:
    """ "Europe/Berlin (CEST)": the zone's name, with its abbreviation during the event."""
    moments = [talk.start for talk in prog.scheduled_talks] or [timezone.now()]
    abbreviations = sorted({timezone.localtime(m, event.tz).tzname() for m in moments})
    shown = [a for a in abbreviations if a and not a.startswith(("+", "-")) and a != "UTC"]
    return f"{event.timezone} ({' / '.join(shown)})" if shown else event.timezone


def _programme_context(event: Event, **more) -> dict:
    """What the talks and schedule pages show, read only if their cached body has expired.

    The templates keep the page body in the cache for PROGRAMME_CACHE_SECONDS per published
    version (`{% cache %}`): a new version shows at once, an edited title or speaker name
    within that time. Everything else here is lazy, so a cached page costs two queries.
    """
    prog = SimpleLazyObject(lambda: published.programme(event))
    version = published.current_version(event)
    return {
        "event": event,
        "fields": event_fields(event),
        "programme": prog,
        "zone": SimpleLazyObject(lambda: _zone_label(event, prog)),
        "version_key": version.pk if version else 0,
        "cache_seconds": settings.PROGRAMME_CACHE_SECONDS,
        **{name: SimpleLazyObject(partial(build, prog)) for name, build in more.items()},
    }


def talk_list(request, event: str):
    context = _programme_context(
        _public_event(event), groups=lambda prog: published.talks_by_track(prog.talks)
    )
    return render(request, "cfp/public/talks.html", context)


def schedule(request, event: str):
    context = _programme_context(_public_event(event), days=published.schedule_days)
    return render(request, "cfp/public/schedule.html", context)


def talk_detail(request, event: str, code: str):
    event = _public_event(event)
    found = published.public_talk(event, code)
    if found is None:
        raise Http404("No such talk in the programme.")
    version, talk = found
    fields = event_fields(event)
    context = {
        "event": event,
        "version": version,
        "talk": talk,
        "fields": fields,
        # An event without tracks has no "Track" to give, so the page does not ask.
        "has_tracks": fields["track"].asked and (bool(talk.track) or event.tracks.exists()),
        "zone": _zone_label(event, published.Programme(event, version, [talk])),
        "answers": answers.proposal_answers(
            [talk], answers.PUBLISHED, event=event, with_speakers=False
        )[talk.pk].proposal,
    }
    return render(request, "cfp/public/talk.html", context)


def speaker_detail(request, event: str, pk: int):
    event = _public_event(event)
    found = published.speaker_talks(event, pk)
    if found is None:
        raise Http404("No such speaker in the programme.")
    speaker, talks = found
    context = {
        "event": event,
        "speaker": speaker,
        "talks": talks,
        "zone": _zone_label(event, published.Programme(event, None, talks)),
        "answers": answers.speaker_answers([speaker.pk], answers.PUBLISHED, event=event)[
            speaker.pk
        ],
    }
    return render(request, "cfp/public/speaker.html", context)


# --- feeds ---------------------------------------------------------------------------------


def _published_event(slug: str) -> Event:
    event = _public_event(slug)
    if not event.schedule_versions.exists():
        raise Http404("The programme has not been published yet.")
    return event


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def schedule_ical(request, event: str):
    event = _published_event(event)
    return _download(
        feeds.schedule_ical(event), "text/calendar; charset=utf-8", f"{event.slug}.ics"
    )


def talk_ical(request, event: str, code: str):
    event = _public_event(event)
    proposal = get_object_or_404(Proposal.objects.for_event(event), code=code)
    found = published.public_talk(event, code)
    if found is None or not found[1].is_scheduled:
        raise Http404("This talk has no time in the programme.")
    return _download(
        feeds.talk_ical(event, proposal), "text/calendar; charset=utf-8", f"{code}.ics"
    )


def schedule_xml(request, event: str):
    event = _published_event(event)
    return _download(
        feeds.schedule_xml(event), "application/xml; charset=utf-8", f"{event.slug}-schedule.xml"
    )


def schedule_json(request, event: str):
    event = _published_event(event)
    response = JsonResponse(
        feeds.schedule_json(event), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'inline; filename="{event.slug}-schedule.json"'
    return response


# --- slides --------------------------------------------------------------------------------


@login_required
def proposal_slides(request, event: str, code: str):
    """Speakers of an accepted or confirmed talk upload its PDF, give a link, or remove them."""
    proposal = get_object_or_404(
        selectors.listed_proposals(Proposal.objects.for_speaker(request.user)),
        event__slug=event,
        code=code,
    )
    if not slides.may_change_slides(proposal, request.user):
        context = {"proposal": proposal, "event": proposal.event}
        return render(request, "cfp/public/slides_refused.html", context, status=403)
    form = SlidesForm(initial={"slides_url": proposal.slides_url})
    if request.method == "POST":
        if "remove_slides" in request.POST:
            slides.slides_remove(proposal=proposal, by=request.user)
            messages.success(request, "The PDF of your slides is removed.")
            return redirect(proposal)
        form = SlidesForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                slides.slides_update(
                    proposal=proposal,
                    by=request.user,
                    upload=form.cleaned_data["slides"],
                    url=form.cleaned_data["slides_url"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except ActionRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Your slides are saved; they are on the talk's page.")
                return redirect(proposal)
        messages.error(request, "Nothing was changed: please correct the fields marked below.")
    context = {
        "proposal": proposal,
        "event": proposal.event,
        "form": form,
        "max_size": slides.human_size(slides.max_bytes()),
    }
    return render(request, "cfp/public/slides.html", context, status=400 if form.errors else 200)
