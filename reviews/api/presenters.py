"""Proposals and speakers as each caller may see them, built for a page at a time.

`ProposalPage` reads what a page of proposals shows (speakers, answers, tags, history) in a
fixed number of queries per view present on the page, never per proposal, and then gives
each proposal the fields of its view (reviews.api.selectors):

- organizer: every field, speakers with their email, every answer and tag, the full audit
  trail with who made each change;
- reviewer: what the review page shows: no history; no notes, speakers or identifying
  answers in blind review; only the tags shown to reviewers;
- speaker: what their proposal's page shows: its state as they know it, their history
  (cfp Proposal.speaker_history), no tags, no answers of other speakers.
"""

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import prefetch_related_objects
from django.urls import reverse

from cfp import answers as cfp_answers
from cfp import tags as cfp_tags
from cfp.enums import ProposalState, QuestionTarget
from cfp.fields import event_fields, not_asked
from cfp.models import Event, Proposal, ProposalSpeaker, ProposalTransition
from cfp.models.proposal import speakers_in_order
from cfp.programme import published
from reviews.api import answers as api_answers
from reviews.api.selectors import ORGANIZER, REVIEWER, SPEAKER, SpeakerSets, Standing
from speakers.models import User

EXPANSIONS = ("speakers", "answers", "tags", "history")
TEXT_FIELDS = ("audience", "benefits", "technical_requirements", "notes")
# A speaker's history names states by their labels (HistoryEntry): back to their values.
STATE_OF_LABEL = {str(label): value for value, label in ProposalState.choices}


def event_url(event: Event) -> str:
    return reverse("api:event-detail", kwargs={"event": event.slug})


def proposal_url(event: Event, code: str) -> str:
    return reverse("api:proposal-detail", kwargs={"event": event.slug, "code": code})


def speaker_url(event: Event, pk: int) -> str:
    return reverse("api:speaker-detail", kwargs={"event": event.slug, "pk": pk})


def photo_url(user: User) -> str | None:
    profile = getattr(user, "profile", None)
    return profile.photo.url if profile is not None and profile.photo else None


