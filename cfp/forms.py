from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout, Submit
from django import forms
from django.urls import reverse

from cfp.models import Event, Proposal
from speakers.fields import MultilineTextField

# Fields a submission needs; a draft needs only a title.
REQUIRED_TO_SUBMIT = ("submission_type", "experience_level", "abstract")


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

    def __init__(self, *args, event: Event, submitting: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.submitting = submitting
        self.fields["submission_type"].queryset = event.submission_types.all()
        self.fields["submission_type"].empty_label = "Choose a submission type"
        self.fields["submission_type"].label_from_instance = lambda t: (
            f"{t.name} ({t.default_duration} min)"
        )
        tracks = event.tracks.all()
        self.fields["track"].queryset = tracks
        self.fields["track"].empty_label = "Choose a category"
        self.fields["experience_level"].choices = [
            ("", "Choose a level"),
            *self.fields["experience_level"].choices[1:],
        ]
        # Marked required for the browser and the label; enforced only when submitting.
        required = list(REQUIRED_TO_SUBMIT)
        if self.fields["track"].queryset.exists():
            required.append("track")
        else:
            del self.fields["track"]
        for name in required:
            self.fields[name].required = submitting
            self.fields[name].widget.attrs["data-required-to-submit"] = "1"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("title"),
            Div(
                Div("submission_type", css_class="col-md-4"),
                *([Div("track", css_class="col-md-4")] if "track" in self.fields else []),
                Div("experience_level", css_class="col-md-4"),
                css_class="row",
            ),
            Field(
                "abstract",
                css_class="js-markdown",
                **{
                    "hx-post": reverse("cfp:markdown_preview"),
                    "hx-trigger": "keyup changed delay:600ms, load",
                    "hx-target": "#abstract-preview",
                },
            ),
            HTML(
                '<div class="card mb-3"><div class="card-header small text-body-secondary">'
                "Preview of the abstract</div>"
                '<div class="card-body markdown" id="abstract-preview" aria-live="polite">'
                '<span class="text-body-secondary">Start typing to see the preview.</span>'
                "</div></div>"
            ),
            Field("audience"),
            Field("benefits"),
            Field("technical_requirements"),
            Field("notes"),
        )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Please give your proposal a title.")
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
