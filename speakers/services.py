from django.db import transaction

from speakers.models import SpeakerProfile, User


def profile_for(user: User) -> SpeakerProfile:
    """The user's speaker profile, created empty on first use."""
    profile, _ = SpeakerProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(*, form) -> SpeakerProfile:
    old_photo = form.initial.get("photo")
    profile = form.save()
    if old_photo and old_photo != profile.photo:
        # Remove the replaced file only once the new profile row is committed.
        name, storage = old_photo.name, old_photo.storage
        transaction.on_commit(lambda: storage.delete(name))
    return profile
