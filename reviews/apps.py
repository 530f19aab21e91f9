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
        # Likewise every state change of a proposal is recorded as a transition (cfp's
        # Proposal._change_state): the stored review tallies follow one leaving review.
        from cfp.models import ProposalTransition

        post_save.connect(
            transition_saved, sender=ProposalTransition, dispatch_uid="reviews.transition_tallies"
        )
        # ... and a proposal under review moved to another track changes the figures per track.
        from cfp.models import Proposal

        post_save.connect(
            proposal_saved, sender=Proposal, dispatch_uid="reviews.proposal_track_tallies"
        )
        # The reviewers' group of cfp's email to groups.
        from reviews import mail_groups

        mail_groups.register()
        # Whether a request's user is on any reviewer team, read with the user (the staff
        # panel's navigation asks it on every page: reviews.admin.reviewer).
        from speakers.backends import register_user_flag

        register_user_flag("reviews_some_event", reviews_some_event)
        # The reviewers' role in an event, which cfp's event-scoped API endpoints ask.
        from cfp.api.roles import register_event_role
        from reviews.api.reviews import REVIEWER, is_event_reviewer

        register_event_role(REVIEWER, is_event_reviewer)


def reviews_some_event():
    from django.db.models import Exists, OuterRef

    from reviews.models import ReviewerTeam

    return Exists(ReviewerTeam.members.through.objects.filter(user_id=OuterRef("pk")))


def event_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """A new event gets its review defaults (its settings row, the "Overall" criterion)."""
    if created and not raw:  # raw: loaddata brings the event's rows itself
        from reviews import services

        services.review_defaults_create(event=instance)


def transition_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from reviews import services

        services.proposal_moved(
            proposal=instance.proposal, from_state=instance.from_state, to_state=instance.to_state
        )


def proposal_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """A proposal read from the database and saved with another track (the organizer's form,
    the speaker's edit): its reviews count for the new track from the next refresh."""
    loaded = instance.__dict__.get("loaded_track_id", instance.track_id)
    if created or raw or loaded == instance.track_id:
        return
    instance.loaded_track_id = instance.track_id
    from reviews import services

    services.proposal_track_changed(proposal=instance)
