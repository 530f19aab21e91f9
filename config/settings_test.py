"""Settings for the test suite: the real settings with test-safe values for what is unset."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SECURE_HTTPS", "0")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
os.environ.pop("REDIS_URL", None)  # Celery tests bring their own broker (TEST_REDIS_URL).
os.environ.setdefault("TASKS_IN_PROCESS", "1")  # ... and the others run tasks in-process.
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")

from config.settings import *  # noqa: E402,F403 (the test settings are the real ones)

# Static files come straight from the source folders; nothing is collected for tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A real Celery worker process (tests/integration) must see the test database: on SQLite it
# is a file rather than memory, one per test run so that runs side by side don't collide.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    _test_db = Path(tempfile.gettempdir()) / f"lectern-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db)}  # noqa: F405
