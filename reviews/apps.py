from django.apps import AppConfig
from django.db.models.signals import post_save


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Review"

    def ready(self) -> None:
        # Events are cfp's, which never imports reviews: events are made in the admin, the
        # seed commands and tests alike, and this is the one place that sees them all.
        from cfp.models import Event

        post_save.connect(event_saved, sender=Event, dispatch_uid="reviews.event_defaults")
        # The reviewers' group of cfp's email to groups.
        from reviews import mail_groups

        mail_groups.register()


def event_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """A new event gets its review defaults (its settings row, the "Overall" criterion)."""
    if created and not raw:  # raw: loaddata brings the event's rows itself
        from reviews import services

        services.review_defaults_create(event=instance)
