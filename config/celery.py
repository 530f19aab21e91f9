import logging
import os

from celery import Celery
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["cfp.mail"])  # the outbox's delivery tasks (cfp.mail.tasks)

logger = logging.getLogger(__name__)


def enqueue(task, **kwargs) -> bool:
    """Send a task, or leave the work to its sweeper if the broker is down; True if sent.

    Every task sent this way has a beat sweeper that finds the work from the database (the
    outbox's pending rows, an event's stale scores), so a broker outage delays it and the
    request that caused it still answers.
    """
    try:
        task.delay(**kwargs)
    except OperationalError:
        logger.warning("Could not enqueue %s(%s); its sweeper will", task.name, kwargs)
        return False
    return True
