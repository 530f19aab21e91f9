from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Prefetch
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from cfp.enums import (
    DECIDED_STATES,
    EDITABLE_STATES,
    TRANSITIONS,
    ExperienceLevel,
    MessageState,
    ProposalState,
)
from cfp.fields import event_fields
from cfp.models.event import Event, SubmissionType, Track
from speakers.validators import validate_clean_text, validate_no_markup, validate_one_line_text

# No 0/O, 1/I/L: codes are read aloud and typed from printed schedules.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

# Length limits, shared by the model, the form's live counters and the tests.
TITLE_MAX = 200
ABSTRACT_MAX = 3000  # the default; each event sets its own (CfP.abstract_max_length)
ABSTRACT_LIMIT = 10000  # the most an event may allow
LONG_TEXT_MAX = 2000
REQUIREMENTS_MAX = 1000


def slides_path(proposal: "Proposal", filename: str) -> str:
    # The stored name never carries the uploader's file name, and cannot be guessed.
    return f"slides/{get_random_string(24)}.pdf"


def generate_code() -> str:
    return get_random_string(CODE_LENGTH, CODE_ALPHABET)


class TransitionNotAllowed(Exception):
    """A state change that the lifecycle does not allow."""


class ProposalQuerySet(models.QuerySet):
    def for_event(self, event: Event):
        return self.filter(event=event)

    def for_speaker(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(speakers=user)

    def submitted(self):
        return self.filter(state=ProposalState.SUBMITTED)

    def beyond_drafts(self):
        """What organizers see: a draft is its speakers' until they submit it (as in pretalx)."""
        return self.exclude(state=ProposalState.DRAFT)

    def drafts(self):
        return self.filter(state=ProposalState.DRAFT)

    def created_with(self, token):
        """The proposal created by the form with this one-time token (none for None)."""
        if token is None:
            return self.none()
        return self.filter(creation_token=token)


# A speaker's place among a proposal's speakers, from the user's side of the join: a query
# of users that already joins the proposal's speakers (the prefetch of `speakers`, or
# `proposal.speakers`) reuses that join to order by it.
SPEAKER_ORDER = ("speaker_positions__position", "speaker_positions__pk")


def ordered_speakers(queryset=None):
    """Users (with profiles) in the order the speakers gave, for a query through `speakers`."""
    from speakers.models import User

    queryset = User.objects.all() if queryset is None else queryset
    return queryset.select_related("profile").order_by(*SPEAKER_ORDER)


def speakers_in_order(lookup: str = "speakers") -> Prefetch:
    """Prefetch a proposal's speakers (at `lookup`) in their order: no query more than a
    plain prefetch."""
    return Prefetch(lookup, queryset=ordered_speakers())


class Proposal(models.Model):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="proposals")
    code = models.CharField(max_length=16, unique=True, default=generate_code, editable=False)
    title = models.CharField(
        "Title", max_length=TITLE_MAX, validators=[validate_one_line_text, validate_no_markup]
    )
    submission_type = models.ForeignKey(
        SubmissionType,
        verbose_name="Submission type",
        on_delete=models.PROTECT,
        related_name="proposals",
        null=True,
        blank=True,
    )
    track = models.ForeignKey(
        Track,
        verbose_name="Track",
        on_delete=models.PROTECT,
        related_name="proposals",
        null=True,
        blank=True,
    )
    experience_level = models.CharField(
        "Experience level", max_length=20, choices=ExperienceLevel.choices, blank=True
    )
    abstract = models.TextField(
        "Abstract",
        max_length=ABSTRACT_LIMIT,
        blank=True,
        validators=[validate_clean_text],
        help_text="Written in the third person, in complete sentences. Public once the talk "
        "is accepted. Markdown is supported.",
    )
    audience = models.TextField(
        "Audience",
        max_length=LONG_TEXT_MAX,
        blank=True,
        validators=[validate_clean_text],
        help_text="Who is the audience, and what will they gain from the talk?",
    )
    benefits = models.TextField(
        "Benefits to the ecosystem",
        max_length=LONG_TEXT_MAX,
        blank=True,
        validators=[validate_clean_text],
    )
    technical_requirements = models.TextField(
        "Technical requirements",
        max_length=REQUIREMENTS_MAX,
        blank=True,
        validators=[validate_clean_text],
        help_text="For example: “None, all demos will be done over AWS”.",
    )
    notes = models.TextField(
        "Notes for the organizers",
        max_length=LONG_TEXT_MAX,
        blank=True,
        validators=[validate_clean_text],
        help_text="Never public.",
    )
    speakers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="proposals", through="ProposalSpeaker"
    )
    state = models.CharField(
        max_length=20, choices=ProposalState.choices, default=ProposalState.DRAFT, editable=False
    )
    slides = models.FileField("Slides (PDF)", upload_to=slides_path, blank=True, max_length=200)
    slides_url = models.URLField(
        "Link to the slides",
        max_length=500,
        blank=True,
        help_text="Instead of a PDF, or as well: where the slides are online.",
    )
    deadline_extension = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Granted by an organizer: this proposal's speakers may edit it until then.",
    )
    tags = models.ManyToManyField("cfp.Tag", related_name="proposals", blank=True)
    access_code = models.ForeignKey(
        "cfp.AccessCode",
        on_delete=models.PROTECT,
        related_name="proposals",
        null=True,
        blank=True,
        editable=False,
        help_text="The code the proposal was made with: it counts as one of the code's uses.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The one-time token of the form that created it: the same form posted again (the back
    # button, a retry after a timeout) finds this proposal instead of creating a second one.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["event", "state"]),
            # The dashboard's counts (cfp.dashboard): by state, track and type, and by the day
            # of submission, each read from this index alone, without the rows.
            models.Index(
                fields=["event", "state", "track", "submission_type", "submitted_at", "created_at"],
                name="proposal_event_figures",
            ),
            # The organizers' list, newest first: its first page without sorting the event.
            models.Index(fields=["event", "-created_at", "-id"], name="proposal_event_newest"),
            # The same order, then the state: a later page's ids (cfp/admin/paging.py) are read
            # from the index alone, drafts left out there, without the rows. (The state is a
            # key, not INCLUDEd: SQLite has no INCLUDE, and Django warns of it on every check.)
            models.Index(
                fields=["event", "-created_at", "-id", "state"], name="proposal_event_listed"
            ),
            # The staff lists' search (icontains: UPPER(column) LIKE '%TERM%') finds proposals
            # through trigrams instead of reading every abstract. PostgreSQL only, with the
            # pg_trgm extension (migration cfp 0020); SQLite has neither and reads every row.
            GinIndex(OpClass(Upper("title"), name="gin_trgm_ops"), name="proposal_title_trgm"),
            GinIndex(OpClass(Upper("code"), name="gin_trgm_ops"), name="proposal_code_trgm"),
            GinIndex(
                OpClass(Upper("abstract"), name="gin_trgm_ops"), name="proposal_abstract_trgm"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cfp:proposal", kwargs={"event": self.event.slug, "code": self.code})

    @classmethod
    def from_db(cls, db, field_names, values):
        proposal = super().from_db(db, field_names, values)
        # The track as read: a save that changes it is told apart from one that does not
        # (reviews' stored figures per track follow a move: reviews/apps.py).
        if "track_id" in field_names:
            proposal.loaded_track_id = values[field_names.index("track_id")]
        return proposal

    def speakers_in_order(self):
        """The speakers in the order they gave: the prefetched list when there is one (from
        `speakers_in_order()`), else one query."""
        if "speakers" in getattr(self, "_prefetched_objects_cache", {}):
            return self.speakers.all()
        return ordered_speakers(self.speakers.all())

    # --- the speakers, in their order --------------------------------------------------

    def add_speaker(self, user) -> "ProposalSpeaker":
        """Add a speaker after the others; one already there keeps their place."""
        last = self.speaker_positions.aggregate(last=models.Max("position"))["last"]
        link, _ = ProposalSpeaker.objects.get_or_create(
            proposal=self, user=user, defaults={"position": 0 if last is None else last + 1}
        )
        return link

    add_speaker.alters_data = True

    def move_speaker(self, user, offset: int) -> bool:
        """Move a speaker `offset` places (-1: up, 1: down), renumbering everyone from 0.

        False when the speaker is already first (or last); a user who is not a speaker of
        the proposal is a ProposalSpeaker.DoesNotExist.
        """
        links = list(
            ProposalSpeaker.objects.select_for_update()
            .filter(proposal=self)
            .order_by("position", "pk")
        )
        index = next((i for i, link in enumerate(links) if link.user_id == user.pk), None)
        if index is None:
            raise ProposalSpeaker.DoesNotExist(f"{user} is not a speaker of {self.code}.")
        target = index + offset
        if not 0 <= target < len(links):
            return False
        links.insert(target, links.pop(index))
        for position, link in enumerate(links):
            link.position = position
        ProposalSpeaker.objects.bulk_update(links, ["position"])
        return True

    move_speaker.alters_data = True

    # --- the deadline -----------------------------------------------------------------

    def edit_deadline(self) -> datetime:
        """The CfP's deadline, or later: an organizer's extension, or the valid-until of the
        access code the proposal was made with (read with it: select_related)."""
        deadline = self.event.cfp.deadline
        if self.deadline_extension and self.deadline_extension > deadline:
            deadline = self.deadline_extension
        if self.access_code_id is not None:
            until = self.access_code.valid_until
            if until is not None and until > deadline:
                deadline = until
        return deadline

    def is_editable(self, now: datetime | None = None) -> bool:
        """Speakers edit only while draft or submitted, and only before the deadline."""
        now = now or timezone.now()
        return self.state in EDITABLE_STATES and now < self.edit_deadline()

    def missing_for_submission(self) -> list[str]:
        """The labels of required fields that a draft still lacks: the title and abstract,
        and the fields the event's form requires (cfp.fields)."""
        fields = event_fields(self.event)
        missing = []
        if not self.title.strip():
            missing.append(_("Title"))
        if fields["submission_type"].required and self.submission_type_id is None:
            missing.append(fields["submission_type"].label)
        if fields["track"].required and self.track_id is None and self._has_tracks_to_choose():
            missing.append(fields["track"].label)
        if fields["experience_level"].required and not self.experience_level:
            missing.append(fields["experience_level"].label)
        abstract = self.abstract.strip()
        shortest = self.event.cfp.abstract_min_length
        if not abstract:
            missing.append(_("Abstract"))
        elif len(abstract) < shortest:
            missing.append(
                _("Abstract (at least %(count)s characters; it has %(length)s)")
                % {"count": shortest, "length": len(abstract)}
            )
        for name in ("audience", "benefits", "technical_requirements", "notes"):
            if fields[name].required and not getattr(self, name).strip():
                missing.append(fields[name].label)
        missing.extend(q.question for q in self.event.questions.unanswered_for(self))
        return missing

    def _has_tracks_to_choose(self) -> bool:
        """Whether the form offered this proposal a track: a public one, or one its code opens."""
        offered = models.Q(requires_access_code=False)
        if self.access_code_id is not None:
            offered |= models.Q(access_codes=self.access_code_id)
        return self.event.tracks.filter(offered).exists()

    # --- the lifecycle: the only code that changes `state` -------------------------------

    def _change_state(self, to: str, *, by, action: str | None = None) -> "ProposalTransition":
        allowed = TRANSITIONS.get((self.state, to))
        if allowed is None or (action is not None and allowed != action):
            raise TransitionNotAllowed(
                f"A {self.get_state_display().lower()} proposal cannot become "
                f"{ProposalState(to).label.lower()}."
            )
        from_state = self.state
        self.state = to
        fields = ["state", "updated_at"]
        if to == ProposalState.SUBMITTED and self.submitted_at is None:
            self.submitted_at = timezone.now()
            fields.append("submitted_at")
        self.save(update_fields=fields)
        return ProposalTransition.objects.create(
            proposal=self, from_state=from_state, to_state=to, by=by
        )

    def submit(self, *, by) -> "ProposalTransition":
        if self.state != ProposalState.DRAFT:
            raise TransitionNotAllowed("Only a draft can be submitted.")
        missing = self.missing_for_submission()
        if missing:
            raise TransitionNotAllowed("Please fill in: " + ", ".join(missing) + ".")
        return self._change_state(ProposalState.SUBMITTED, by=by)

    submit.alters_data = True

    def withdraw(self, *, by) -> "ProposalTransition":
        return self._change_state(ProposalState.WITHDRAWN, by=by)

    withdraw.alters_data = True

    # Decisions are the organizers' (cfp.decisions checks who asks, and writes the emails).

    def accept(self, *, by) -> "ProposalTransition":
        return self._change_state(ProposalState.ACCEPTED, by=by, action="accept")

    accept.alters_data = True

    def reject(self, *, by) -> "ProposalTransition":
        return self._change_state(ProposalState.REJECTED, by=by, action="reject")

    reject.alters_data = True

    def undo(self, *, by) -> "ProposalTransition":
        """Take a decision back: the proposal is submitted again, to be decided anew."""
        if self.state not in DECIDED_STATES:
            raise TransitionNotAllowed(
                f"A {self.get_state_display().lower()} proposal has no decision to undo."
            )
        return self._change_state(ProposalState.SUBMITTED, by=by, action="undo")

    undo.alters_data = True

    # The speakers' answer to an acceptance, and the organizers' cancellation of a talk.

    def confirm(self, *, by) -> "ProposalTransition":
        return self._change_state(ProposalState.CONFIRMED, by=by, action="confirm")

    confirm.alters_data = True

    def decline(self, *, by) -> "ProposalTransition":
        return self._change_state(ProposalState.DECLINED, by=by, action="decline")

    decline.alters_data = True

    def cancel(self, *, by) -> "ProposalTransition":
        return self._change_state(ProposalState.CANCELED, by=by, action="cancel")

    cancel.alters_data = True

    # --- what speakers see of a decision -------------------------------------------------

    @property
    def decision_is_announced(self) -> bool:
        """Whether speakers may know the decision: its email has been released, or there is
        no draft waiting (an organizer discarded it, or decided without one). While the
        email is a draft the organizers may still change their minds."""
        try:
            state, released = self.decision_mail_state, self.decision_mail_released
        except AttributeError:
            raise ImproperlyConfigured(
                "A proposal's decision email is read by cfp.selectors: fetch it with "
                "with_decision_mail() or listed_proposals(), or call decision_mail(proposal)."
            ) from None
        return released or state != MessageState.DRAFT

    @property
    def speaker_state(self) -> str:
        """The state as the speakers see it: an unannounced decision still reads "submitted"."""
        if self.state in DECIDED_STATES and not self.decision_is_announced:
            return ProposalState.SUBMITTED
        return self.state

    @property
    def speaker_state_label(self) -> str:
        return ProposalState(self.speaker_state).label

    def speaker_history(self, transitions) -> list["HistoryEntry"]:
        """The audit trail as speakers see it: none of the organizers' second thoughts
        (undone decisions), the decision itself once it is announced, and who acted named
        only when it was one of the speakers. Anyone else (an organizer, an administrator)
        is "the organizers": speakers learn what was decided, not which person decided."""
        organizers_only = ("accept", "reject", "undo")
        shown = [
            t
            for t in transitions
            if TRANSITIONS.get((t.from_state, t.to_state)) not in organizers_only
        ]
        undecided = (ProposalState.DRAFT, ProposalState.SUBMITTED, ProposalState.WITHDRAWN)
        if self.state not in undecided and self.speaker_state == self.state:
            decisions = [t for t in transitions if t.to_state in DECIDED_STATES]
            if decisions:
                shown.append(decisions[-1])  # decisions stop changing once announced
                shown.sort(key=lambda t: (t.at, t.pk))
        speaker_ids = {speaker.pk for speaker in self.speakers.all()}
        return [HistoryEntry.of(t, speaker_ids) for t in shown]


@dataclass(frozen=True)
class HistoryEntry:
    """One state change as the speakers read it."""

    at: datetime
    from_label: str
    to_label: str
    actor: str  # a speaker's name, "the organizers", or "" when nobody is known

    @classmethod
    def of(cls, transition: "ProposalTransition", speaker_ids: set[int]) -> "HistoryEntry":
        if transition.by_id is None:
            actor = ""
        elif transition.by_id in speaker_ids:
            actor = transition.by.display_name
        else:
            actor = _("the organizers")
        return cls(
            at=transition.at,
            from_label=transition.get_from_state_display(),
            to_label=transition.get_to_state_display(),
            actor=actor,
        )


class ProposalSpeaker(models.Model):
    """A speaker of a proposal, and their place in its list of speakers: the submitter first,
    co-speakers in the order they joined, unless the speakers or organizers reorder them.
    Equal positions (rows added without one) keep the order in which they were added."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="speaker_positions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="speaker_positions"
    )
    position = models.PositiveIntegerField("position", default=0)

    class Meta:
        db_table = "cfp_proposal_speakers"  # the table of the former plain many-to-many
        ordering = ["position", "pk"]
        unique_together = [("proposal", "user")]
        verbose_name = "speaker"

    def __str__(self) -> str:
        return f"{self.proposal.code}: {self.user.email} ({self.position})"


class ProposalTransition(models.Model):
    """The audit trail: every state change of a proposal, who made it and when."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=ProposalState.choices)
    to_state = models.CharField(max_length=20, choices=ProposalState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal.code}: {self.from_state} → {self.to_state}"
