"""Access codes: what a code an organizer handed out opens on its event's CfP form.

A code opens the form after the deadline (until its own `valid_until`; without one, nothing
after the deadline), and the tracks and submission types it names that the public form does
not offer (`requires_access_code`). A proposal made with it counts as one of its uses. An
unusable code (unknown, expired, used up) is refused with a message saying which, and the
form then works as it does without a code.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cfp.models import AccessCode, CfP, Event, SubmissionType, Track

CODE_MAX = 64  # AccessCode.code's length: anything longer is no code of ours


class CodeRefused(Exception):
    """A code that cannot be used now; the message says why, for the speaker."""


@dataclass(frozen=True)
class CodeCheck:
    """The code given with a form: usable (`code`), refused (`error`), or none at all."""

    code: AccessCode | None = None
    error: str = ""
    given: str = ""


def code_problem(code: AccessCode, now: datetime | None = None) -> str:
    """Why the code cannot be used now, or "" when it can (one query for its uses)."""
    now = now or timezone.now()
    if code.valid_until is not None and now >= code.valid_until:
        moment = date_format(timezone.localtime(code.valid_until, code.event.tz), "DATETIME_FORMAT")
        return _("The access code “%(code)s” expired on %(moment)s (%(zone)s).") % {
            "code": code.code,
            "moment": moment,
            "zone": code.event.timezone,
        }
    if code.max_uses is not None and code.proposals.count() >= code.max_uses:
        return ngettext(
            "The access code “%(code)s” has been used up (it was for %(count)d proposal).",
            "The access code “%(code)s” has been used up (it was for %(count)d proposals).",
            code.max_uses,
        ) % {"code": code.code, "count": code.max_uses}
    return ""


def access_code_check(event: Event, given: str | None, now: datetime | None = None) -> CodeCheck:
    """The event's access code spelled `given` (in any case), and whether it can be used."""
    given = (given or "").strip()
    if not given:
        return CodeCheck()
    shown = given[:CODE_MAX]
    code = None
    if len(given) <= CODE_MAX:
        code = (
            AccessCode.objects.select_related("event")
            .filter(event=event, code__iexact=given)
            .first()
        )
    if code is None:
        return CodeCheck(
            error=_(
                "“%(code)s” is not an access code of %(event)s. Check the link or ask the "
                "organizers."
            )
            % {"code": shown, "event": event.name},
            given=shown,
        )
    problem = code_problem(code, now)
    if problem:
        return CodeCheck(error=problem, given=code.code)
    return CodeCheck(code=code, given=code.code)


def opens_after_deadline(code: AccessCode | None, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return code is not None and code.valid_until is not None and now < code.valid_until


def form_is_open(cfp: CfP, code: AccessCode | None, now: datetime | None = None) -> bool:
    """Whether a new proposal can be made: the CfP is open, or it has closed and the code is
    still valid (a code does not open a CfP before its opening)."""
    now = now or timezone.now()
    status = cfp.status(now)
    return status == "open" or (status == "closed" and opens_after_deadline(code, now))


def deadline(cfp: CfP, code: AccessCode | None) -> datetime:
    """Until when a new proposal can be made (and then edited) with this code, or without."""
    if code is not None and code.valid_until is not None and code.valid_until > cfp.deadline:
        return code.valid_until
    return cfp.deadline


def offered_tracks(event: Event, code: AccessCode | None, keep: int | None = None) -> QuerySet:
    """The tracks the form offers: the public ones, those the code opens, and the one of id
    `keep` (a proposal's own track stays choosable)."""
    return _offered(event.tracks.all(), "tracks", code, keep)


def offered_types(event: Event, code: AccessCode | None, keep: int | None = None) -> QuerySet:
    return _offered(event.submission_types.all(), "submission_types", code, keep)


def _offered(queryset: QuerySet, relation: str, code: AccessCode | None, keep) -> QuerySet:
    allowed = Q(requires_access_code=False)
    if code is not None:
        allowed |= Q(pk__in=getattr(code, relation).values("pk"))
    if keep is not None:
        allowed |= Q(pk=keep)
    return queryset.filter(allowed)


def ensure_code_opens(
    *,
    code: AccessCode | None,
    track: Track | None = None,
    submission_type: SubmissionType | None = None,
) -> None:
    """Refuse a track or submission type that only a code opens, without a code naming it."""
    for chosen, relation, message in (
        (track, "tracks", _("The track “%(name)s” is open only with an access code.")),
        (
            submission_type,
            "submission_types",
            _("The submission type “%(name)s” is open only with an access code."),
        ),
    ):
        if chosen is None or not chosen.requires_access_code:
            continue
        if code is None or not getattr(code, relation).filter(pk=chosen.pk).exists():
            raise CodeRefused(message % {"name": chosen.name})


def share_path(code: AccessCode) -> str:
    """The form's address with the code applied: /<event>/submit/?access_code=CODE."""
    return (
        reverse("cfp:proposal_create", kwargs={"event": code.event.slug})
        + "?"
        + urlencode({"access_code": code.code})
    )