class ProposalPage:
    """The extras of a page of proposals of one event, read once for the page."""

    def __init__(self, proposals: Sequence[Proposal], place: Standing, expand: set[str]):
        self.place = place
        self.event = place.event
        self.expand = expand
        self.fields = event_fields(self.event)
        self.hidden = not_asked(self.event)
        self.by_view: dict[str, list[Proposal]] = defaultdict(list)
        for proposal in proposals:
            self.by_view[proposal.api_view].append(proposal)
        if expand & {"speakers", "answers", "history"}:
            prefetch_related_objects(list(proposals), speakers_in_order())
        self.answers = self._answers() if "answers" in expand else {}
        self.tags = self._tags() if "tags" in expand else {}
        self.transitions = self._transitions() if "history" in expand else {}

    # --- reading ----------------------------------------------------------------------------

    def _viewer(self, view: str) -> cfp_answers.Viewer:
        role = {ORGANIZER: cfp_answers.ORGANIZER, REVIEWER: cfp_answers.REVIEWER}
        return cfp_answers.Viewer(
            role.get(view, cfp_answers.SPEAKER),
            user_id=self.place.user.pk,
            blind=view == REVIEWER and self.place.blind,
        )

    def _answers(self) -> dict[int, list[dict]]:
        """Per proposal: its answers, then each speaker's (in the speakers' order)."""
        result = {}
        for view, proposals in self.by_view.items():
            viewer = self._viewer(view)
            if view == SPEAKER:
                speaker_ids = [self.place.user.pk]  # their own answers, never a co-speaker's
            else:
                speaker_ids = {s.pk for p in proposals for s in p.speakers.all()}
            rows = api_answers.read(
                viewer,
                event=self.event,
                proposal_ids=[p.pk for p in proposals],
                speaker_ids=speaker_ids,
            )
            own, by_speaker = defaultdict(list), defaultdict(list)
            for answer in rows:
                if answer.proposal_id is not None:
                    own[answer.proposal_id].append(answer)
                elif answer.question.target == QuestionTarget.SPEAKER:
                    by_speaker[answer.speaker_id].append(answer)
            for proposal in proposals:
                file_url = (
                    api_answers.review_file_url(proposal.pk)
                    if view == REVIEWER
                    else cfp_answers.file_url
                )
                items = [
                    self._answer(a, viewer, file_url, target="proposal") for a in own[proposal.pk]
                ]
                for number, speaker in enumerate(proposal.speakers.all(), start=1):
                    for a in by_speaker.get(speaker.pk, []):
                        items.append(
                            self._answer(
                                a,
                                viewer,
                                file_url,
                                target="speaker",
                                number=number,
                                speaker_id=None if viewer.blind else speaker.pk,
                            )
                        )
                result[proposal.pk] = items
        return result

    def _answer(self, answer, viewer, file_url, *, target, number=None, speaker_id=None):
        item = api_answers.value_of(answer, viewer, event=self.event, file_url=file_url)
        return {**item, "target": target, "speaker_number": number, "speaker_id": speaker_id}

    def _tags(self) -> dict[int, list]:
        found = {}
        for view, reviewers in ((ORGANIZER, False), (REVIEWER, True)):
            if self.by_view.get(view):
                ids = [p.pk for p in self.by_view[view]]
                found.update(cfp_tags.tags_by_proposal(ids, reviewers=reviewers))
        return found

    def _transitions(self) -> dict[int, list[ProposalTransition]]:
        ids = [p.pk for view in (ORGANIZER, SPEAKER) for p in self.by_view.get(view, [])]
        found = defaultdict(list)
        if ids:
            rows = ProposalTransition.objects.filter(proposal_id__in=ids).select_related(
                "by__profile"
            )
            for row in rows.order_by("at", "pk"):
                found[row.proposal_id].append(row)
        return found

    # --- giving -----------------------------------------------------------------------------

    def _asked(self, view: str, name: str, value):
        """A field the event's form does not ask leaves the speakers' and reviewers' pages."""
        if view != ORGANIZER and name in self.hidden:
            return None if name in ("submission_type", "track") else ""
        return value

    def represent(self, proposal: Proposal) -> dict:
        view = proposal.api_view
        kind, track = proposal.submission_type, proposal.track
        data = {
            "code": proposal.code,
            "url": proposal_url(self.event, proposal.code),
            "event": self.event.slug,
            "viewed_as": view,
            "title": proposal.title,
            "state": proposal.speaker_state if view == SPEAKER else proposal.state,
            "submission_type": self._asked(
                view,
                "submission_type",
                {"id": kind.pk, "name": kind.name, "default_duration": kind.default_duration}
                if kind
                else None,
            ),
            "track": self._asked(
                view, "track", {"id": track.pk, "name": track.name} if track else None
            ),
            "experience_level": self._asked(view, "experience_level", proposal.experience_level),
            "abstract": proposal.abstract,
        }
        for name in TEXT_FIELDS:
            data[name] = self._asked(view, name, getattr(proposal, name))
        if view == REVIEWER and self.place.blind:
            del data["notes"]  # the review page hides them: speakers write who they are there
        data.update(
            created_at=proposal.created_at,
            updated_at=proposal.updated_at,
            submitted_at=proposal.submitted_at,
        )
        has_cfp = hasattr(self.event, "cfp")  # the deadline is the CfP's
        if view in (ORGANIZER, SPEAKER):
            data["slides_url"] = proposal.slides_url
            if has_cfp:
                data["edit_deadline"] = proposal.edit_deadline()
        if view == SPEAKER:
            data["editable"] = has_cfp and proposal.is_editable()
        if view == ORGANIZER:
            data["deadline_extension"] = proposal.deadline_extension
        self._expansions(proposal, view, data)
        return data

    def _expansions(self, proposal: Proposal, view: str, data: dict) -> None:
        if "speakers" in self.expand and not (view == REVIEWER and self.place.blind):
            data["speakers"] = [self._speaker(user, view) for user in proposal.speakers.all()]
        if "answers" in self.expand:
            data["answers"] = self.answers.get(proposal.pk, [])
        if "tags" in self.expand and view != SPEAKER:
            data["tags"] = [
                {"id": t.pk, "name": t.name, "colour": t.colour}
                for t in self.tags.get(proposal.pk, [])
            ]
        if "history" in self.expand and view != REVIEWER:
            transitions = self.transitions.get(proposal.pk, [])
            data["history"] = (
                [self._change(t) for t in transitions]
                if view == ORGANIZER
                else [
                    {
                        "at": entry.at,
                        "from_state": STATE_OF_LABEL[str(entry.from_label)],
                        "to_state": STATE_OF_LABEL[str(entry.to_label)],
                        "actor": str(entry.actor),
                    }
                    for entry in proposal.speaker_history(transitions)
                ]
            )

    def _speaker(self, user: User, view: str) -> dict:
        profile = getattr(user, "profile", None)
        item = {"id": user.pk, "name": profile.name if profile else ""}
        affiliation = profile.affiliation if profile else ""
        if view == ORGANIZER:
            item.update(
                email=user.email,
                affiliation=affiliation,
                biography=profile.biography if profile else "",
                photo_url=photo_url(user),
            )
        elif view == REVIEWER:  # the review page: name, affiliation, biography
            item.update(
                affiliation=self._asked(view, "affiliation", affiliation),
                biography=profile.biography if profile else "",
            )
        else:  # the speakers' card on their proposal's page: name, affiliation, photo
            item.update(
                affiliation=self._asked(view, "affiliation", affiliation),
                photo_url=None if "photo" in self.hidden else photo_url(user),
            )
        return item

    @staticmethod
    def _change(transition: ProposalTransition) -> dict:
        by = transition.by
        person = None
        if by is not None:
            profile = getattr(by, "profile", None)
            person = {"id": by.pk, "name": profile.name if profile else "", "email": by.email}
        return {
            "at": transition.at,
            "from_state": transition.from_state,
            "to_state": transition.to_state,
            "by": person,
        }


