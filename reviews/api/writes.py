"""A speaker's proposal written through the API: the JSON body is checked by the CfP form's
own rules (cfp.forms.ProposalForm and the question forms of cfp.questions, bound to the same
values a browser would post) and saved by the same services as the pages, so that the API
stores nothing the form refuses: too long, empty where required, HTML in a title, broken
Unicode, a track only a code opens, after the deadline.
"""

from dataclasses import dataclass, field
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError

from cfp import access, services
from cfp.enums import ProposalState, QuestionKind
from cfp.forms import ProposalForm
from cfp.models import Event, Proposal
from cfp.questions import ProposalQuestions, field_name, proposal_questions
from cfp.questions.fields import NO, YES
from speakers.models import User

TEXT_FIELDS = (
    "title",
    "experience_level",
    "abstract",
    "audience",
    "benefits",
    "technical_requirements",
    "notes",
)
ID_FIELDS = ("submission_type", "track")
CREATE_ONLY = ("access_code", "creation_token")
ACCEPTED = (*TEXT_FIELDS, *ID_FIELDS, "answers", "submit", *CREATE_ONLY)


@dataclass
class Body:
    """The request's body, with the types checked: what the form and the services take."""

    values: dict = field(default_factory=dict)  # form field → the value a browser would post
    answers: dict[int, object] | None = None  # question id → value; None: not given
    submit: bool = False
    access_code: str | None = None
    creation_token: UUID | None = None


