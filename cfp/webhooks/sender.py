"""The webhook POST, safe against server-side request forgery.

An organizer chooses the URL, and the request leaves from inside our network: so the URL must
be https (http only with DEBUG), its host's every address must be a public one (no private,
loopback, link-local, multicast, reserved or unspecified address, nor such an address in its
IPv4-mapped IPv6 form) unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES is on, and the connection is
made to the address that was checked (the name is resolved once: it cannot resolve elsewhere
between the check and the connection). No redirect is followed, the wait is short
(WEBHOOK_TIMEOUT_SECONDS) and at most 64 KB of the answer is read. Settings are read at each
call. The same checks run when an organizer saves an endpoint (check_url, check_host).
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

MAX_RESPONSE_BYTES = 64 * 1024
EXCERPT_CHARS = 2000


class Refused(Exception):
    """The URL may not be requested: its scheme or its host's addresses. Permanent."""


class SendError(Exception):
    """The request did not get an answer: a timeout, a refused or broken connection, a name
    that does not resolve now. It may pass."""


@dataclass(frozen=True)
class Response:
    status: int
    excerpt: str


def check_url(url: str) -> SplitResult:
    """The URL's parts if its form is allowed; Refused says why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused(_("Enter a valid URL.")) from None
    if parts.scheme not in ("https", "http"):
        raise Refused(_("The URL must start with https://."))
    if parts.scheme == "http" and not settings.DEBUG:
        raise Refused(_("The URL must use https (http is allowed only with DEBUG on)."))
    if not parts.hostname:
        raise Refused(_("The URL needs a host name, e.g. https://example.org/hooks."))
    if parts.username is not None or parts.password is not None:
        raise Refused(_("Leave the user name and password out of the URL."))
    if port == 0:
        raise Refused(_("Enter a valid URL."))
    return parts


def address_refusal(address: str) -> str | None:
    """Why a request may not go to this address (None: it may)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0")
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    checks = (
        (ip.is_unspecified, _("an unspecified address")),
        (ip.is_loopback, _("a loopback address")),
        (ip.is_link_local, _("a link-local address")),
        (ip.is_multicast, _("a multicast address")),
        (ip.is_private, _("a private address")),
        (ip.is_reserved, _("a reserved address")),
        (not ip.is_global, _("an address that is not public")),
    )
    for refused, reason in checks:
        if refused:
            return reason
    return None


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses (an IP literal is its own); SendError if the name does not
    resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise SendError(
            _("The host name %(host)s does not resolve: %(error)s")
            % {
                "host": host,
                "error": exc,
            }
        ) from None
    addresses = []
    for info in infos:
        address = info[4][0]
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_host(host: str, port: int) -> list[str]:
    """The host's addresses, every one of them allowed; Refused names the first that is not."""
    addresses = resolve(host, port)
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return addresses
    for address in addresses:
        reason = address_refusal(address)
        if reason:
            raise Refused(
                _("%(host)s is %(reason)s (%(address)s): webhooks go to public addresses only.")
                % {"host": host, "reason": reason, "address": address}
            )
    return addresses


def default_port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def _pool(parts: SplitResult, address: str, timeout: float):
    port = default_port(parts)
    options = {
        "timeout": urllib3.Timeout(connect=timeout, read=timeout),
        "retries": False,
        "maxsize": 1,
    }
    if parts.scheme == "https":
        # Connect to the checked address; the certificate and SNI are the host name's.
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            cert_reqs="CERT_REQUIRED",
            **options,
        )
    return urllib3.HTTPConnectionPool(address, port, **options)


def _read(response, deadline: float) -> bytes:
    """At most MAX_RESPONSE_BYTES of the body, and no later than the deadline."""
    data = b""
    while len(data) < MAX_RESPONSE_BYTES and time.monotonic() < deadline:
        chunk = response.read(min(4096, MAX_RESPONSE_BYTES - len(data)))
        if not chunk:
            break
        data += chunk
    return data


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST the body; the answer's status and the start of its body, whatever the status.

    Refused: the URL or its addresses are not allowed. SendError: no answer came.
    """
    parts = check_url(url)
    port = default_port(parts)
    address = check_host(parts.hostname, port)[0]
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    host_header = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if parts.port:
        host_header = f"{host_header}:{parts.port}"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    pool = _pool(parts, address, timeout)
    try:
        response = pool.urlopen(
            "POST",
            target,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,  # a 3xx is an answer, recorded; its Location is never requested
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            data = _read(response, time.monotonic() + timeout)
        finally:
            response.close()
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise SendError(f"{type(exc).__name__}: {exc}") from None
    finally:
        pool.close()
    excerpt = data.decode("utf-8", errors="replace")[:EXCERPT_CHARS]
    return Response(status=response.status, excerpt=excerpt)
