"""Slides of accepted talks: a PDF that really is one, and/or a link, set by the speakers.

Only the speakers of a proposal that they know is accepted or confirmed may change them.
A PDF must start like one, open in pypdf without a password, have at least one page and
hold no script (JavaScript, or an action that starts a program); anything else (a renamed
image, an HTML page, an empty or oversized file) is refused with a message that says why,
and nothing changes. The site serves the PDFs as downloads (config.media) in any case.

Speakers of confirmed talks without slides get one reminder each, a number of days before the
event that its organizers choose (CfP.slides_reminder_days); the outbox's unique constraint
and the lock on the talk keep it to one per speaker and talk, however often beat runs.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from cfp.enums import ACCEPTED_STATES, MessageKind, ProposalState
from cfp.mail import emails, outbox, texts
from cfp.models import Event, Message, Proposal, ProposalSpeaker
from cfp.services import ActionRefused
from speakers.models import User

PDF_MAGIC = b"%PDF-"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

validate_slides_link = URLValidator(
    schemes=["http", "https"], message="Please give a web address starting with https://."
)


def max_bytes() -> int:
    # Read at call time: tests and installations change the limit without a restart.
    return getattr(settings, "SLIDES_MAX_BYTES", DEFAULT_MAX_BYTES)


def human_size(size: int) -> str:
    """ "20 MB", "2.5 MB", "300 KB": a size as the messages and the upload page state it."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


# Actions a PDF viewer would run on its own (open the file, show a page, touch a field):
# JavaScript, or a program started from the file.
SCRIPT_ACTIONS = {"/JavaScript", "/Launch"}
# A PDF is a graph of objects; none of ours needs more than this many to be checked.
MAX_OBJECTS_CHECKED = 500_000


def has_script(reader: PdfReader) -> bool:
    """Whether any object reachable from the document holds a script: a /JS entry (in an
    /OpenAction, an /AA, a link, a form field, a rendition), a JavaScript or Launch action,
    or the document's /JavaScript name tree. Streams' contents are not read: scripts live
    in dictionaries."""
    seen: set[tuple[int, int]] = set()
    pending: list = [reader.trailer]
    checked = 0
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        checked += 1
        if checked > MAX_OBJECTS_CHECKED:
            return True  # a bomb of objects is refused like a script: it is not slides
        if isinstance(item, DictionaryObject):
            if "/JS" in item or "/JavaScript" in item:
                return True
            if isinstance(item.get("/S"), NameObject) and item["/S"] in SCRIPT_ACTIONS:
                return True
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return False


def validate_slides_pdf(upload) -> None:
    """Raise ValidationError unless the upload is a readable, unencrypted PDF with pages."""
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            f"The file is too large ({human_size(upload.size)}); slides may be at most "
            f"{human_size(limit)}.",
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(
            "The file is empty. Please upload your slides as a PDF.", code="empty"
        )
    upload.seek(0)
    if upload.read(len(PDF_MAGIC)) != PDF_MAGIC:
        raise ValidationError(
            "This file is not a PDF. Please export your slides as PDF and upload that file.",
            code="not_pdf",
        )
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            raise ValidationError(
                "This PDF is protected with a password or encrypted, so visitors could not "
                "open it. Please upload it without protection.",
                code="encrypted",
            )
        pages = len(reader.pages)
        scripted = has_script(reader)
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds on broken files; all mean "unreadable"
        raise ValidationError(
            "This PDF is damaged and cannot be opened. Please export your slides again.",
            code="broken",
        ) from None
    finally:
        upload.seek(0)
    if pages < 1:
        raise ValidationError("This PDF has no pages.", code="no_pages")
    if scripted:
        raise ValidationError(
            _(
                "This PDF contains a script (JavaScript or an action that starts a program), "
                "which slides must not have. Please export your slides to PDF again, or "
                "print them to a PDF, and upload that file."
            ),
            code="script",
        )


def may_change_slides(proposal: Proposal, user: User) -> bool:
    """Speakers of a talk they know is accepted or confirmed (an acceptance whose email is
    still a draft reads "submitted" to them, and so does not count)."""
    if not user.is_authenticated:
        return False
    is_speaker = any(speaker.pk == user.pk for speaker in proposal.speakers.all())
    return is_speaker and proposal.speaker_state in ACCEPTED_STATES


def _ensure_allowed(proposal: Proposal, by: User) -> None:
    if not may_change_slides(proposal, by):
        raise ActionRefused("Slides can be added once your talk is accepted, by its speakers only.")


def _delete_after_commit(name: str, storage) -> None:
    # Only once the row no longer points at the file: a rollback keeps both intact.
    transaction.on_commit(lambda: storage.delete(name))


