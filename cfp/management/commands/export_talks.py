"""`manage.py export_talks --event SLUG --format csv|json|ical|xml`: a file on standard output.

csv and json are the organizers' exports of the accepted and confirmed talks, byte for byte
what the staff panel downloads (CSV with its byte-order mark); ical and xml are the public
schedule feeds (the newest published version).
"""

from collections.abc import Iterable

from django.core.management.base import BaseCommand, CommandError

from cfp import exports
from cfp.enums import ACCEPTED_STATES
from cfp.models import Event

TALK_FORMATS = ("csv", "json")
FEED_FORMATS = ("ical", "xml")


class Command(BaseCommand):
    help = (
        "Writes an event's accepted and confirmed talks (csv, json) or its published "
        "schedule (ical, xml) to standard output, UTF-8."
    )

    def add_arguments(self, parser):
        parser.add_argument("--event", required=True, metavar="SLUG", help="The event's slug.")
        parser.add_argument(
            "--format", choices=[*TALK_FORMATS, *FEED_FORMATS], default="csv", dest="fmt"
        )
        parser.add_argument(
            "--per-speaker",
            action="store_true",
            help="CSV with one row per speaker instead of one per talk.",
        )
        parser.add_argument(
            "--state",
            choices=[s.value for s in ACCEPTED_STATES],
            help="Only the accepted, or only the confirmed talks. Default: both.",
        )

    def handle(self, *args, event: str, fmt: str, per_speaker: bool, state: str | None, **opts):
        found = Event.objects.select_related("cfp").filter(slug=event).first()
        if found is None:
            known = ", ".join(Event.objects.order_by("slug").values_list("slug", flat=True)[:20])
            raise CommandError(
                f"No event has the slug “{event}”." + (f" Events: {known}." if known else "")
            )
        if per_speaker and fmt != "csv":
            raise CommandError("--per-speaker applies to the csv format only.")
        if state and fmt not in TALK_FORMATS:
            raise CommandError("--state applies to the csv and json formats only.")
        if fmt in FEED_FORMATS:
            self._write([self._feed(found, fmt)])
            return
        talks = exports.talks(found, states=[state] if state else ACCEPTED_STATES)
        if fmt == "json":
            self._write(exports.talks_json(found, talks))
        elif per_speaker:
            self._write(exports.speakers_csv(found, talks))
        else:
            self._write(exports.talks_csv(found, talks))

    def _feed(self, event: Event, fmt: str) -> bytes:
        try:
            from cfp.programme import feeds  # the public programme's feeds
        except ModuleNotFoundError as exc:
            if exc.name != "cfp.programme.feeds":
                raise
            raise CommandError(
                f"The {fmt} format is the published schedule feed, which this installation "
                "does not have yet (cfp/feeds.py)."
            ) from None
        return feeds.schedule_ical(event) if fmt == "ical" else feeds.schedule_xml(event)

    def _write(self, chunks: Iterable[bytes]) -> None:
        """The bytes as they are on a real standard output; decoded on a text-only stream."""
        self.stdout.flush()
        binary = getattr(self.stdout, "buffer", None)
        for chunk in chunks:
            if binary is not None:
                binary.write(chunk)
            else:
                self.stdout.write(chunk.decode(), ending="")
        if binary is not None:
            binary.flush()
