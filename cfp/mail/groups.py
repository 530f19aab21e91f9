"""Email to a group: who belongs to each group of an event, and what their email says.

An organizer writes one text to a group of an event's people (cfp.admin.group_mail): the
speakers of its proposals (all of them, or those in a state, a track or with a tag), the
speakers who have not confirmed, the speakers of confirmed talks without slides, the speakers
of a hand-picked selection of proposals, or the reviewers with unfinished reviews (a group the
reviews app registers: cfp never imports it). A draft is never a proposal here: no group
reaches anyone through a speaker's unsubmitted draft.

A speaker group is read in one query: the speaker rows of the group's proposals with their
users, profiles and proposals. A text with a proposal placeholder ({proposal_title},
{proposal_code}, …) makes one email per speaker and proposal; any other text one email per
speaker, however many of the group's proposals they are on.

A state is the state as the speakers know it (Proposal.speaker_state): an accepted proposal
whose acceptance email is still a draft counts as submitted, so that no email to a group tells
a speaker a decision before the decision's own email does.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from cfp import selectors
from cfp.enums import ProposalState
from cfp.mail import emails, texts
from cfp.models import Event, Proposal, ProposalSpeaker, Tag, Track
from speakers.models import User

PROPOSAL_PLACEHOLDERS = frozenset(
    {"proposal_title", "proposal_code", "proposal_url", "confirm_url", "speakers"}
)
SPEAKER_PLACEHOLDERS = frozenset(texts.COMMON | {"speaker_name"}) | PROPOSAL_PLACEHOLDERS
# The most proposals one hand-picked selection may hold (the list's "select all" included).
MAX_SELECTED = 10_000
# The states a group of speakers may be chosen by: every state but the speakers' own drafts.
STATES = [(s.value, s.label) for s in ProposalState if s != ProposalState.DRAFT]


@dataclass(frozen=True)
class Selection:
    """What an organizer chose: a group, and for "speakers of proposals" its filters."""

    group: str
    state: str = ""
    track: Track | None = None
    tag: Tag | None = None
    proposal_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Recipient:
    """One email of a group: to a user, about one proposal or none, with its values."""

    user: User
    proposal: Proposal | None
    values: dict[str, str] = field(hash=False)

    @property
    def key(self) -> str:
        """Which recipient a preview shows: "user" or "user-proposal"."""
        return f"{self.user.pk}-{self.proposal.pk}" if self.proposal else str(self.user.pk)

    @property
    def label(self) -> str:
        name = self.user.display_name
        who = self.user.email if name == self.user.email else f"{name} <{self.user.email}>"
        return f"{who} · {self.proposal.title}" if self.proposal else who


Members = Callable[[Event, Selection, bool], list[Recipient]]


@dataclass(frozen=True)
class Group:
    """A kind of group: its label, the placeholders its texts may use, and its members
    (for an event and a selection; True: one email per speaker and proposal)."""

    key: str
    label: str
    placeholders: frozenset[str]
    members: Members
    position: int
    # Offered on the page (a hand-picked selection comes from the proposal list instead).
    offered: bool = True

    def per_proposal(self, *parts: str) -> bool:
        """Whether these texts make one email per speaker and proposal."""
        names = {name for part in parts for name in texts.PLACEHOLDER.findall(part)}
        return bool(names & PROPOSAL_PLACEHOLDERS & self.placeholders)


GROUPS: dict[str, Group] = {}


def register(group: Group) -> None:
    """Make a group available (the reviews app registers its reviewers this way)."""
    GROUPS[group.key] = group


def groups() -> list[Group]:
    return sorted(GROUPS.values(), key=lambda g: g.position)


def recipients(event: Event, selection: Selection, *parts: str) -> list[Recipient]:
    """Everyone the texts `parts` (subject, body) would go to, in one query for speakers."""
    group = GROUPS[selection.group]
    return group.members(event, selection, group.per_proposal(*parts))


def render(subject: str, body: str, values: dict[str, str]) -> tuple[str, str]:
    """The subject (on one line) and the body of one recipient's email."""
    return " ".join(texts.fill(subject, values).split()), texts.fill(body, values)


def describe(selection: Selection) -> str:
    """The group in words, as the page and the list of emails to groups show it."""
    label = str(GROUPS[selection.group].label)
    if selection.group == SELECTED:
        count = len(selection.proposal_ids)
        return ngettext(
            "Speakers of %(count)s selected proposal",
            "Speakers of %(count)s selected proposals",
            count,
        ) % {"count": count}
    details = []
    if selection.state:
        details.append(_("state: %(state)s") % {"state": ProposalState(selection.state).label})
    if selection.track:
        details.append(_("track: %(track)s") % {"track": selection.track.name})
    if selection.tag:
        details.append(_("tag: %(tag)s") % {"tag": selection.tag.name})
    return f"{label} ({'; '.join(details)})" if details else label


