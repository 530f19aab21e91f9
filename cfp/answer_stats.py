"""How a question was answered: the figures of its statistics page (cfp.admin.question_stats).

Answers count for proposals that are not drafts (speakers still write those), for the
speakers of such proposals, or for reviews (questions to reviewers). Each figure is one
aggregate query, whatever the number of answers.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from statistics import median

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cfp import answers
from cfp.enums import CHOICE_KINDS, ProposalState, QuestionKind, QuestionTarget
from cfp.models import Answer, Proposal, ProposalSpeaker, Question


@dataclass
class Statistics:
    question: Question
    owners: str  # what was asked: "proposals", "speakers", "reviews"
    total: int
    answered: int
    # (label, count) for choices and yes/no: the chart's bars, in the question's order.
    counts: list[tuple[str, int]] = field(default_factory=list)
    # (label, value) for numbers: smallest, median, largest.
    figures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def unanswered(self) -> int:
        return max(self.total - self.answered, 0)

    @property
    def chart(self) -> dict | None:
        """The chart's data (json_script), or None when there is nothing to draw."""
        if not self.counts:
            return None
        return {
            "labels": [label for label, _count in self.counts],
            "counts": [count for _label, count in self.counts],
            "label": _("Answers"),
        }


def _answers_of(question: Question):
    """The question's answers that count, and the relation an option has to them."""
    if question.target == QuestionTarget.REVIEWER:
        # reviews.ReviewAnswer, through the question (cfp imports nothing of reviews).
        return question.review_answers.all(), "review_answers"
    found = Answer.objects.filter(question=question)
    if question.target == QuestionTarget.PROPOSAL:
        found = found.exclude(proposal__state=ProposalState.DRAFT)
    return found, "answers"


def _owners(question: Question) -> tuple[str, int]:
    """What the question asks and how many of them there are: one query."""
    event = question.event_id
    if question.target == QuestionTarget.REVIEWER:
        reviews = Proposal.objects.filter(event_id=event).aggregate(n=Count("reviews"))
        return _("reviews"), reviews["n"]
    if question.target == QuestionTarget.SPEAKER:
        speakers = ProposalSpeaker.objects.filter(proposal__event_id=event).exclude(
            proposal__state=ProposalState.DRAFT
        )
        return _("speakers"), speakers.values("user_id").distinct().count()
    proposals = Proposal.objects.filter(event_id=event).exclude(state=ProposalState.DRAFT)
    return _("proposals"), proposals.count()


def question_statistics(question: Question) -> Statistics:
    """Four queries at most, whatever the number of answers."""
    owners, total = _owners(question)
    found, relation = _answers_of(question)
    kind = question.kind
    stats = Statistics(question, owners, total, 0)
    if kind in CHOICE_KINDS:
        chosen = Q(**{f"{relation}__in": found})
        options = question.options.annotate(chosen=Count(relation, filter=chosen)).order_by(
            "position", "pk"
        )
        stats.counts = [(option.text, option.chosen) for option in options]
        stats.answered = found.count()
        return stats
    if kind == QuestionKind.BOOLEAN:
        by_value = dict(found.values_list("value").annotate(n=Count("pk")).order_by())
        stats.counts = [(_("Yes"), by_value.get("yes", 0)), (_("No"), by_value.get("no", 0))]
        stats.answered = sum(by_value.values())
        return stats
    values = list(found.values_list("value", flat=True))
    stats.answered = len(values)
    if kind == QuestionKind.NUMBER:
        numbers = []
        for value in values:
            try:
                numbers.append(Decimal(value))
            except InvalidOperation:
                continue
        if numbers:
            stats.figures = [
                (_("Smallest"), answers.format_number(str(min(numbers)))),
                (_("Median"), answers.format_number(str(median(numbers)))),
                (_("Largest"), answers.format_number(str(max(numbers)))),
            ]
    return stats
