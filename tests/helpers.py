"""Small helpers the view tests share: form data as a browser posts it, and page text."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from tests.factories import SubmissionTypeFactory

ROOT = Path(__file__).resolve().parents[1]


def run_python(*args: str, unset=(), **env: str) -> subprocess.CompletedProcess:
    """`python *args` in the checkout, as a new process with the real settings
    (config.settings): the test's environment without `unset`, plus `env`."""
    clean = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: set for the browser tests' event loop, not for a process.
        if k not in {*unset, "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env)
    clean.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return subprocess.run(  # noqa: S603 (our own interpreter and files)
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


@contextmanager
def celery_conf(**conf):
    """This process's Celery app with these settings for the block (a broker of the test's)."""
    from config.celery import app

    previous = {key: app.conf[key] for key in conf}
    app.conf.update(conf)
    _drop_broker_connections(app)
    try:
        yield
    finally:
        app.conf.update(previous)
        _drop_broker_connections(app)


def _drop_broker_connections(app) -> None:
    # Celery caches its connection pool on first use (with the in-process memory:// broker
    # in earlier tests); drop it, as Celery itself does after a fork, to use the new broker.
    app._pool = None
    app.amqp._producer_pool = None


def page(response) -> str:
    return response.content.decode()


def complete_data(event, **overrides) -> dict:
    """Everything a proposal submission needs, as the form posts it."""
    data = {
        "title": "Observability without tears",
        "submission_type": SubmissionTypeFactory(event=event).pk,
        "experience_level": "intermediate",
        "abstract": "The speaker shows how **tracing** helps, in complete sentences.",
        "audience": "Operators.",
        "benefits": "Fewer pages at night.",
        "technical_requirements": "None.",
        "notes": "Happy to shorten it.",
    }
    data.update(overrides)
    return data


def profile_data(**overrides) -> dict:
    """A complete speaker profile, as the form posts it."""
    data = {
        "name": "Ada Lovelace",
        "affiliation": "Analytical Engines",
        "biography": "Writes programs for machines that do not exist yet.",
        "links": "https://example.com/ada",
    }
    data.update(overrides)
    return data


def wait_until(condition, timeout: float = 60.0, step: float = 0.1) -> bool:
    """Poll `condition` until it holds (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def is_staff_panel_refusal(response) -> bool:
    """The page a signed-in account without staff status gets from any staff panel address."""
    return response.status_code == 403 and "has no access to the staff panel" in page(response)


def assigned_review_form(event_name: str = "Broker Summit", title: str = "Ünïcode 🚀"):
    """A reviewer assigned one submitted proposal of a new event: (event, reviewer, proposal,
    the review page's address, form data that scores every criterion 4)."""
    from django.urls import reverse

    from reviews import selectors
    from reviews.models import Assignment
    from tests.factories import EventFactory, ProposalFactory, ReviewerFactory, ReviewerTeamFactory

    event = EventFactory(name=event_name)
    reviewer = ReviewerFactory()
    ReviewerTeamFactory(event=event, members=[reviewer])
    proposal = ProposalFactory(event=event, title=title)
    proposal.submit(by=proposal.speakers.get())
    Assignment.objects.create(proposal=proposal, reviewer=reviewer)
    url = reverse("admin:reviews_reviewqueueitem_change", args=[proposal.pk])
    scores = {f"score_{c.pk}": 4 for c in selectors.criteria_for(event)}
    return event, reviewer, proposal, url, scores
