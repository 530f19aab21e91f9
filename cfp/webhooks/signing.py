"""The signature a receiver checks: HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's
secret, sent as X-Lectern-Signature: sha256=<hex>. The timestamp (X-Lectern-Timestamp, Unix
seconds) is signed with the body, so that a receiver can refuse an old request replayed."""

import hashlib
import hmac

USER_AGENT = "Lectern-Webhooks/1"


def signature(secret: str, timestamp: int, body: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def headers(*, delivery_id, kind: str, secret: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Lectern-Delivery": str(delivery_id),
        "X-Lectern-Event": kind,
        "X-Lectern-Timestamp": str(timestamp),
        "X-Lectern-Signature": signature(secret, timestamp, body),
    }
