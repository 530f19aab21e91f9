"""Forms of email in the staff panel: an event's text for one kind, and a draft message."""

from django import forms
from django.core.exceptions import ValidationError

from cfp.enums import MessageKind, MessageState
from cfp.mail import texts
from cfp.models import EmailTemplate, Message
from speakers.fields import MultilineTextField
from speakers.validators import validate_clean_text

# The kinds an event may word itself; account email is django-allauth's.
TEMPLATE_KINDS = [(k.value, k.label) for k in MessageKind if k in texts.PLACEHOLDERS]


def placeholder_list(kind: str) -> str:
    return ", ".join("{" + name + "}" for name in sorted(texts.PLACEHOLDERS[kind]))


def one_line(value: str) -> str:
    return " ".join(value.split())


class EmailTemplateForm(forms.ModelForm):
    kind = forms.ChoiceField(choices=TEMPLATE_KINDS)
    subject = forms.CharField(
        max_length=300, validators=[validate_clean_text], widget=forms.TextInput(attrs={"size": 80})
    )
    body = MultilineTextField(
        label="Text",
        max_length=20000,
        validators=[validate_clean_text],
        widget=forms.Textarea(attrs={"rows": 16, "cols": 80}),
    )

    class Meta:
        model = EmailTemplate
        fields = ["event", "kind", "subject", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.instance.kind or self.data.get("kind") or self.initial.get("kind")
        if "body" in self.fields:
            if kind in texts.PLACEHOLDERS:
                usable = f"Placeholders you can use: {placeholder_list(kind)}."
            else:
                usable = "Placeholders depend on the kind: " + "; ".join(
                    f"{label}: {placeholder_list(value)}" for value, label in TEMPLATE_KINDS
                )
            self.fields["body"].help_text = (
                f"Plain text; links stay as they are. {usable} "
                "Each is replaced by its value when an email is made."
            )

    def clean_subject(self) -> str:
        return one_line(self.cleaned_data["subject"])

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind") or self.instance.kind
        if kind not in texts.PLACEHOLDERS:
            return cleaned
        for name in ("subject", "body"):
            if cleaned.get(name):
                try:
                    texts.validate(cleaned[name], kind)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class DraftForm(forms.ModelForm):
    """A draft's subject and text; what it becomes once sent is no longer an organizer's."""

    subject = forms.CharField(
        max_length=998, validators=[validate_clean_text], widget=forms.TextInput(attrs={"size": 80})
    )
    body = MultilineTextField(
        label="Text",
        validators=[validate_clean_text],
        widget=forms.Textarea(attrs={"rows": 16, "cols": 80}),
        help_text="Plain text; the HTML version is made from it.",
    )

    class Meta:
        model = Message
        fields = ["subject", "body"]

    def clean_subject(self) -> str:
        return one_line(self.cleaned_data["subject"])

    def clean(self):
        cleaned = super().clean()
        if (
            self.instance.pk
            and not Message.objects.filter(pk=self.instance.pk, state=MessageState.DRAFT).exists()
        ):
            raise ValidationError(
                "This message is no longer a draft (it was sent or discarded); "
                "it cannot be changed.",
                code="not_draft",
            )
        return cleaned
