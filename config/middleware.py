import codecs
import ipaddress
import json
import os
import resource
import time

from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from config.views import healthz


class LocalHealthCheckMiddleware:
    """/healthz/ asked from this machine (docker's health check inside the container) is
    answered first, over plain HTTP and whatever the Host: the HTTPS redirect and the
    ALLOWED_HOSTS check of the production settings would refuse it. Requests from elsewhere
    go through the whole stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        local = _is_loopback(request.META.get("REMOTE_ADDR", ""))
        if local and request.path_info == reverse("healthz"):
            return healthz(request)
        return self.get_response(request)


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class Utf8FormBodyMiddleware:
    """Undecodable bytes in a form body become U+FFFD, which our text validators refuse.

    When a urlencoded body is not valid UTF-8, Django decodes all of it as ISO-8859-1, so raw
    invalid bytes would pass as plausible but wrong text (b"Caf\\xc3(" read as "CafÃ(").
    Multipart bodies already decode each field with replacement characters.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            and codecs.lookup(request.encoding or "utf-8").name == "utf-8"
        ):
            try:
                request.body.decode("utf-8")
            except UnicodeDecodeError:
                request.POST = QueryDict(request.body.decode("utf-8", "replace"), encoding="utf-8")
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header (settings.PERMISSIONS_POLICY) on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RequestStatsMiddleware:
    """For the benchmark harness (bench/): each request's SQL query count, its time and the
    worker's peak memory, appended as one JSON line to settings.REQUEST_STATS_FILE.

    Installed only when that setting is given. A streamed response is counted to its last
    byte: the queries it makes while streaming are queries of the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        stats = {"queries": 0}

        def count(execute, sql, params, many, context):
            stats["queries"] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        rss_before = _peak_rss_kb()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        done = {
            "id": request.headers.get("X-Bench-Id", ""),
            "path": request.path,
            "status": response.status_code,
            "pid": os.getpid(),
            "peak_rss_kb_before": rss_before,
        }
        if response.streaming:
            response.streaming_content = self._counted(
                response.streaming_content, count, stats, started, done
            )
        else:
            self._write(stats, started, done)
        return response

    def _counted(self, content, count, stats, started, done):
        with connection.execute_wrapper(count):
            yield from content
        self._write(stats, started, done)

    @staticmethod
    def _write(stats: dict, started: float, done: dict) -> None:
        line = {
            **done,
            "queries": stats["queries"],
            "ms": round((time.perf_counter() - started) * 1000, 3),
            "peak_rss_kb_after": _peak_rss_kb(),
        }
        # One write of one line with O_APPEND: lines of several workers never interleave.
        with open(settings.REQUEST_STATS_FILE, "a", encoding="utf-8") as stream:
            stream.write(json.dumps(line) + "\n")


def _peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
