"""An event's reviews for its organizers' own analysis: CSV and JSON.

Three files, all streamed with cfp.exports' helpers (the same byte-order mark, the same
protection against formula injection): one row per review, one row per proposal with its
aggregates, and the proposals with their reviews as JSON. The aggregates are the ranked
list's (reviews.selectors.ranked_proposals), so the files and the staff panel agree; like
the ranked list, the files leave out what the viewer is conflicted on.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cfp import answers, exports, tags
from cfp.enums import QuestionTarget
from cfp.exports import Column
from cfp.fields import not_asked
from cfp.models import Event, Proposal
from reviews import questions as reviewer_questions
from reviews import selectors
from reviews.models import Criterion, Review

JSON_VERSION = 1
DECIMALS = 3

PROPOSAL_COLUMN_SPECS = [
    Column("code", _("The proposal's code.")),
    Column("title", _("The proposal's title.")),
    Column("state", _("Where the proposal is: Submitted, Accepted, Rejected, …")),
    Column("tags", _("The tags the organizers show reviewers, joined with “; ”.")),
    Column("track", _("The name of its track.")),
    Column("submission type", _("The name of its submission type.")),
]
AGGREGATE_COLUMN_SPECS = [
    Column("reviews", _("How many reviews the proposal has.")),
    Column("mean", _("The mean of its reviews' weighted scores.")),
    Column("median", _("The median of its reviews' weighted scores.")),
    Column("spread", _("The population standard deviation of its reviews' weighted scores.")),
    Column(
        "normalised",
        _(
            "The mean of its reviews' normalised scores: each reviewer's scores put on the "
            "event's common scale, as on the ranked list."
        ),
    ),
]
PROPOSAL_COLUMNS = [column.name for column in PROPOSAL_COLUMN_SPECS]
AGGREGATE_COLUMNS = [column.name for column in AGGREGATE_COLUMN_SPECS]
REVIEWER_COLUMN_SPECS = [
    Column("reviewer email", _("The reviewer's email address.")),
    Column("reviewer name", _("The reviewer's name; empty if they gave none.")),
]
REVIEW_COLUMN_SPECS = [
    Column("weighted score", _("The review's score: its criteria's scores, weighted.")),
    Column(
        "normalised score",
        _("The review's score on the event's common scale (see the ranked list)."),
    ),
    Column("comment for the organizers", _("The reviewer's comment for the organizers.")),
    Column("feedback for the speaker", _("The reviewer's optional feedback for the speakers.")),
    Column("reviewed at", _("When the review was last saved, in the event's time zone.")),
]


def _criterion_header(criterion: Criterion, prefix: str = "") -> str:
    # The criterion's name, as organizers typed it; csv_chunks neutralises it like any text.
    return f"{prefix}{criterion.name} ({criterion.min_score}–{criterion.max_score})"


def review_columns(criteria: Sequence[Criterion]) -> list[Column]:
    """The columns of the one-row-per-review file, for the event's criteria."""
    return [
        *PROPOSAL_COLUMN_SPECS,
        *REVIEWER_COLUMN_SPECS,
        *(
            Column(_criterion_header(c), _("The reviewer's score on this criterion."))
            for c in criteria
        ),
        *REVIEW_COLUMN_SPECS,
        *(
            Column(f"proposal {c.name}", format_lazy(_("The proposal's figure: {}"), c.description))
            for c in AGGREGATE_COLUMN_SPECS
        ),
    ]


def proposal_columns(criteria: Sequence[Criterion]) -> list[Column]:
    """The columns of the one-row-per-proposal file, for the event's criteria."""
    return [
        *PROPOSAL_COLUMN_SPECS,
        *AGGREGATE_COLUMN_SPECS,
        *(
            Column(
                _criterion_header(c, "mean "),
                _("The mean of the reviews' scores on this criterion."),
            )
            for c in criteria
        ),
    ]


