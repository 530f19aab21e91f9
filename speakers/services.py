"""Writes of the speakers app. They take values that are already valid (a form's or a
serializer's cleaned data), never a form."""

from collections.abc import Mapping

from django.db import transaction

from config.values import assign
from speakers.models import SpeakerProfile, User

PROFILE_FIELDS = frozenset({"name", "affiliation", "biography", "photo", "links"})


def profile_for(user: User) -> SpeakerProfile:
    """The user's speaker profile; an empty, unsaved one until they first save it."""
    profile = SpeakerProfile.objects.filter(user=user).first()
    return profile if profile is not None else SpeakerProfile(user=user)


@transaction.atomic
def profile_update(*, user: User, values: Mapping[str, object]) -> SpeakerProfile:
    """Write these values on the user's profile (created on first save).

    `photo` takes what a form's file field cleans to: a new upload, False to remove it, None
    to keep it. A replaced or removed photo's file goes once the new row is committed.
    """
    profile = SpeakerProfile.objects.select_for_update().filter(user=user).first()
    profile = profile if profile is not None else SpeakerProfile(user=user)
    old_photo = profile.photo.name if profile.photo else ""
    old_storage = profile.photo.storage
    assign(profile, values, PROFILE_FIELDS)
    profile.save()
    if old_photo and old_photo != profile.photo.name:
        transaction.on_commit(lambda: old_storage.delete(old_photo))
    return profile
