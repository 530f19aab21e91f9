"""The form of an email to a group: who gets it (a group, or a hand-picked selection), and its
subject and text, checked like the event's email texts."""

from uuid import uuid4

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cfp.admin.mail_forms import one_line
from cfp.mail import groups, texts
from cfp.models import Event
from speakers.fields import MultilineTextField
from speakers.validators import validate_clean_text


def placeholders(group: groups.Group) -> str:
    return ", ".join("{" + name + "}" for name in sorted(group.placeholders))


def proposal_ids(value: str) -> tuple[int, ...]:
    """ "12,15,20" → (12, 15, 20); anything else is refused."""
    parts = [part for part in value.split(",") if part.strip()]
    if not all(part.strip().isdigit() for part in parts):
        raise ValidationError(_("The selection of proposals is not readable; select them again."))
    return tuple(dict.fromkeys(int(part) for part in parts))


class GroupEmailForm(forms.Form):
    group = forms.ChoiceField(label=_lazy("Write to"), widget=forms.RadioSelect)
    state = forms.ChoiceField(
        label=_lazy("In the state"),
        required=False,
        choices=[("", _lazy("any state"))] + groups.STATES,
        help_text=_lazy(
            "As the speakers know it: a decision whose email is still a draft counts as submitted."
        ),
    )
    track = forms.ModelChoiceField(
        label=_lazy("In the track"), required=False, queryset=None, empty_label=_lazy("any")
    )
    tag = forms.ModelChoiceField(
        label=_lazy("With the tag"), required=False, queryset=None, empty_label=_lazy("any")
    )
    proposals = forms.CharField(required=False, widget=forms.HiddenInput)
    subject = forms.CharField(
        label=_lazy("Subject"),
        max_length=300,
        validators=[validate_clean_text],
        widget=forms.TextInput(attrs={"size": 80}),
    )
    body = MultilineTextField(
        label=_lazy("Text"),
        max_length=20000,
        validators=[validate_clean_text],
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80}),
        help_text=_lazy("Plain text; links stay as they are. The HTML version is made from it."),
    )
    token = forms.UUIDField(widget=forms.HiddenInput)
    # The recipient whose email the preview shows (the key of a groups.Recipient); the
    # preview's own <select> posts it.
    recipient = forms.CharField(required=False)

    def __init__(self, *args, event: Event, selected: tuple[int, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.selected_mode = bool(selected) or bool(self.data.get("proposals"))
        if not self.is_bound:
            self.initial.setdefault("token", uuid4())
            if selected:
                self.initial["proposals"] = ",".join(str(pk) for pk in selected)
                self.initial["group"] = groups.SELECTED
        if self.selected_mode:
            self.offered = [groups.GROUPS[groups.SELECTED]]
        else:
            self.offered = [g for g in groups.groups() if g.offered]
        self.fields["group"].choices = [(g.key, g.label) for g in self.offered]
        if self.selected_mode:
            self.fields["group"].widget = forms.HiddenInput()
            self.fields["group"].initial = groups.SELECTED
        self.fields["track"].queryset = event.tracks.all()
        self.fields["tag"].queryset = event.tags.all()
        for name in ("track", "tag"):  # an event without tracks or tags is not asked
            if self.selected_mode or not self.fields[name].queryset.exists():
                del self.fields[name]

    def filter_fields(self) -> list:
        """The filters of "speakers of proposals" that this event has."""
        return [self[name] for name in ("state", "track", "tag") if name in self.fields]

    def clean_subject(self) -> str:
        return one_line(self.cleaned_data["subject"])

    def clean_proposals(self) -> tuple[int, ...]:
        return proposal_ids(self.cleaned_data["proposals"])

    def clean(self):
        cleaned = super().clean()
        group = groups.GROUPS.get(cleaned.get("group", ""))
        if group is None:
            return cleaned
        if group.key == groups.SELECTED and "proposals" in cleaned:
            refusal = groups.selection_refusal(self.event, cleaned["proposals"])
            if refusal:
                raise ValidationError(refusal, code="selection")
        for name in ("subject", "body"):
            if cleaned.get(name):
                try:
                    texts.validate_placeholders(cleaned[name], group.placeholders)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def selection(self) -> groups.Selection:
        data = self.cleaned_data
        if data["group"] == groups.SELECTED:
            return groups.Selection(groups.SELECTED, proposal_ids=data["proposals"])
        if data["group"] != groups.SPEAKERS:
            return groups.Selection(data["group"])
        return groups.Selection(
            groups.SPEAKERS, state=data["state"], track=data.get("track"), tag=data.get("tag")
        )

    def placeholder_help(self) -> list[tuple[str, str]]:
        """The placeholders of the offered groups: one line for speakers, one for reviewers."""
        by_set: dict[frozenset, list[groups.Group]] = {}
        for group in self.offered:
            by_set.setdefault(group.placeholders, []).append(group)
        return [
            (
                _("To speakers")
                if names == groups.SPEAKER_PLACEHOLDERS
                else ", ".join(str(g.label) for g in members),
                placeholders(members[0]),
            )
            for names, members in by_set.items()
        ]
