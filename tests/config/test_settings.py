from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import email_settings, env_bool, env_int
from tests.helpers import run_python

ROOT = Path(__file__).resolve().parents[2]


# What the test settings add to the environment (config/settings_test.py), and what a
# production process may or may not get.
TEST_DEFAULTS = {"SECRET_KEY", "SECURE_HTTPS", "STATICFILES_BACKEND", "TASKS_IN_PROCESS"}
UNSET = {"DEBUG", "REDIS_URL", "SITE_URL", "EMAIL_URL", *TEST_DEFAULTS}
PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-" + "x7Qp" * 10,
    "ALLOWED_HOSTS": "cfp.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SITE_URL": "https://cfp.example.org",
}


def _manage(*args, **env):
    return run_python("manage.py", *args, unset=UNSET, **env)


def _production(tmp_path, *args, without=(), **env):
    """manage.py with DEBUG unset, as gunicorn and Celery run: PRODUCTION less `without`."""
    given = {k: v for k, v in PRODUCTION.items() if k not in without}
    return _manage(*args, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **given, **env)


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _production(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_secret_key_is_required_unless_debug():
    # As gunicorn loads the app (manage.py has a development default: tests/config/test_manage.py).
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set unless DEBUG is on" in result.stderr
    wsgi = run_python("-c", "import config.wsgi", unset={"DEBUG", "SECRET_KEY"})
    assert wsgi.returncode != 0
    assert "SECRET_KEY must be set unless DEBUG is on" in wsgi.stderr


def test_debug_runs_without_a_secret_key(tmp_path):
    result = _manage("check", DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr


def test_redis_url_is_required_unless_debug(tmp_path):
    result = _production(tmp_path, "check", without={"REDIS_URL"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: REDIS_URL must be set unless DEBUG is on" in result.stderr
    assert "REDIS_URL=redis://127.0.0.1:6379/0" in result.stderr  # what to set
    # As gunicorn loads the app.
    given = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    wsgi = run_python("-c", "import config.wsgi", unset=UNSET, **given)
    assert wsgi.returncode != 0
    assert "REDIS_URL must be set unless DEBUG is on" in wsgi.stderr


def test_site_url_is_required_unless_debug(tmp_path):
    result = _production(tmp_path, "check", without={"SITE_URL"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: SITE_URL must be set unless DEBUG is on" in result.stderr
    assert "SITE_URL=https://cfp.example.org" in result.stderr  # what to set


def test_without_redis_tasks_run_in_process_only_when_asked(tmp_path):
    """DEBUG (make run), or TASKS_IN_PROCESS=1 (the test suite); SITE_URL has a DEBUG default."""
    show = (
        "from django.conf import settings as s; "
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'], s.SITE_URL)"
    )
    debug = _manage(
        "shell", "--no-imports", "-c", show, DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path}/db"
    )
    asked = _production(tmp_path, "shell", "--no-imports", "-c", show, without={"REDIS_URL"},
                        TASKS_IN_PROCESS="1")  # fmt: skip

    locmem = "django.core.cache.backends.locmem.LocMemCache"
    assert debug.stdout.split() == ["True", locmem, "http://127.0.0.1:8000"], debug.stderr
    assert asked.stdout.split() == ["True", locmem, "https://cfp.example.org"], asked.stderr


def test_bad_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be a boolean"):
        env_bool("SOME_FLAG")


def test_bad_integer_fails_loudly(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be an integer"):
        env_int("SOME_NUMBER", 1)


def test_email_url_smtp_with_credentials():
    values = email_settings("smtp://mailer:p%40ss@127.0.0.1:8025?tls=1")
    assert values == {
        "EMAIL_BACKEND": "cfp.mail.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": 8025,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
        "EMAIL_TIMEOUT": 10,
    }


def test_email_url_smtps_is_tls_from_the_start_and_submission_is_starttls():
    smtps = email_settings("smtps://mailer:secret@mail.example.org")
    submission = email_settings("submission://mail.example.org?timeout=30")
    plain_ssl = email_settings("smtp://mail.example.org:2465?ssl=1")

    pick = ("EMAIL_PORT", "EMAIL_USE_SSL", "EMAIL_USE_TLS", "EMAIL_TIMEOUT")
    assert [smtps[k] for k in pick] == [465, True, False, 10]
    assert [submission[k] for k in pick] == [587, False, True, 30]
    assert [plain_ssl[k] for k in pick] == [2465, True, False, 10]
    assert smtps["EMAIL_BACKEND"] == submission["EMAIL_BACKEND"] == "cfp.mail.smtp.EmailBackend"


def test_email_url_console_locmem_and_bad_urls():
    assert email_settings("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert email_settings("locmem:")["EMAIL_BACKEND"].endswith("locmem.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL scheme"):
        email_settings("carrier-pigeon://coop")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL needs a host"):
        email_settings("smtp://")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL's port and timeout must be numbers"):
        email_settings("smtp://mail.example.org?timeout=soon")


def test_email_url_becomes_the_email_settings(tmp_path):
    show = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
        "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_SSL, s.EMAIL_USE_TLS, s.EMAIL_TIMEOUT)"
    )
    result = _production(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        show,
        EMAIL_URL="smtps://mailer:p%40ss@mail.example.org?timeout=20",
    )
    assert result.stdout.split() == [
        "cfp.mail.smtp.EmailBackend", "mail.example.org", "465", "mailer", "p@ss", "True", "False",
        "20",
    ], result.stderr  # fmt: skip


def test_argon2_hashes_passwords(django_user_model):
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    user = django_user_model(email="a@example.com")
    user.set_password("long enough password")
    assert user.password.startswith("argon2")


def test_login_and_signup_are_rate_limited():
    assert "login_failed" in settings.ACCOUNT_RATE_LIMITS
    assert "signup" in settings.ACCOUNT_RATE_LIMITS


def test_without_redis_celery_runs_tasks_in_process():
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


@pytest.mark.django_db
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="a PostgreSQL setting",
)
def test_postgresql_connections_run_without_jit():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_trusted_proxies_and_site_name_come_from_the_environment(tmp_path):
    show = (
        "from django.conf import settings as s; "
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER, "
        "s.ACCOUNT_EMAIL_SUBJECT_PREFIX)"
    )
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"

    default = _manage("shell", "--no-imports", "-c", show, DEBUG="1", DATABASE_URL=db)
    configured = _manage(
        "shell",
        "--no-imports",
        "-c",
        show,
        DEBUG="1",
        DATABASE_URL=db,
        TRUSTED_PROXY_COUNT="2",
        TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
        SITE_NAME="OpenStack CfP",
    )
    negative = _manage("check", DEBUG="1", DATABASE_URL=db, TRUSTED_PROXY_COUNT="-1")

    assert default.stdout.strip() == "0 None [Lectern]", default.stderr
    assert configured.stdout.strip() == "2 X-Real-IP [OpenStack CfP]", configured.stderr
    assert negative.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be 0 or more" in negative.stderr


def test_redis_cache_falls_back_to_memory_when_redis_url_is_set(tmp_path):
    show = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"

    result = _manage(
        "shell", "--no-imports", "-c", show, DEBUG="1", DATABASE_URL=db, REDIS_URL="redis://x/0"
    )

    assert result.stdout.strip() == "config.cache.FallbackRedisCache", result.stderr
