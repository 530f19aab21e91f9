from django.apps import AppConfig


class CfpConfig(AppConfig):
    name = "cfp"
    verbose_name = "Call for papers"

    def ready(self) -> None:
        # Whether a request's user organizes any event, read with the user (cfp.rules).
        from speakers.backends import register_user_flag

        register_user_flag("organizes_some_event", organizes_some_event)


def organizes_some_event():
    from django.db.models import Exists, OuterRef

    from cfp.models import Event

    return Exists(Event.organizers.through.objects.filter(user_id=OuterRef("pk")))
