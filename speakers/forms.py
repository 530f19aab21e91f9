from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from speakers.fields import MultilineTextField
from speakers.images import reencode_photo
from speakers.models import SpeakerProfile
from speakers.validators import validate_clean_text

MAX_LINKS = 10


class ProfileForm(forms.ModelForm):
    class Meta:
        model = SpeakerProfile
        fields = ["name", "affiliation", "biography", "photo", "links"]
        field_classes = {"biography": MultilineTextField, "links": MultilineTextField}
        widgets = {
            "biography": forms.Textarea(attrs={"rows": 8}),
            "links": forms.Textarea(attrs={"rows": 3}),
            "photo": forms.ClearableFileInput(
                attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["biography"].required = True
        self.helper = FormHelper()
        self.helper.form_enctype = "multipart/form-data"
        self.helper.add_input(Submit("save", "Save profile"))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Please tell us your name.")
        return name

    def clean_biography(self) -> str:
        biography = self.cleaned_data["biography"].strip()
        if not biography:
            raise ValidationError("Please write a short biography.")
        return biography

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        # Unchanged (an existing FieldFile) or cleared (False): nothing to re-encode.
        if not photo or not hasattr(photo, "content_type"):
            return photo
        return reencode_photo(photo)

    def clean_links(self) -> str:
        # The model field has no text validators: URLValidator lets controls and U+FFFD pass.
        validate_clean_text(self.cleaned_data["links"])
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise ValidationError(f"Please give at most {MAX_LINKS} links.")
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                validate(line)
            except ValidationError:
                raise ValidationError(
                    f"“{line[:80]}” is not a web address (it should start with https://)."
                ) from None
        return "\n".join(lines)
