"""The questions an event asks beyond the built-in fields, and their answers.

A question asks each proposal, each speaker (once per event) or each reviewer (once per
review; the answers live in reviews.ReviewAnswer). Answers are stored as text (`value`, in
the form described by each kind in cfp.questions), as chosen options, or as a file kept in
the private storage: never under MEDIA_URL, served only by a view that checks who asks.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Q
from django.utils.crypto import get_random_string
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from cfp.enums import QuestionKind, QuestionTarget
from cfp.models.event import Event, SubmissionType, Track
from cfp.models.proposal import Proposal
from speakers.validators import validate_clean_text, validate_no_markup, validate_one_line_text

QUESTION_MAX = 300
HELP_TEXT_MAX = 500
OPTION_MAX = 200
ANSWER_MAX = 10000

# The file types an organizer can allow; cfp.questions recognises each by its content.
FILE_TYPES = {
    "pdf": _("PDF"),
    "png": _("PNG image"),
    "jpeg": _("JPEG image"),
    "gif": _("GIF image"),
    "webp": _("WebP image"),
    "txt": _("Plain text"),
}


class PrivateStorage(LazyObject):
    """settings.STORAGES["private"], looked up when first used (and again after the setting
    changes, as in tests), not when the model is defined."""

    def _setup(self):
        self._wrapped = storages["private"]


PRIVATE_STORAGE = PrivateStorage()


def _forget_private_storage(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        PRIVATE_STORAGE._wrapped = empty


setting_changed.connect(_forget_private_storage)


def private_storage():
    """Answer files: outside MEDIA_ROOT, so no web server serves them by address."""
    return PRIVATE_STORAGE


def answer_file_path(answer: "Answer", filename: str) -> str:
    # The stored name never carries the uploader's file name, and cannot be guessed.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    if extension not in FILE_TYPES and extension != "jpg":
        extension = "bin"
    return f"answers/{get_random_string(32)}.{extension}"


class QuestionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_target(self, target: str):
        return self.filter(target=target)

    def unanswered_for(self, proposal: Proposal) -> list["Question"]:
        """The active required questions that apply to the proposal's track and type and
        that it, or one of its speakers (a speaker question), has not answered yet."""
        questions = list(
            self.filter(
                event_id=proposal.event_id,
                active=True,
                required=True,
                target__in=(QuestionTarget.PROPOSAL, QuestionTarget.SPEAKER),
            ).prefetch_related("tracks", "submission_types")
        )
        if not questions:
            return []
        speaker_ids = set(proposal.speakers.values_list("pk", flat=True))
        answers = Answer.objects.filter(question__in=questions).filter(
            Q(proposal=proposal) | Q(speaker_id__in=speaker_ids)
        )
        answered, answered_by = set(), set()
        for question_id, speaker_id in answers.values_list("question_id", "speaker_id"):
            if speaker_id is None:
                answered.add(question_id)
            else:
                answered_by.add((question_id, speaker_id))
        missing = []
        for q in questions:
            tracks = {t.pk for t in q.tracks.all()}
            types = {t.pk for t in q.submission_types.all()}
            if (tracks and proposal.track_id not in tracks) or (
                types and proposal.submission_type_id not in types
            ):
                continue
            if q.target == QuestionTarget.PROPOSAL:
                lacking = q.pk not in answered
            else:
                lacking = any((q.pk, uid) not in answered_by for uid in speaker_ids)
            if lacking:
                missing.append(q)
        return missing


class Question(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    target = models.CharField(
        _("asked of"),
        max_length=20,
        choices=QuestionTarget.choices,
        default=QuestionTarget.PROPOSAL,
        help_text=_(
            "Proposal: once per proposal. Speaker: once per speaker and event. Reviewer: "
            "once per review."
        ),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=QuestionKind.choices,
        default=QuestionKind.TEXT,
        help_text=_("A question that has answers cannot change its kind."),
    )
    question = models.CharField(
        _("question"),
        max_length=QUESTION_MAX,
        validators=[validate_one_line_text, validate_no_markup],
    )
    help_text = models.CharField(
        _("help text"),
        max_length=HELP_TEXT_MAX,
        blank=True,
        validators=[validate_one_line_text],
        help_text=_("Shown under the field."),
    )
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(
        _("asked"),
        default=True,
        help_text=_("Untick to retire the question: its answers stay, it is no longer asked."),
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Shown on the talk or speaker page once the talk is in the published schedule."
        ),
    )
    is_identifying = models.BooleanField(
        _("identifying"),
        default=False,
        help_text=_("Hidden from reviewers in blind review, like the speakers' names."),
    )
    tracks = models.ManyToManyField(
        Track,
        verbose_name=_("only for these tracks"),
        blank=True,
        related_name="questions",
        help_text=_("Empty: every track."),
    )
    submission_types = models.ManyToManyField(
        SubmissionType,
        verbose_name=_("only for these submission types"),
        blank=True,
        related_name="questions",
        help_text=_("Empty: every submission type."),
    )
    # Limits; each applies to the kinds it names.
    min_length = models.PositiveIntegerField(
        _("shortest answer (characters)"), null=True, blank=True
    )
    max_length = models.PositiveIntegerField(
        _("longest answer (characters)"), null=True, blank=True
    )
    min_number = models.DecimalField(
        _("smallest number"), max_digits=15, decimal_places=4, null=True, blank=True
    )
    max_number = models.DecimalField(
        _("largest number"), max_digits=15, decimal_places=4, null=True, blank=True
    )
    min_date = models.DateField(_("earliest date"), null=True, blank=True)
    max_date = models.DateField(_("latest date"), null=True, blank=True)
    file_types = models.JSONField(
        _("allowed file types"), default=list, blank=True, help_text=_("For file uploads.")
    )
    max_file_size = models.PositiveIntegerField(
        _("largest file (MB)"), default=10, help_text=_("For file uploads.")
    )
    files_visible_to_reviewers = models.BooleanField(
        _("reviewers may open the files"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["event", "target", "active"])]

    def __str__(self) -> str:
        return self.question


class QuestionOption(models.Model):
    """One of the choices of a choice question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(
        _("choice"), max_length=OPTION_MAX, validators=[validate_one_line_text, validate_no_markup]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.text


class Answer(models.Model):
    """The answer of a proposal (or of a speaker, for the event) to a question."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="answers", null=True, blank=True
    )
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="question_answers",
        null=True,
        blank=True,
    )
    value = models.TextField(blank=True, max_length=ANSWER_MAX, validators=[validate_clean_text])
    options = models.ManyToManyField(QuestionOption, blank=True, related_name="answers")
    file = models.FileField(
        upload_to=answer_file_path, storage=private_storage, blank=True, max_length=200
    )
    file_name = models.CharField(
        max_length=200, blank=True, help_text=_("The name the file had on the speaker's side.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__isnull=False, speaker__isnull=True)
                | Q(proposal__isnull=True, speaker__isnull=False),
                name="answer_of_a_proposal_or_a_speaker",
            ),
            models.UniqueConstraint(
                fields=["question", "proposal"],
                condition=Q(proposal__isnull=False),
                name="answer_unique_per_proposal",
            ),
            models.UniqueConstraint(
                fields=["question", "speaker"],
                condition=Q(speaker__isnull=False),
                name="answer_unique_per_speaker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value or self.file_name}"