def _stored_slides(proposal: Proposal):
    """The PDF the row holds now, read under a row lock: of two uploads at once, the second
    sees (and deletes) the first one's file, so none is left behind."""
    return Proposal.objects.select_for_update().only("slides").get(pk=proposal.pk).slides


@transaction.atomic
def slides_update(*, proposal: Proposal, by: User, upload=None, url: str) -> Proposal:
    """Set the link (empty: none) and, when an upload is given, replace the PDF with it."""
    _ensure_allowed(proposal, by)
    url = url.strip()
    if url:
        validate_slides_link(url)
    if upload is not None:
        validate_slides_pdf(upload)
    proposal.slides_url = url
    if upload is None:
        proposal.save(update_fields=["slides_url", "updated_at"])
        return proposal
    old = _stored_slides(proposal)
    proposal.slides = upload  # the model's upload_to gives it a fresh, unguessable name
    proposal.save(update_fields=["slides", "slides_url", "updated_at"])
    if old:
        _delete_after_commit(old.name, old.storage)
    return proposal


@transaction.atomic
def slides_remove(*, proposal: Proposal, by: User) -> Proposal:
    """Remove the PDF (the link stays)."""
    _ensure_allowed(proposal, by)
    old = _stored_slides(proposal)
    proposal.slides = ""
    proposal.save(update_fields=["slides", "updated_at"])
    if old:
        _delete_after_commit(old.name, old.storage)
    return proposal


# --- reminding speakers of confirmed talks without slides -----------------------------------


def slides_reminder_due(event: Event, now: datetime) -> bool:
    """Whether the event's slides reminders are due: from `slides_reminder_days` before its
    first day until its last day, as dates in the event's time zone (empty: never)."""
    days = event.cfp.slides_reminder_days
    if days is None:
        return False
    today = timezone.localdate(now, event.tz)
    return event.start_date - timedelta(days=days) <= today <= event.end_date


def _has_no_slides() -> Q:
    return Q(state=ProposalState.CONFIRMED, slides="", slides_url="")


def _remind_slides(proposal_id: int) -> int:
    """Queue a reminder to each speaker of the talk not reminded of it yet; returns how many."""
    with transaction.atomic():
        # The lock makes the check and the insert one step: a second run waits, then sees
        # the reminders of the first (and the unique constraint would refuse a second one).
        locked = Proposal.objects.select_for_update(of=("self",)).select_related(
            "event__cfp", "access_code"
        )
        proposal = locked.filter(_has_no_slides(), pk=proposal_id).first()
        if proposal is None:
            return 0
        reminded = set(
            proposal.messages.filter(kind=MessageKind.SLIDES_REMINDER).values_list(
                "user_id", flat=True
            )
        )
        extra = {
            "slides_url": emails.absolute(
                reverse(
                    "cfp:proposal_slides",
                    kwargs={"event": proposal.event.slug, "code": proposal.code},
                )
            ),
            "event_start": date_format(proposal.event.start_date, "DATE_FORMAT"),
        }
        queued = 0
        for speaker in proposal.speakers_in_order():
            if speaker.pk in reminded:
                continue
            values = {**emails.proposal_values(proposal, speaker), **extra}
            subject, body = texts.render(MessageKind.SLIDES_REMINDER, values, proposal.event)
            outbox.message_queue(
                to=speaker.email,
                subject=subject,
                body=body,
                kind=MessageKind.SLIDES_REMINDER,
                event=proposal.event,
                proposal=proposal,
                user=speaker,
            )
            queued += 1
        return queued


def slides_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each speaker of a confirmed talk without slides (no PDF, no link) once, from the
    event's `slides_reminder_days` before it (beat, hourly: each time zone's day starts at
    its own hour). Returns how many reminders were queued; running it again queues none."""
    now = now or timezone.now()
    reminded = Message.objects.filter(
        proposal_id=OuterRef("proposal_id"),
        user_id=OuterRef("user_id"),
        kind=MessageKind.SLIDES_REMINDER,
    )
    unreminded = ProposalSpeaker.objects.filter(proposal_id=OuterRef("pk")).exclude(
        Exists(reminded)
    )
    candidates = (
        Proposal.objects.filter(
            _has_no_slides(),
            Exists(unreminded),
            event__cfp__slides_reminder_days__isnull=False,
            # The earliest an event anywhere on Earth may still be on (dates, not moments).
            event__end_date__gte=(now - timedelta(days=1)).date(),
        )
        .select_related("event__cfp")
        .order_by("pk")
    )
    return sum(
        _remind_slides(proposal.pk)
        for proposal in candidates
        if slides_reminder_due(proposal.event, now)
    )