# JSON may carry a lone surrogate (\\ud800), which no UTF-8 answer can repeat back.
UNICODE = gettext_lazy("This is not valid Unicode text (it holds a lone surrogate).")


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refuse(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def read_body(data, *, creating: bool) -> Body:
    """The body's fields, each of the type it must have; anything else is a field error."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    errors: dict[str, list[str]] = {}
    allowed = ACCEPTED if creating else tuple(n for n in ACCEPTED if n not in CREATE_ONLY)
    for name in data:
        if not _is_unicode(name):
            errors["non_field_errors"] = [str(UNICODE)]
        elif name not in allowed:
            errors[name] = [_("Unknown field. Fields: %(names)s.") % {"names": ", ".join(allowed)}]
    body = Body()
    for name in TEXT_FIELDS:
        if name in data:
            if not isinstance(data[name], str):
                errors[name] = [_("Give text.")]
            else:
                body.values[name] = data[name]
    for name in ID_FIELDS:
        if name in data:
            value = data[name]
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                errors[name] = [_("Give an id (a whole number) or null.")]
            else:
                body.values[name] = "" if value is None else str(value)
    if "submit" in data:
        if not isinstance(data["submit"], bool):
            errors["submit"] = [_("Give true or false.")]
        body.submit = data["submit"] is True
    if "access_code" in data:
        if not isinstance(data["access_code"], str):
            errors["access_code"] = [_("Give the code as text.")]
        elif not _is_unicode(data["access_code"]):
            errors["access_code"] = [str(UNICODE)]
        else:
            body.access_code = data["access_code"]
    if "creation_token" in data:
        try:
            body.creation_token = UUID(str(data["creation_token"]))
        except ValueError:
            errors["creation_token"] = [_("Give a UUID.")]
    if "answers" in data:
        body.answers = _read_answers(data["answers"], errors)
    _refuse(errors)
    return body


def _read_answers(given, errors: dict) -> dict[int, object]:
    if not isinstance(given, list):
        errors["answers"] = [_("Give a list of {question_id, value} objects.")]
        return {}
    found = {}
    for item in given:
        if (
            not isinstance(item, dict)
            or set(item) != {"question_id", "value"}
            or isinstance(item["question_id"], bool)
            or not isinstance(item["question_id"], int)
        ):
            errors["answers"] = [_("Give a list of {question_id, value} objects.")]
            return {}
        if item["question_id"] in found:
            errors[f"answers.{item['question_id']}"] = [_("This question is answered twice.")]
        found[item["question_id"]] = item["value"]
    return found


def _posted(question, value):
    """An answer as the question's form field takes it (what a browser posts), or raise
    ValueError with the message for a value of the wrong type."""
    kind = question.kind
    if value is None:
        return [] if kind == QuestionKind.MULTIPLE_CHOICE else ""
    if kind == QuestionKind.FILE:
        raise ValueError(_("Files are given on the proposal's page."))
    if kind == QuestionKind.MULTIPLE_CHOICE:
        if not isinstance(value, list) or not all(_is_id(v) for v in value):
            raise ValueError(_("Give a list of option ids."))
        return [str(v) for v in value]
    if kind == QuestionKind.CHOICE:
        if not _is_id(value):
            raise ValueError(_("Give an option's id."))
        return str(value)
    if kind == QuestionKind.BOOLEAN:
        if isinstance(value, bool):
            return YES if value else NO
        if value in (YES, NO):
            return value
        raise ValueError(_("Give true or false."))
    if (
        kind == QuestionKind.NUMBER
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(_("Give text."))
    return value


def _is_id(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.isdigit()
    )


def _errors_of(form) -> dict[str, list[str]]:
    return {
        ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }


class ProposalWrite:
    """One write of a speaker's proposal: the body bound to the CfP's forms."""

    def __init__(
        self,
        body: Body,
        *,
        event: Event,
        user: User,
        proposal: Proposal | None = None,
        partial: bool = False,
    ):
        self.body, self.event, self.user, self.proposal = body, event, user, proposal
        self.code = None
        errors: dict[str, list[str]] = {}
        if body.access_code:
            check = access.access_code_check(event, body.access_code)
            if check.error:
                errors["access_code"] = [check.error]
            self.code = check.code
        # As the pages do: a submitted proposal keeps meeting what submitting asks.
        self.submitting = body.submit or (
            proposal is not None and proposal.state != ProposalState.DRAFT
        )
        data = self._current() if partial else {}
        data.update(body.values)
        self.form = ProposalForm(
            data,
            instance=proposal,
            event=event,
            submitting=self.submitting,
            access_code=self.code,
        )
        for name, value in body.values.items():
            if name not in self.form.fields and value not in ("", None):
                errors[name] = [_("This event's form does not ask this.")]
        self.questions = self._questions(data, partial, errors)
        self.errors = errors

    def _current(self) -> dict:
        """The proposal's values as its edit form posts them (a PATCH changes only what it
        sends)."""
        proposal = self.proposal
        data = {name: getattr(proposal, name) for name in TEXT_FIELDS}
        for name in ID_FIELDS:
            value = getattr(proposal, f"{name}_id")
            data[name] = "" if value is None else str(value)
        return data

    def _questions(self, data: dict, partial: bool, errors: dict) -> ProposalQuestions:
        shown = proposal_questions(
            event=self.event, proposal=self.proposal, speaker=self.user, submitting=True
        )
        asked = {q.pk: q for form in shown for q in form.questions}
        answers = dict(data)
        # What is not sent keeps its answer on a PATCH; on a PUT or a new proposal it is
        # left unanswered. A file is kept either way: files are given on the page.
        for form in shown:
            for question in form.questions:
                name = field_name(question)
                if partial or question.kind == QuestionKind.FILE:
                    answers[name] = form.initial.get(name)
        for question_id, value in (self.body.answers or {}).items():
            question = asked.get(question_id)
            if question is None:
                errors[f"answers.{question_id}"] = [
                    _("This is not a question of this event's form.")
                ]
                continue
            try:
                answers[field_name(question)] = _posted(question, value)
            except ValueError as exc:
                errors[f"answers.{question_id}"] = [str(exc)]
        answers = {key: value for key, value in answers.items() if value is not None}
        return proposal_questions(
            _QueryLike(answers),
            None,
            event=self.event,
            proposal=self.proposal,
            speaker=self.user,
            submitting=self.submitting,
        )

    def validate(self) -> None:
        """Raise the field errors of the body, of the form and of the questions."""
        errors = dict(self.errors)
        form_valid = self.form.is_valid()
        questions_valid = self.questions.is_valid()
        if not form_valid:
            errors.update(_errors_of(self.form))
        if not questions_valid:
            for form in self.questions:
                for name, messages in form.errors.items():
                    key = name.removeprefix("question_").removesuffix("_remove")
                    errors[f"answers.{key}"] = [str(m) for m in messages]
        _refuse(errors)

    def create(self) -> tuple[Proposal, bool]:
        """(the proposal, whether it is new): a token sent again finds the one it made."""
        self.validate()
        try:
            with transaction.atomic():
                proposal = services.proposal_create(
                    event=self.event,
                    by=self.user,
                    values=self.form.values(),
                    submit=False,
                    token=self.body.creation_token,
                    access_code=self.code,
                )
                self.questions.save(proposal=proposal, speaker=self.user)
                if self.body.submit:
                    services.proposal_submit(proposal=proposal, by=self.user)
        except services.AlreadyCreated as exc:
            return exc.proposal, False
        except services.ActionRefused as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from None
        return proposal, True

    def update(self) -> Proposal:
        if not self.proposal.is_editable():
            raise ValidationError(
                {"non_field_errors": [_("This proposal can no longer be edited.")]}
            )
        self.validate()
        try:
            with transaction.atomic():
                proposal = services.proposal_update(
                    proposal=self.proposal, by=self.user, values=self.form.values(), submit=False
                )
                self.questions.save(proposal=proposal, speaker=self.user)
                if self.body.submit and proposal.state == ProposalState.DRAFT:
                    services.proposal_submit(proposal=proposal, by=self.user)
        except services.ActionRefused as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from None
        return proposal


class _QueryLike(dict):
    """Form data from JSON: a dict that answers `getlist` as a browser's QueryDict does."""

    def getlist(self, key, default=None):
        value = self.get(key, default if default is not None else [])
        return value if isinstance(value, list) else [value]


def submit(*, proposal: Proposal, by: User) -> Proposal:
    """The speaker's "Submit" button."""
    try:
        return services.proposal_submit(proposal=proposal, by=by)
    except services.ActionRefused as exc:
        raise ValidationError({"non_field_errors": [str(exc)]}) from None


def withdraw(*, proposal: Proposal, by: User) -> Proposal:
    """The speaker's "Withdraw": refused, as on the page, while a decision is not announced
    (it exists; which one it is, they learn from its email)."""
    if proposal.speaker_state != proposal.state:
        raise ValidationError(
            {
                "non_field_errors": [
                    _(
                        "This proposal can no longer be withdrawn; you will hear from the "
                        "organizers shortly."
                    )
                ]
            }
        )
    try:
        return services.proposal_withdraw(proposal=proposal, by=by)
    except services.ActionRefused as exc:
        raise ValidationError({"non_field_errors": [str(exc)]}) from None
