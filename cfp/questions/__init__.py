"""The event's own questions on the proposal form: their fields, reading and writing answers.

How an answer is stored (every page, export and the API rely on it):
text, long_text, url: the text; number: the decimal as a string, normalised ("42", "3.5");
date: ISO "YYYY-MM-DD"; datetime: ISO 8601 in UTC, shown and typed in the event's zone;
boolean: "yes" or "no"; choice and multiple_choice: the `options`, value ""; file: `file`
(a random name in the private storage) and `file_name` (the uploader's name), value "".
An unanswered question has no Answer row: clearing an answer deletes it.

fields.py: a form field per kind; files.py: files known by their content; forms.py: the
proposal form's two question forms; selectors.py: reading (a fixed number of queries) and
who lacks an answer; services.py: writing answers.
"""

from cfp.questions.fields import TEXT_MAX, plain_number, question_field
from cfp.questions.files import FileTypeValidator, file_type_of
from cfp.questions.forms import (
    FIELD_PREFIX,
    ProposalQuestions,
    QuestionsForm,
    field_name,
    proposal_questions,
)
from cfp.questions.selectors import (
    answers_load,
    applies,
    missing_answers,
    proposals_missing_answers,
    questions_load,
    questions_with_limits,
)
from cfp.questions.services import (
    KEEP_FILE,
    answers_save,
    speaker_answers_save,
    stored_value,
)

__all__ = [
    "FIELD_PREFIX",
    "KEEP_FILE",
    "TEXT_MAX",
    "FileTypeValidator",
    "ProposalQuestions",
    "QuestionsForm",
    "answers_load",
    "answers_save",
    "applies",
    "field_name",
    "file_type_of",
    "missing_answers",
    "plain_number",
    "proposal_questions",
    "proposals_missing_answers",
    "question_field",
    "questions_load",
    "questions_with_limits",
    "speaker_answers_save",
    "stored_value",
]
