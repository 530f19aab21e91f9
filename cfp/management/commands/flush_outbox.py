from django.core.management.base import BaseCommand

from cfp.mail import outbox


class Command(BaseCommand):
    help = "Deliver every pending outbox message now, in this process (after an outage)."

    def handle(self, *args, **options):
        results = outbox.outbox_flush()
        summary = ", ".join(f"{n} {what}" for what, n in sorted(results.items())) or "nothing"
        self.stdout.write(f"Outbox flushed: {summary}.")