def _number(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def reviewed_proposals(event: Event, viewer) -> QuerySet[Proposal]:
    """The ranked list's proposals, best first, each with its reviews and their scores."""
    reviews = (
        Review.objects.select_related("reviewer__profile")
        .prefetch_related("scores")
        .order_by("created_at", "pk")
    )
    # Only the tags reviewers may see: the file may be passed on to them.
    return tags.with_tags(
        selectors.ranked_proposals(event, viewer)
        .select_related("track", "submission_type")
        .prefetch_related(Prefetch("reviews", queryset=reviews)),
        reviewers=True,
    ).order_by(F("normalised").desc(nulls_last=True), "title", "pk")


class ReviewExport:
    """What the three files share: the event's criteria and the reviewers' scales."""

    def __init__(self, event: Event, viewer):
        self.event = event
        self.criteria: list[Criterion] = selectors.criteria_for(event)
        self.scales = selectors.reviewer_scales(event)
        self.proposals = reviewed_proposals(event, viewer)
        # Blind review hides identifying answers from reviewers: the files leave them out too.
        blind = selectors.settings_for(event).blind
        self.questions = answers.export_questions(event, QuestionTarget.PROPOSAL, blind=blind)
        self.review_questions = reviewer_questions.export_questions(event)

    def _chunked(self) -> Iterator[Proposal]:
        def review_answers(batch: list[Proposal]) -> None:
            reviewer_questions.attach_review_answers(batch, self.review_questions)

        chunks = exports.with_answers(
            self.proposals, self.event, self.questions, on_batch=review_answers
        )
        for proposal, found in chunks:
            proposal.export_answers = found.get(proposal.pk, {})
            yield proposal

    def _answer_cells(self, proposal: Proposal) -> list[Any]:
        return exports.answer_cells(proposal.export_answers, self.questions, self.event)

    def _answer_header(self) -> list[str]:
        return [question.question for question in self.questions]

    def normalised(self, review: Review) -> float:
        scale = self.scales.get(review.reviewer_id, selectors.Scale())
        return review.score * scale.factor + scale.offset

    def _proposal_cells(self, proposal: Proposal) -> list[Any]:
        return [
            proposal.code,
            proposal.title,
            proposal.get_state_display(),
            exports.SEPARATOR.join(tag.name for tag in proposal.tags.all()),
            proposal.track.name if proposal.track else None,
            proposal.submission_type.name if proposal.submission_type else None,
        ]

    def _aggregates(self, proposal: Proposal) -> list[Any]:
        return [
            proposal.review_count,
            _number(proposal.mean_score),
            _number(proposal.median_score),
            _number(proposal.score_stddev),
            _number(proposal.normalised),
        ]

    @staticmethod
    def _values(review: Review) -> dict[int, int]:
        return {score.criterion_id: score.value for score in review.scores.all()}

    # --- one row per review ---------------------------------------------------------------

    def review_rows(self) -> Iterator[list[Any]]:
        for proposal in self._chunked():
            head, tail = self._proposal_cells(proposal), self._aggregates(proposal)
            for review in proposal.reviews.all():
                values = self._values(review)
                profile = getattr(review.reviewer, "profile", None)
                yield [
                    *head,
                    review.reviewer.email,
                    profile.name if profile is not None else None,
                    *(values.get(c.pk) for c in self.criteria),
                    _number(review.score),
                    _number(self.normalised(review)),
                    review.comment,
                    review.feedback,
                    exports.local_csv(review.updated_at, self.event),
                    *exports.answer_cells(review.export_answers, self.review_questions, self.event),
                    *tail,
                    *self._answer_cells(proposal),
                ]

    def _csv(
        self, columns: list[Column], rows: Iterator[list[Any]], *, review_answers: bool = False
    ) -> Iterator[bytes]:
        """The columns, with the reviewers' answers after "reviewed at" (one row per review)
        and the proposal's answers at the end; without the columns of the fields the event
        does not ask (cfp.fields)."""
        names = [column.name for column in columns]
        hidden = set(range(len(names))) - set(exports.asked_columns(columns, self.event))
        asked = [question.question for question in self.review_questions] if review_answers else []
        at = names.index("reviewed at") + 1 if review_answers else len(names)
        header = names[:at] + asked + names[at:] + self._answer_header()
        dropped = {i if i < at else i + len(asked) for i in hidden}
        keep = [i for i in range(len(header)) if i not in dropped]
        return exports.csv_chunks(
            exports.kept(header, keep), (exports.kept(row, keep) for row in rows)
        )

    def reviews_csv(self) -> Iterator[bytes]:
        return self._csv(review_columns(self.criteria), self.review_rows(), review_answers=True)

    # --- one row per proposal ---------------------------------------------------------------

    def proposal_rows(self) -> Iterator[list[Any]]:
        for proposal in self._chunked():
            per_criterion: dict[int, list[int]] = {c.pk: [] for c in self.criteria}
            for review in proposal.reviews.all():
                for criterion_id, value in self._values(review).items():
                    per_criterion.setdefault(criterion_id, []).append(value)
            means = [
                _number(sum(v) / len(v)) if (v := per_criterion[c.pk]) else None
                for c in self.criteria
            ]
            yield [
                *self._proposal_cells(proposal),
                *self._aggregates(proposal),
                *means,
                *self._answer_cells(proposal),
            ]

    def proposals_csv(self) -> Iterator[bytes]:
        return self._csv(proposal_columns(self.criteria), self.proposal_rows())

    # --- JSON -------------------------------------------------------------------------------

    def proposal_json(self, proposal: Proposal) -> dict[str, Any]:
        names = {c.pk: c.name for c in self.criteria}
        count, mean, median, spread, normalised = self._aggregates(proposal)
        return {
            "code": proposal.code,
            "title": proposal.title,
            "state": proposal.state,
            "tags": [tag.name for tag in proposal.tags.all()],
            "track": proposal.track.name if proposal.track else None,
            "submission_type": proposal.submission_type.name if proposal.submission_type else None,
            "aggregates": {
                "count": count,
                "mean": mean,
                "median": median,
                "spread": spread,
                "normalised": normalised,
            },
            "reviews": [
                {
                    "reviewer": {
                        "email": review.reviewer.email,
                        "name": getattr(getattr(review.reviewer, "profile", None), "name", ""),
                    },
                    "scores": {
                        names[pk]: value
                        for pk, value in self._values(review).items()
                        if pk in names
                    },
                    "score": _number(review.score),
                    "normalised": _number(self.normalised(review)),
                    "comment": review.comment,
                    "feedback": review.feedback,
                    "updated_at": exports.local_iso(review.updated_at, self.event),
                    "answers": [
                        answers.json_value(review.export_answers[q.pk], q)
                        for q in self.review_questions
                        if q.pk in review.export_answers
                    ],
                }
                for review in proposal.reviews.all()
            ],
            "answers": [
                answers.json_value(proposal.export_answers[q.pk], q)
                for q in self.questions
                if q.pk in proposal.export_answers
            ],
        }

    def reviews_json(self) -> Iterator[bytes]:
        head = {
            "version": JSON_VERSION,
            "event": exports.event_json(self.event),
            "generated_at": timezone.now().isoformat(),
            "criteria": [
                {
                    "name": c.name,
                    "min_score": c.min_score,
                    "max_score": c.max_score,
                    "weight": float(c.weight),
                }
                for c in self.criteria
            ],
        }
        hidden = not_asked(self.event)
        items = (exports.without_unasked(self.proposal_json(p), hidden) for p in self._chunked())
        return exports.json_chunks(head, "proposals", items)


FORMATS = {
    # name: file name ending
    "reviews": "reviews.csv",
    "proposals": "review-aggregates.csv",
    "json": "reviews.json",
}


def reviews_response(event: Event, viewer, fmt: str) -> StreamingHttpResponse:
    export = ReviewExport(event, viewer)
    filename = f"{event.slug}-{FORMATS[fmt]}"
    if fmt == "reviews":
        return exports.csv_response(export.reviews_csv(), filename)
    if fmt == "proposals":
        return exports.csv_response(export.proposals_csv(), filename)
    return exports.json_response(export.reviews_json(), filename)
