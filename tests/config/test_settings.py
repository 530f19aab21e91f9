from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import email_settings, env_bool, env_int
from tests.helpers import run_python

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    unset = {"DEBUG", "SECRET_KEY", "REDIS_URL", "SECURE_HTTPS", "STATICFILES_BACKEND"}
    return run_python("manage.py", *args, unset=unset, **env)


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-" + "x7Qp" * 10,
        ALLOWED_HOSTS="cfp.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
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


def test_email_url_console_and_bad_scheme():
    assert email_settings("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL scheme"):
        email_settings("carrier-pigeon://coop")


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
