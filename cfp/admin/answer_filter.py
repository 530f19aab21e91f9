"""The proposal list's filter on answers: the proposals whose answer to a choice or yes/no
question of the organizer's events is a given one.

One filter for every such question (rather than one per question, which would cost a query
each): its choices are read in one query, whatever the number of questions and events.
"""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cfp import rules
from cfp.enums import CHOICE_KINDS, QuestionKind, QuestionTarget
from cfp.models import Answer, Question

KINDS = (*CHOICE_KINDS, QuestionKind.BOOLEAN)


def _parse(value: str) -> tuple[str, int, str] | None:
    """ "o12" → an option's id; "q7-yes" / "q7-no" → a yes/no question's answer."""
    try:
        if value.startswith("o"):
            return "option", int(value[1:]), ""
        if value.startswith("q") and value.endswith(("-yes", "-no")):
            question, answer = value[1:].split("-")
            return "boolean", int(question), answer
    except ValueError:
        return None
    return None


class AnswerFilter(admin.SimpleListFilter):
    title = gettext_lazy("answer")
    parameter_name = "answer"

    def lookups(self, request, model_admin):
        questions = Question.objects.filter(
            target=QuestionTarget.PROPOSAL, kind__in=KINDS, active=True
        )
        if not request.user.is_superuser:
            questions = questions.filter(event_id__in=rules.organized_event_ids(request.user))
        rows = questions.order_by("event__name", "position", "pk", "options__position", "options")
        rows = rows.values_list("pk", "question", "kind", "event__name", "options", "options__text")
        several = len({row[3] for row in rows}) > 1
        made = []
        for pk, text, kind, event_name, option_id, option_text in rows:
            label = f"{text} ({event_name})" if several else text
            if kind == QuestionKind.BOOLEAN:
                if not any(value == f"q{pk}-yes" for value, _label in made):
                    made.append((f"q{pk}-yes", f"{label}: {_('Yes')}"))
                    made.append((f"q{pk}-no", f"{label}: {_('No')}"))
            elif option_id is not None:
                made.append((f"o{option_id}", f"{label}: {option_text}"))
        return made

    def queryset(self, request, queryset):
        parsed = _parse(self.value() or "")
        if parsed is None:
            return queryset
        kind, pk, value = parsed
        answers = Answer.objects.filter(proposal=OuterRef("pk"))
        if kind == "option":
            answers = answers.filter(options=pk)
        else:
            answers = answers.filter(question_id=pk, value=value)
        return queryset.filter(Exists(answers))
