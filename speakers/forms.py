import secrets
from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from speakers.fields import MultilineTextField
from speakers.images import reencode_photo
from speakers.models import ApiToken, ApiTokenScope, SpeakerProfile
from speakers.tokens import (
    AlreadyMade,
    TokenExpiry,
    TokenRefused,
    latest_expiry_date,
    token_create_limited,
    token_expires_at,
)
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


class ApiTokenForm(forms.ModelForm):
    """A new personal API token: its name, scope and expiry (speakers.tokens). The same form
    on the public site (crispy, Bootstrap) and in the staff panel (drawn by its template)."""

    expiry = forms.ChoiceField(
        label=_("Expires"),
        choices=TokenExpiry.choices,
        initial=TokenExpiry.DAYS_90,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose when the token expires."),
            "invalid_choice": _("Choose one of the expiry options."),
        },
    )
    expires_on = forms.DateField(
        label=_("Expiry date"),
        required=False,
        help_text=_("With “On a date”: the token works until the end of that day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Give the date as year-month-day, e.g. 2027-03-31.")},
    )

    # A number the page was drawn with: the same form sent again (a reload of the page that
    # shows the secret, a double click) makes no second token (speakers.tokens).
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = ApiToken
        fields = ["name", "scope"]
        widgets = {"scope": forms.RadioSelect}
        error_messages = {
            "name": {"required": _("Please give the token a name.")},
            "scope": {
                "required": _("Choose what the token may do."),
                "invalid_choice": _("Choose read, or read and write."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = ApiTokenScope.choices  # no empty choice
        self.fields["once"].initial = secrets.token_urlsafe(16)
        self.fields["scope"].help_text = _(
            "Read: the token can look, never change. Read and write: it can also change what "
            "your account may change (your proposals, or what you organize)."
        )
        self.fields["expires_on"].widget.attrs.update(
            min=(timezone.localdate() + timedelta(days=1)).isoformat(),
            max=latest_expiry_date().isoformat(),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's <form> has its own
        self.helper.add_input(Submit("create", _("Make the token")))

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Please give the token a name."), code="required")
        return name

    def clean(self):
        data = super().clean()
        expiry, on = data.get("expiry"), data.get("expires_on")
        if expiry == TokenExpiry.ON_DATE:
            if on is None:
                if "expires_on" not in self.errors:
                    self.add_error("expires_on", _("Give the date the token expires."))
            elif on <= timezone.localdate():
                self.add_error("expires_on", _("Choose a date after today."))
            elif on > latest_expiry_date():
                self.add_error(
                    "expires_on",
                    _("A token may last at most three years: choose %(date)s or earlier.")
                    % {"date": latest_expiry_date().isoformat()},
                )
        elif on is not None and expiry:
            self.add_error(
                "expires_on",
                _("To expire on this date, choose “On a date”; or clear the date."),
            )
        return data

    def expires_at(self):
        """When the token stops working (None: never), from the valid form."""
        return token_expires_at(self.cleaned_data["expiry"], self.cleaned_data.get("expires_on"))

    def make(self, request) -> tuple[ApiToken, str] | None:
        """Make the token this valid form asks for: (the token, its secret), or None with
        the refusal added as the form's error. A form sent before raises AlreadyMade."""
        try:
            return token_create_limited(
                request,
                name=self.cleaned_data["name"],
                scope=self.cleaned_data["scope"],
                expires_at=self.expires_at(),
                once=self.cleaned_data["once"],
            )
        except AlreadyMade:
            raise
        except TokenRefused as refused:
            self.add_error(None, str(refused))
            return None
