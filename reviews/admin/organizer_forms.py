"""Forms of the organizers' review pages: teams, conflicts, assignments, automatic assignment."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from reviews import services
from reviews.models import Assignment, Conflict, ReviewerTeam
from speakers.models import User


def person(user: User) -> str:
    """A name and an address, or the address alone: how organizers tell people apart."""
    name = user.display_name
    return user.email if name == user.email else f"{name} <{user.email}>"


class ReviewerTeamForm(forms.ModelForm):
    add_by_email = forms.CharField(
        label="Add members by email",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="One address per line, of people who have an account (they sign up first). "
        "Members become staff users, with no rights but reviewing.",
    )

    class Meta:
        model = ReviewerTeam
        fields = ["event", "name", "members", "tracks"]

    def clean_add_by_email(self) -> list[User]:
        emails = [e.lower() for e in re.split(r"[\s,;]+", self.cleaned_data["add_by_email"]) if e]
        found = {
            u.email.lower(): u
            for u in User.objects.annotate(address=Lower("email")).filter(address__in=emails)
        }
        missing = [e for e in emails if e not in found]
        if missing:
            raise ValidationError(
                f"No account has the address {missing[0]}: ask them to sign up, then add them."
            )
        return list(found.values())

    def clean(self):
        cleaned = super().clean()
        event = cleaned.get("event") or getattr(self.instance, "event", None)
        tracks = cleaned.get("tracks") or []
        foreign = [t for t in tracks if event is not None and t.event_id != event.pk]
        if foreign:
            self.add_error("tracks", f"“{foreign[0]}” is a track of another event.")
        return cleaned


class ConflictForm(forms.ModelForm):
    class Meta:
        model = Conflict
        fields = ["proposal", "reviewer", "reason"]

    def clean(self):
        cleaned = super().clean()
        proposal, reviewer = cleaned.get("proposal"), cleaned.get("reviewer")
        if proposal and reviewer and not self._in_team(proposal, reviewer):
            self.add_error(
                "reviewer", f"{person(reviewer)} reviews for no team of {proposal.event}."
            )
        return cleaned

    @staticmethod
    def _in_team(proposal, reviewer) -> bool:
        return ReviewerTeam.objects.filter(event=proposal.event_id, members=reviewer).exists()


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["proposal", "reviewer"]

    def clean(self):
        cleaned = super().clean()
        proposal, reviewer = cleaned.get("proposal"), cleaned.get("reviewer")
        if proposal and reviewer:
            try:
                services.assignment_check(proposal=proposal, reviewer=reviewer)
            except services.ReviewRefused as exc:
                self.add_error("reviewer", str(exc))
        return cleaned


class AssignmentRunForm(forms.Form):
    k = forms.IntegerField(
        label="Reviewers per proposal",
        min_value=1,
        max_value=50,
        help_text="For this run. The event's review settings hold the default.",
    )