class SpeakerPage:
    """A page of an event's speakers, each shown with the union of what the rules that
    let the caller see them show (selectors.speakers_for): organizers everything, with the
    email; the public page's fields for a speaker of a published talk; the review page's
    (name, affiliation, biography) for a reviewer outside blind review; the proposal page's
    speaker card (name, affiliation, photo) for co-speakers."""

    def __init__(self, users: Sequence[User], place: Standing, sets: SpeakerSets):
        self.place, self.event = place, place.event
        self.hidden = not_asked(self.event)
        ids = [u.pk for u in users]
        self.codes = defaultdict(list)
        rows = (
            ProposalSpeaker.objects.filter(user_id__in=ids, proposal__event=self.event)
            .filter(proposal__in=Proposal.objects.filter(sets.linked()))
            .order_by("proposal__created_at", "proposal_id")
            .values_list("user_id", "proposal__code")
        )
        for user_id, code in rows:
            self.codes[user_id].append(code)
        self.answers = defaultdict(list)
        viewer = (
            cfp_answers.Viewer(cfp_answers.ORGANIZER, user_id=place.user.pk)
            if place.organizer
            else cfp_answers.PUBLISHED
        )
        shown = ids if place.organizer else [u.pk for u in users if u.as_public]
        for answer in api_answers.read(viewer, event=self.event, speaker_ids=shown):
            if answer.question.target == QuestionTarget.SPEAKER:
                self.answers[answer.speaker_id].append(
                    api_answers.value_of(answer, viewer, event=self.event)
                )

    def represent(self, user: User) -> dict:
        profile = getattr(user, "profile", None)
        data = {
            "id": user.pk,
            "url": speaker_url(self.event, user.pk),
            "name": profile.name.strip() if profile else "",
        }
        if user.as_organizer:
            data.update(
                email=user.email,
                affiliation=profile.affiliation if profile else "",
                biography=profile.biography if profile else "",
                photo_url=photo_url(user),
                links=profile.link_list if profile else [],
                answers=self.answers.get(user.pk, []),
            )
        else:
            shown = published.public_speaker(user, self.hidden)
            data["affiliation"] = shown.affiliation
            if user.as_public or user.as_reviewer:
                data["biography"] = shown.biography
            if user.as_public or user.as_co_speaker:
                data["photo_url"] = shown.photo_url or None
            if user.as_public:
                data["links"] = [link.url for link in shown.links]
                data["answers"] = self.answers.get(user.pk, [])
        data["proposals"] = self.codes.get(user.pk, [])
        return data
