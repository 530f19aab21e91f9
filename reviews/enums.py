from django.db import models


class QueueMode(models.TextChoices):
    ASSIGNED = "assigned", "Assigned proposals only"
    TRACKS = "tracks", "Every proposal in the reviewer's team tracks"


class ConflictSource(models.TextChoices):
    DECLARED = "declared", "Declared by the reviewer"
    ORGANIZER = "organizer", "Added by an organizer"
    SUGGESTED = "suggested", "Suggested by Lectern, confirmed by an organizer"
