"""The JSON bodies of webhooks: an envelope ({id, type, created_at, event, data}) around the
data of each kind. Only what organizers may know of their own event, and never a secret:
no speaker's name or address (an event may review blind), no notes, no review comments."""

import json
from datetime import UTC, datetime
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder


def iso_utc(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, with a Z: "2027-03-01T09:30:00Z"."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def api_url(event_slug: str, code: str) -> str:
    """The proposal's address in the REST API (config.urls mounts it under /api/v1/)."""
    return f"/api/v1/events/{event_slug}/proposals/{code}/"


def envelope(*, delivery_id: UUID, kind: str, created_at: datetime, event, data: dict) -> str:
    """The body as sent, exactly: compact JSON in UTF-8 (not \\u escapes)."""
    payload = {
        "id": str(delivery_id),
        "type": kind,
        "created_at": iso_utc(created_at),
        "event": {"slug": event.slug, "name": event.name},
        "data": data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)


def proposal_data(proposal, *, from_state: str | None = None) -> dict:
    data = {
        "code": proposal.code,
        "title": proposal.title,
        "state": proposal.state,
        "track": proposal.track.name if proposal.track_id else None,
        "submission_type": (proposal.submission_type.name if proposal.submission_type_id else None),
        "url": api_url(proposal.event.slug, proposal.code),
    }
    if from_state is not None:
        data["from_state"] = from_state
    return data


def review_data(review, *, criteria, values: dict[int, int]) -> dict:
    return {
        "proposal": review.proposal.code,
        "reviewer": review.reviewer_id,
        "score": review.score,
        "scores": [{"criterion": c.name, "value": values[c.pk]} for c in criteria],
    }


def schedule_data(version, *, talks: int) -> dict:
    return {
        "version": version.name,
        "published_at": iso_utc(version.published_at),
        "talks": talks,
    }


def talk_data(slot) -> dict:
    proposal = slot.proposal
    return {
        "proposal": proposal.code,
        "title": proposal.title,
        "room": slot.room.name if slot.room_id else None,
        "start": iso_utc(slot.start),
        "end": iso_utc(slot.end),
        "url": api_url(slot.event.slug, proposal.code),
    }