def selection_refusal(event: Event, proposal_ids) -> str | None:
    """Why a hand-picked selection of proposals cannot be written to; None if it can.

    Every proposal must be one of the event's, and none a draft: a selection that holds
    another one is refused, not quietly trimmed."""
    wanted = set(proposal_ids)
    if not wanted:
        return _("Select at least one proposal.")
    if len(wanted) > MAX_SELECTED:
        return _("Select at most %(count)s proposals at a time.") % {"count": MAX_SELECTED}
    found = list(Proposal.objects.filter(pk__in=wanted).values_list("event_id", "state"))
    if len(found) < len(wanted):
        return _("Some of the selected proposals do not exist (any more). Select them again.")
    if any(event_id != event.pk for event_id, _state in found):
        return _(
            "The selection holds proposals of another event. Write to the proposals of one "
            "event at a time."
        )
    drafts = sum(state == ProposalState.DRAFT for _event_id, state in found)
    if drafts:
        return ngettext(
            "The selection holds %(count)s draft, which is its speakers' own until "
            "submitted. Leave it out.",
            "The selection holds %(count)s drafts, which are their speakers' own until "
            "submitted. Leave them out.",
            drafts,
        ) % {"count": drafts}
    return None


# --- the speaker groups ------------------------------------------------------------------


def _proposals(event: Event) -> QuerySet[Proposal]:
    return Proposal.objects.filter(event=event).exclude(state=ProposalState.DRAFT)


def _speaker_recipients(event: Event, proposals: QuerySet[Proposal], per_proposal: bool):
    """One recipient per speaker (or per speaker and proposal) of these proposals: one query."""
    rows = list(
        ProposalSpeaker.objects.filter(proposal__in=proposals.values("pk"))
        .select_related("user__profile", "proposal")
        .order_by("user__email", "user_id", "proposal__created_at", "proposal_id")
    )
    shared = {"event_name": event.name, "event_url": emails.absolute(event.get_absolute_url())}
    speakers: dict[int, list[ProposalSpeaker]] = {}
    for row in rows:
        row.proposal.event = event  # the one event: its URL without a query per proposal
        speakers.setdefault(row.proposal_id, []).append(row)
    found, seen = [], set()
    for row in rows:
        if not per_proposal:
            if row.user_id in seen:
                continue
            seen.add(row.user_id)
        values = {**shared, "speaker_name": row.user.display_name}
        if per_proposal:
            proposal = row.proposal
            url = emails.absolute(proposal.get_absolute_url())
            in_order = sorted(speakers[proposal.pk], key=lambda r: (r.position, r.pk))
            values |= {
                "proposal_title": proposal.title,
                "proposal_code": proposal.code,
                "proposal_url": url,
                "confirm_url": url,
                "speakers": ", ".join(r.user.display_name for r in in_order),
            }
        found.append(Recipient(row.user, row.proposal if per_proposal else None, values))
    return found


def proposal_speakers(event: Event, selection: Selection, per_proposal: bool):
    proposals = _proposals(event)
    if selection.state:
        proposals = selectors.in_speaker_state(proposals, selection.state)
    if selection.track:
        proposals = proposals.filter(track=selection.track)
    if selection.tag:
        proposals = proposals.filter(tags=selection.tag)
    return _speaker_recipients(event, proposals, per_proposal)


def unconfirmed_speakers(event: Event, selection: Selection, per_proposal: bool):
    accepted = selectors.in_speaker_state(_proposals(event), ProposalState.ACCEPTED)
    return _speaker_recipients(event, accepted, per_proposal)


def without_slides(event: Event, selection: Selection, per_proposal: bool):
    talks = _proposals(event).filter(state=ProposalState.CONFIRMED, slides="", slides_url="")
    return _speaker_recipients(event, talks, per_proposal)


def selected_speakers(event: Event, selection: Selection, per_proposal: bool):
    chosen = _proposals(event).filter(pk__in=selection.proposal_ids)
    return _speaker_recipients(event, chosen, per_proposal)


SPEAKERS, UNCONFIRMED, NO_SLIDES, SELECTED = "speakers", "unconfirmed", "no_slides", "selected"

for _group in (
    Group(SPEAKERS, _lazy("Speakers of proposals"), SPEAKER_PLACEHOLDERS, proposal_speakers, 10),
    Group(
        UNCONFIRMED,
        _lazy("Speakers who have not confirmed their accepted talk"),
        SPEAKER_PLACEHOLDERS,
        unconfirmed_speakers,
        20,
    ),
    Group(
        NO_SLIDES,
        _lazy("Speakers of confirmed talks without slides"),
        SPEAKER_PLACEHOLDERS,
        without_slides,
        30,
    ),
    Group(
        SELECTED,
        _lazy("Speakers of the selected proposals"),
        SPEAKER_PLACEHOLDERS,
        selected_speakers,
        50,
        offered=False,
    ),
):
    register(_group)
