from uuid import uuid4

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from cfp.access import offered_tracks, offered_types
from cfp.fields import PROPOSAL_FIELDS, event_fields
from cfp.models import AccessCode, Event, Proposal
from speakers.fields import MultilineTextField


def _grouped(number: int) -> str:
    return number_format(number, force_grouping=True)


class LengthLimit(MaxLengthValidator):
    """A length limit whose message names the limit and the length, as the counter shows them."""

    def __call__(self, value) -> None:
        length = len(value)
        if length > self.limit_value:
            raise ValidationError(
                _(
                    "This text has %(length)s characters; at most %(limit)s are allowed. "
                    "Please shorten it by %(over)s."
                ),
                code="max_length",
                params={
                    "length": _grouped(length),
                    "limit": _grouped(self.limit_value),
                    "over": _grouped(length - self.limit_value),
                },
            )


def count_characters_live(field: forms.CharField) -> None:
    """Show a live counter under the field (static/js/lectern.js) instead of letting the
    browser cut a paste at `maxlength` without a word; the server refuses what is too long."""
    if field.max_length is None:
        return
    field.validators = [
        LengthLimit(v.limit_value) if isinstance(v, MaxLengthValidator) else v
        for v in field.validators
    ]
    attrs = field.widget.attrs
    attrs.pop("maxlength", None)
    attrs["data-max-length"] = field.max_length
    attrs["data-limit-near"] = _("{left} of {max} characters left.")
    attrs["data-limit-reached"] = _("You have reached the limit of {max} characters.")
    attrs["data-limit-over"] = _(
        "{over} characters over the limit of {max}: please shorten the text before you save."
    )


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = [
            "title",
            "submission_type",
            "track",
            "experience_level",
            "abstract",
            "audience",
            "benefits",
            "technical_requirements",
            "notes",
        ]
        field_classes = dict.fromkeys(
            ("abstract", "audience", "benefits", "technical_requirements", "notes"),
            MultilineTextField,
        )
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 8}),
            "audience": forms.Textarea(attrs={"rows": 4}),
            "benefits": forms.Textarea(attrs={"rows": 4}),
            "technical_requirements": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    # Only on a new proposal's form: see cfp.services.proposal_create.
    creation_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def values(self) -> dict:
        """The cleaned values of the proposal's fields this form shows, for the services."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}

    def __init__(
        self,
        *args,
        event: Event,
        submitting: bool = True,
        read_only: bool = False,
        access_code: AccessCode | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.event = event
        self.submitting = submitting
        if self.instance.pk is None:
            self.fields["creation_token"].initial = self.initial.get("creation_token", uuid4)
        else:
            del self.fields["creation_token"]
            access_code = access_code or self.instance.access_code
        self._limit_abstract(event.cfp.abstract_min_length, event.cfp.abstract_max_length)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                count_characters_live(field)
        config = event_fields(event)
        # A proposal's own track and type stay choosable, whatever opened them.
        self.fields["submission_type"].queryset = offered_types(
            event, access_code, self.instance.submission_type_id
        )
        self.fields["submission_type"].empty_label = _("Choose a submission type")
        self.fields["submission_type"].label_from_instance = lambda t: (
            f"{t.name} ({t.default_duration} min)"
        )
        self.fields["track"].queryset = offered_tracks(event, access_code, self.instance.track_id)
        self.fields["track"].empty_label = _("Choose a track")
        self.fields["experience_level"].choices = [
            ("", _("Choose a level")),
            *self.fields["experience_level"].choices[1:],
        ]
        if not self.fields["track"].queryset.exists():
            del self.fields["track"]
        # Marked required for the browser and the label; enforced only when submitting.
        required = ["abstract"]
        for name in PROPOSAL_FIELDS:
            if name not in self.fields:
                continue
            field, asked = self.fields[name], config[name]
            if not asked.asked:
                del self.fields[name]
                continue
            field.label, field.help_text = asked.label, asked.help_text
            if asked.required:
                required.append(name)
            else:
                field.required = False
        for name in required:
            self.fields[name].required = submitting
            self.fields[name].widget.attrs["data-required-to-submit"] = "1"
        if read_only:
            self._make_read_only()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *(["creation_token"] if "creation_token" in self.fields else []),
            Field("title"),
            Div(
                *(
                    Div(name, css_class="col-md-4")
                    for name in ("submission_type", "track", "experience_level")
                    if name in self.fields
                ),
                css_class="row",
            ),
            Field(
                "abstract",
                css_class="js-markdown",
                **{
                    "hx-post": reverse("cfp:markdown_preview"),
                    # `input`, not a key: a paste with the mouse, autofill and dictation
                    # change the text without one. `load`: text that is already there.
                    "hx-trigger": "input changed delay:600ms, load",
                    "hx-target": "#abstract-preview",
                },
            ),
            HTML(
                format_html(
                    '<div class="card mb-3"><div class="card-header small text-body-secondary">'
                    "{}</div>"
                    '<div class="card-body markdown" id="abstract-preview" aria-live="polite">'
                    '<span class="text-body-secondary">{}</span></div></div>',
                    _("Preview of the abstract"),
                    _("Start typing to see the preview."),
                )
            ),
            *(
                Field(name)
                for name in ("audience", "benefits", "technical_requirements", "notes")
                if name in self.fields
            ),
        )

    def _make_read_only(self) -> None:
        """The form as a record once editing has ended (the views save nothing then): the
        text can still be selected and copied, so text areas are read-only, not disabled."""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs["disabled"] = True
            else:
                widget.attrs["readonly"] = True

    def _limit_abstract(self, shortest: int, longest: int) -> None:
        """The event's limits: the live counter and the messages name them."""
        abstract = self.fields["abstract"]
        abstract.max_length = longest
        abstract.validators = [
            *(
                v
                for v in abstract.validators
                if not isinstance(v, MaxLengthValidator | MinLengthValidator)
            ),
            MaxLengthValidator(longest),
        ]
        if shortest:
            abstract.widget.attrs["data-min-length"] = shortest
            abstract.help_text = format_html(
                "{} {}",
                abstract.help_text,
                _("At least %(shortest)s and at most %(longest)s characters.")
                % {"shortest": _grouped(shortest), "longest": _grouped(longest)},
            )

    def clean_abstract(self) -> str:
        abstract = self.cleaned_data["abstract"]
        shortest = self.event.cfp.abstract_min_length
        length = len(abstract.strip())
        # A draft may be short; a submission (or a submitted proposal) may not.
        if self.submitting and length and length < shortest:
            raise ValidationError(
                _(
                    "This abstract has %(length)s characters; at least %(shortest)s are "
                    "needed. Please add %(more)s."
                ),
                code="min_length",
                params={
                    "length": _grouped(length),
                    "shortest": _grouped(shortest),
                    "more": _grouped(shortest - length),
                },
            )
        return abstract

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Please give your proposal a title."))
        return title


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Co-speaker's email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"placeholder": "name@example.com"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_show_labels = True
        invite = Submit("invite", "Send invitation")
        # Replace crispy's "btn btn-primary" rather than add to it: both together paint the
        # label in the background's blue, and the button looks empty.
        invite.field_classes = "btn btn-outline-primary"
        self.helper.add_input(invite)


class MarkdownPreviewForm(forms.Form):
    abstract = forms.CharField(max_length=20000, required=False)


class SlidesForm(forms.Form):
    """The speakers' slides of an accepted talk: a PDF, a link, or both."""

    slides = forms.FileField(
        label="Slides (PDF)",
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text="A new file replaces the current one.",
    )
    slides_url = forms.URLField(
        label="Link to the slides",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="Instead of a PDF, or as well: where the slides are online. Empty: no link.",
    )

    def clean_slides(self):
        from cfp.slides import validate_slides_pdf  # local: only this form needs pypdf

        upload = self.cleaned_data.get("slides")
        if upload:
            validate_slides_pdf(upload)
        return upload

    def clean_slides_url(self) -> str:
        from cfp.slides import validate_slides_link  # local: only this form needs pypdf

        url = self.cleaned_data.get("slides_url", "").strip()
        if url:
            validate_slides_link(url)
        return url
