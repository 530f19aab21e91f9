"""The event's own questions: organizers add, order, limit and retire them, and see which
submitted proposals still lack a required answer."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cfp.admin import question_stats
from cfp.admin.base import EventChildInlineMixin, OrganizerScopedAdmin
from cfp.enums import CHOICE_KINDS, QuestionKind, QuestionTarget
from cfp.models.questions import ANSWER_MAX, FILE_TYPES, Question, QuestionOption
from cfp.questions import TEXT_MAX, missing_answers, questions_with_limits

TEXT_KINDS = (QuestionKind.TEXT, QuestionKind.LONG_TEXT)
DATE_KINDS = (QuestionKind.DATE, QuestionKind.DATETIME)
# Each limit, the kinds it applies to.
LIMITS = {
    "min_length": TEXT_KINDS,
    "max_length": TEXT_KINDS,
    "min_number": (QuestionKind.NUMBER,),
    "max_number": (QuestionKind.NUMBER,),
    "min_date": DATE_KINDS,
    "max_date": DATE_KINDS,
    "file_types": (QuestionKind.FILE,),
}


class OptionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.kind not in CHOICE_KINDS:
            return
        kept = [
            f
            for f in self.forms
            if f.cleaned_data.get("text") and not f.cleaned_data.get("DELETE", False)
        ]
        if not kept:
            raise ValidationError(_("A choice question needs at least one choice."))
        dropped = [
            f.instance.pk
            for f in self.forms
            if f.cleaned_data.get("DELETE", False) and f.instance.pk is not None
        ]
        chosen = QuestionOption.objects.filter(pk__in=dropped, answers__isnull=False).distinct()
        if chosen.exists():
            names = ", ".join(f"“{option.text}”" for option in chosen)
            raise ValidationError(
                _(
                    "%(choices)s cannot be deleted: speakers chose them, and their answers "
                    "would change. Rename a choice instead, or retire the question."
                )
                % {"choices": names}
            )


class QuestionOptionInline(EventChildInlineMixin, admin.StackedInline):
    # Stacked: each field has its own label (a tabular row has none for screen readers).
    model = QuestionOption
    formset = OptionFormSet
    fields = ["text", "position"]
    extra = 0
    verbose_name_plural = gettext_lazy("choices (for one choice and several choices)")

    def get_extra(self, request, obj=None, **kwargs):
        return 3 if obj is None else 0


class QuestionForm(forms.ModelForm):
    file_types = forms.MultipleChoiceField(
        label=gettext_lazy("Allowed file types"),
        choices=list(FILE_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("For file uploads; recognised by their content, not their name."),
    )

    class Meta:
        model = Question
        fields = [
            "event",
            "target",
            "kind",
            "question",
            "help_text",
            "required",
            "active",
            "position",
            "is_public",
            "is_identifying",
            "tracks",
            "submission_types",
            "min_length",
            "max_length",
            "min_number",
            "max_number",
            "min_date",
            "max_date",
            "file_types",
            "max_file_size",
            "files_visible_to_reviewers",
        ]
        widgets = {
            "tracks": forms.CheckboxSelectMultiple,
            "submission_types": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A question's own event only; a new one's list names each event.
            for name in ("tracks", "submission_types"):
                field = self.fields[name]
                field.queryset = field.queryset.filter(event_id=self.instance.event_id)
                field.label_from_instance = str

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or self.instance.kind
        target = data.get("target") or self.instance.target
        event = data.get("event") or (self.instance.event if self.instance.event_id else None)
        for name, kinds in LIMITS.items():
            if data.get(name) not in (None, "", []) and kind not in kinds:
                self.add_error(name, _("This limit does not apply to this kind of question."))
        for low, high in (
            ("min_length", "max_length"),
            ("min_number", "max_number"),
            ("min_date", "max_date"),
        ):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, _("The largest value must not be below the smallest."))
        longest = TEXT_MAX if kind == QuestionKind.TEXT else ANSWER_MAX
        if kind in TEXT_KINDS and (data.get("max_length") or 0) > longest:
            self.add_error(
                "max_length", _("At most %(limit)s characters are possible.") % {"limit": longest}
            )
        if kind == QuestionKind.FILE and target == QuestionTarget.REVIEWER:
            self.add_error("kind", _("Reviewers cannot upload files."))
        if target == QuestionTarget.REVIEWER:
            for name in ("is_public", "is_identifying"):
                if data.get(name):
                    self.add_error(name, _("Only proposal and speaker questions can be so."))
        if event is not None:
            for name in ("tracks", "submission_types"):
                if any(item.event_id != event.pk for item in data.get(name) or ()):
                    self.add_error(name, _("Choose only among this event's own."))
        if self.instance.pk and "kind" in self.changed_data and self._has_answers():
            self.add_error(
                "kind",
                _("This question has answers, so its kind cannot change. Add a new question."),
            )
        return data

    def _has_answers(self) -> bool:
        q = self.instance
        return q.answers.exists() or q.review_answers.exists()


class QuestionChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # The rows' own objects (the page's cached query), each with its count: four queries.
        questions = questions_with_limits(list(self.result_list))
        lacking = missing_answers(questions)
        for q in questions:
            q.missing_count = len(lacking[q.pk]) if q.pk in lacking else None


@admin.register(Question)
class QuestionAdmin(OrganizerScopedAdmin):
    form = QuestionForm
    inlines = [QuestionOptionInline]
    list_display = [
        "question",
        "event",
        "target",
        "kind",
        "required",
        "active",
        "position",
        "missing",
        "statistics",
    ]
    list_editable = ["position"]
    list_filter = [("event", admin.RelatedOnlyFieldListFilter), "target", "active"]
    list_select_related = ["event"]
    ordering = ["event", "position", "pk"]
    search_fields = ["question"]
    fieldsets = [
        (None, {"fields": ["event", "target", "kind", "question", "help_text"]}),
        (
            gettext_lazy("Asking"),
            {"fields": ["required", "active", "position", "is_public", "is_identifying"]},
        ),
        (
            gettext_lazy("Only for some tracks or submission types"),
            {"fields": ["tracks", "submission_types"]},
        ),
        (
            gettext_lazy("Limits (each for the kinds it names)"),
            {
                "fields": [
                    ("min_length", "max_length"),
                    ("min_number", "max_number"),
                    ("min_date", "max_date"),
                    "file_types",
                    "max_file_size",
                    "files_visible_to_reviewers",
                ]
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append((gettext_lazy("Answers"), {"fields": ["statistics"]}))
        if obj is not None and obj.required and obj.target != QuestionTarget.REVIEWER:
            fieldsets.insert(
                1, (gettext_lazy("Submitted proposals lacking an answer"), {"fields": ["lacking"]})
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        # A question stays with its event: its answers were given there.
        return ["event", "lacking", "statistics"] if obj is not None else ["lacking"]

    def get_urls(self):
        return [
            path(
                "<int:pk>/statistics/",
                self.admin_site.admin_view(question_stats.statistics_view),
                name="cfp_question_statistics",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("answers"))
    def statistics(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:cfp_question_statistics", args=[obj.pk]),
            _("Statistics"),
        )

    def get_inlines(self, request, obj):
        if obj is not None and obj.kind not in CHOICE_KINDS:
            return []
        return self.inlines

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "position" and field is not None:
            # The list's position boxes have no <label>: named for screen readers.
            field.widget.attrs["aria-label"] = _("Position")
        return field

    def get_changelist(self, request, **kwargs):
        return QuestionChangeList

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time: answers need their question
        return actions

    def has_delete_permission(self, request, obj=None):
        return self._is_organizer(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("tracks", "submission_types"):
            qs = db_field.related_model.objects.select_related("event")
            if not request.user.is_superuser:
                qs = qs.filter(event__in=self._events(request))
            kwargs["queryset"] = qs.order_by("event__name", "name")
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label_from_instance = lambda item: f"{item.event.name}: {item.name}"
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("lacking answers"))
    def missing(self, obj):
        count = getattr(obj, "missing_count", None)
        return "—" if count is None else count

    @admin.display(description=gettext_lazy("proposals"))
    def lacking(self, obj):
        questions_with_limits([obj])
        proposals = missing_answers([obj]).get(obj.pk, [])
        if not proposals:
            return _("None: every submitted proposal has an answer.")
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            (
                (reverse("admin:cfp_proposal_change", args=[p.pk]), p.title, p.get_state_display())
                for p in proposals
            ),
        )
        count = ngettext(
            "%(count)s submitted proposal lacks an answer:",
            "%(count)s submitted proposals lack an answer:",
            len(proposals),
        ) % {"count": len(proposals)}
        return format_html(
            '<p class="lacking-count">{}</p><ul class="lacking">{}</ul>', count, links
        )

    def get_object(self, request, object_id, from_field=None):
        # Another event's question does not exist for this organizer: a 404, not a hint.
        question = super().get_object(request, object_id, from_field)
        if question is None:
            raise Http404(_("No such question."))
        return question

    def delete_view(self, request, object_id, extra_context=None):
        question = self.get_object(request, object_id)
        if question is not None and self._has_answers(question):
            messages.error(
                request,
                _(
                    "“%(question)s” has answers, so it cannot be deleted: they would be lost. "
                    "Untick “asked” to retire it instead: its answers stay and it is no "
                    "longer asked."
                )
                % {"question": question.question},
            )
            return redirect("admin:cfp_question_change", question.pk)
        return super().delete_view(request, object_id, extra_context)

    @staticmethod
    def _has_answers(question: Question) -> bool:
        return question.answers.exists() or question.review_answers.exists()
