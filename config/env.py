"""Small typed readers for settings from the environment; bad values fail loudly."""

import os
import warnings
from urllib.parse import urlsplit

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def email_settings(url: str) -> dict:
    """EMAIL_URL as Django's EMAIL_* settings: smtp://user:pass@host:port, smtps://… (TLS from
    the first byte, port 465), submission://… (STARTTLS, port 587), console: or locmem:.

    dj-email-url reads the URL (quoted user and password, `?tls=1`, `?ssl=1`, `?timeout=`);
    what is ours: SMTP goes through cfp.mail.smtp.EmailBackend, a host is required, smtps means
    TLS from the start (RFC 8314, where dj-email-url means STARTTLS), commands time out after
    10 seconds unless `timeout` says otherwise.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme in _LOCAL_BACKENDS:
        return {**_NO_SMTP, "EMAIL_BACKEND": _LOCAL_BACKENDS[scheme]}
    if scheme not in _SMTP_PORTS:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme must be smtp, smtps, submission, console or locmem, not {scheme!r}"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its note that smtps will mean something else
            parsed = dj_email_url.parse(url)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"EMAIL_URL's port and timeout must be numbers ({exc})"
        ) from None
    if not urlsplit(url).hostname:
        raise ImproperlyConfigured("EMAIL_URL needs a host, e.g. smtp://127.0.0.1:8025")
    use_ssl = scheme == "smtps" or parsed["EMAIL_USE_SSL"]
    return {
        "EMAIL_BACKEND": "cfp.mail.smtp.EmailBackend",  # waits for the final reply (RFC 5321)
        "EMAIL_HOST": parsed["EMAIL_HOST"],
        "EMAIL_PORT": parsed["EMAIL_PORT"] or _SMTP_PORTS[scheme],
        "EMAIL_HOST_USER": parsed["EMAIL_HOST_USER"] or "",
        "EMAIL_HOST_PASSWORD": parsed["EMAIL_HOST_PASSWORD"] or "",
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_USE_TLS": parsed["EMAIL_USE_TLS"] and not use_ssl,
        "EMAIL_TIMEOUT": 10 if parsed["EMAIL_TIMEOUT"] is None else parsed["EMAIL_TIMEOUT"],
    }


_SMTP_PORTS = {"smtp": 25, "smtps": 465, "submission": 587}
_LOCAL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
# Django's defaults: what the console and locmem backends never read.
_NO_SMTP = {
    "EMAIL_HOST": "localhost",
    "EMAIL_PORT": 25,
    "EMAIL_HOST_USER": "",
    "EMAIL_HOST_PASSWORD": "",
    "EMAIL_USE_SSL": False,
    "EMAIL_USE_TLS": False,
    "EMAIL_TIMEOUT": None,
}
