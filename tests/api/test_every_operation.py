"""Every operation of the generated OpenAPI schema, called for real: at least one request that
succeeds, made by a caller who may make it, and the error answers the operation documents
(401 without a valid token, 404 for an event or object the caller may not see, 400 for a bad
parameter or body, 403 and 409 where they apply). Each answer goes through the schema
(status, content type, body: tests.api.helpers.assert_matches_schema).

The table (ROWS) names each operation as the schema does ("POST /api/v1/events/{event}/…");
an operation without a row, a row's status the operation does not document, and a documented
status without a row each fail with a message naming them.
"""

import json
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import exceptions

from cfp.enums import ProposalState
from cfp.models import Message, Proposal, TalkSlot
from config.api import exception_handler
from speakers.models import ApiTokenScope
from tests.api import proposal_world
from tests.api.helpers import assert_matches_schema, client_for
from tests.cfp.test_public import at, publish
from tests.factories import ProposalFactory, RoomFactory, SpeakerFactory, TalkSlotFactory
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
EVENT = "/api/v1/events/{event}"
PROPOSAL = f"{EVENT}/proposals/{{code}}"
A_BAD_TOKEN = "lct_" + "x" * 40


# --- the world ---------------------------------------------------------------------------------


@pytest.fixture
def world(db) -> SimpleNamespace:
    """proposal_world's Kernel Summit (P1 submitted and tagged, P2 accepted with its email a
    draft in the outbox, Casimir's draft; Other Summit; Hidden Summit, the organizer's alone),
    with a room, a confirmed talk placed in it and published, and a review of P1."""
    world = proposal_world.build()
    event = world.event
    Proposal.objects.filter(pk=world.draft.pk).update(track=world.track)  # ready to submit
    world.room = RoomFactory(event=event, name="Main hall", position=0)
    world.talia = SpeakerFactory(email="talia@published.example", profile__name="Talia Stage")
    world.confirmed = ProposalFactory(
        event=event,
        title="Published talk",
        state=ProposalState.CONFIRMED,
        submission_type=world.kind,
        track=world.track,
        speakers=[world.talia],
    )
    world.slot = TalkSlotFactory(
        proposal=world.confirmed, event=event, room=world.room, start=at(event, 0, 10)
    )
    publish(event)
    give_review(world.p1, world.reviewer, 4, comment="Solid", feedback="Shorter intro")
    world.message = Message.objects.filter(event=event, proposal=world.p2).earliest("pk")
    world.refs = {
        "kernel": event.slug,
        "hidden_name": world.hidden.name,
        "other": world.other_event.slug,
        "hidden": world.hidden.slug,
        "p1": world.p1.code,
        "p2": world.p2.code,
        "draft": world.draft.code,
        "confirmed": world.confirmed.code,
        "message": world.message.pk,
        "slot": world.slot.pk,
        "room": world.room.pk,
        "kind": world.kind.pk,
        "track": world.track.pk,
        "talia": world.talia.pk,
        "zebulon": world.zebulon.pk,
        "zebulon_email": world.zebulon.email,
        "day": event.start_date.isoformat(),
        "Main hall": "Main hall",
        "Talia Stage": "Talia Stage",
        "Kernel": "Kernel",
        "Talk": "Talk",
        "vip": "vip",
    }
    return world


def new_proposal(refs: dict) -> dict:
    """A proposal's body; creation_token only when creating (None: left out)."""
    return {
        "title": "Tracing the scheduler",
        "submission_type": refs["kind"],
        "track": refs["track"],
        "experience_level": "intermediate",
        "abstract": "The speaker shows how tracing helps, in complete sentences.",
        "creation_token": "0b0c51ad-2a5e-4c61-9a4c-1f0d3c1e7a11",
    }


# --- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One request and the answer it gets. `caller`: "anonymous", "bad_token", or a person of
    the world (a write token; "name:read" a read token). Path parameters and `shows` name
    entries of world.refs; `body` is JSON, a function of world.refs, or bytes sent as they
    are."""

    operation: str  # "METHOD /api/v1/…", as the schema names it
    status: int
    caller: str = "organizer"
    params: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    body: object = None
    code: str = ""  # an error answer's `code`
    in_errors: str = ""  # a 400's field or parameter, named in `errors`
    shows: str = ""  # a ref whose value the answer holds
    twice: bool = False  # sent once before (the answer checked is the second)
    why: str = ""

    @property
    def method(self) -> str:
        return self.operation.split()[0].lower()

    @property
    def path(self) -> str:
        return self.operation.split()[1]

    @property
    def id(self) -> str:
        """The test's id, e.g. post_proposals_code_accept-409-organizer (shell-friendly)."""
        name = self.path.removeprefix("/api/v1/").replace("events/{event}/", "") or "event"
        name = re.sub(r"[^a-z0-9]+", "_", name).strip("_")
        why = re.sub(r"[^a-z0-9]+", "_", (self.why or self.caller).lower()).strip("_")
        return f"{self.method}_{name}-{self.status}-{why}"


def ok(operation, status=200, **kwargs) -> Row:
    return Row(operation, status, **kwargs)


def anonymous(operation, **kwargs) -> Row:
    return Row(operation, 401, caller="anonymous", code="not_authenticated", **kwargs)


def bad_token(operation, **kwargs) -> Row:
    return Row(operation, 401, caller="bad_token", code="token_invalid", why="bad token", **kwargs)


def hidden(operation, caller="other_organizer", **kwargs) -> Row:
    params = {"event": "hidden", **kwargs.pop("params", {})}
    return Row(
        operation, 404, caller=caller, params=params, code="not_found", why="hidden event", **kwargs
    )


def bad(operation, field_name, *, query=None, body=None, **kwargs) -> Row:
    return Row(
        operation,
        400,
        query=query or {},
        body=body,
        code="invalid",
        in_errors=field_name,
        why=kwargs.pop("why", f"bad {field_name}"),
        **kwargs,
    )


def not_allowed(operation, caller="reviewer", code="not_allowed", **kwargs) -> Row:
    return Row(operation, 403, caller=caller, code=code, **kwargs)


def refused(operation, code: str, **kwargs) -> Row:
    return Row(operation, 409, params={"code": code}, code="transition_not_allowed", **kwargs)


def staff_list(operation, shows, *, bad_query, field_name, forbidden="reviewer") -> list[Row]:
    """A list for organizers (and reviewers where `forbidden` is someone else)."""
    return [
        ok(f"GET {operation}", shows=shows),
        bad(f"GET {operation}", field_name, query=bad_query),
        anonymous(f"GET {operation}"),
        not_allowed(f"GET {operation}", caller=forbidden),
        hidden(f"GET {operation}"),
    ]


def public_list(operation, shows, *, bad_query, field_name) -> list[Row]:
    """A list anyone may read on a public event."""
    return [
        ok(f"GET {operation}", caller="anonymous", shows=shows),
        bad(f"GET {operation}", field_name, query=bad_query, caller="anonymous"),
        bad_token(f"GET {operation}"),
        hidden(f"GET {operation}", caller="anonymous"),
    ]


def decision(action: str, succeeds_on: str, refused_on: str) -> list[Row]:
    operation = f"POST {PROPOSAL}/{action}/"
    return [
        ok(operation, params={"code": succeeds_on}, shows=succeeds_on),
        anonymous(operation, params={"code": succeeds_on}),
        not_allowed(operation, params={"code": succeeds_on}),
        hidden(operation, params={"code": succeeds_on}),
        refused(operation, refused_on),
    ]


def speakers_write(method: str, action: str, body, *, bad_body, field_name) -> list[Row]:
    """A speaker's own proposal: P1 is Zebulon's (and Philippa's)."""
    operation = f"{method} {PROPOSAL}/{action}"
    mine = {"code": "p1"}
    return [
        ok(operation, caller="zebulon", params=mine, body=body, shows="p1"),
        bad(operation, field_name, caller="zebulon", params=mine, body=bad_body),
        anonymous(operation, params=mine, body=body),
        not_allowed(
            operation, caller="organizer", code="permission_denied", params=mine, body=body
        ),
        Row(
            operation,
            404,
            caller="zebulon",
            params={"code": "p2"},
            body=body,
            code="not_found",
            why="someone else's proposal",
        ),
    ]


SLOT = {"id": "slot"}


def place(code: str):
    return lambda refs: {
        "proposal": refs[code],
        "room": refs["room"],
        "start": f"{refs['day']}T15:00",
    }


ROWS: list[Row] = [
    # who is asking
    ok("GET /api/v1/me/", caller="zebulon:read", shows="zebulon_email"),
    anonymous("GET /api/v1/me/"),
    bad_token("GET /api/v1/me/"),
    # events
    ok("GET /api/v1/events/", caller="anonymous", shows="kernel"),
    ok("GET /api/v1/events/", caller="organizer:read", shows="hidden_name", why="organizer"),
    bad("GET /api/v1/events/", "ordering", query={"ordering": "bogus"}, caller="anonymous"),
    bad_token("GET /api/v1/events/"),
    ok(f"GET {EVENT}/", caller="anonymous", shows="kernel"),
    ok(f"GET {EVENT}/", caller="organizer:read", params={"event": "hidden"}, why="own hidden"),
    bad_token(f"GET {EVENT}/"),
    hidden(f"GET {EVENT}/", caller="anonymous"),
    # the published programme
    ok(f"GET {EVENT}/schedule/", caller="anonymous", shows="confirmed"),
    bad_token(f"GET {EVENT}/schedule/"),
    hidden(f"GET {EVENT}/schedule/", caller="anonymous"),
    Row(
        f"GET {EVENT}/schedule/",
        404,
        caller="anonymous",
        params={"event": "other"},
        code="not_found",
        why="not published",
    ),
    *public_list(f"{EVENT}/talks/", "confirmed", bad_query={"track": "abc"}, field_name="track"),
    ok(f"GET {EVENT}/talks/{{code}}/", caller="anonymous", params={"code": "confirmed"}),
    ok(
        f"GET {EVENT}/talks/{{code}}/",
        caller="organizer:read",
        params={"code": "confirmed"},
        shows="Talia Stage",
        why="with a token",
    ),
    bad_token(f"GET {EVENT}/talks/{{code}}/", params={"code": "confirmed"}),
    Row(
        f"GET {EVENT}/talks/{{code}}/",
        404,
        caller="anonymous",
        params={"code": "p1"},
        code="not_found",
        why="not in the programme",
    ),
    # what the event offers
    *public_list(
        f"{EVENT}/submission-types/", "Talk", bad_query={"page_size": "0"}, field_name="page_size"
    ),
    *public_list(
        f"{EVENT}/tracks/", "Kernel", bad_query={"page_size": "x"}, field_name="page_size"
    ),
    *public_list(
        f"{EVENT}/rooms/", "Main hall", bad_query={"ordering": "bogus"}, field_name="ordering"
    ),
    *staff_list(
        f"{EVENT}/tags/",
        "vip",
        bad_query={"page_size": "500"},
        field_name="page_size",
        forbidden="zebulon",
    ),
    # proposals, by role; the speakers' writes
    ok(f"GET {EVENT}/proposals/", caller="organizer:read", shows="p1"),
    ok(f"GET {EVENT}/proposals/", caller="zebulon:read", shows="p1", why="speaker"),
    ok(f"GET {EVENT}/proposals/", caller="reviewer:read", shows="p1", why="reviewer"),
    ok(
        f"GET {EVENT}/proposals/",
        query={"expand": "speakers,answers,tags,history"},
        shows="zebulon_email",
        why="expanded",
    ),
    bad(f"GET {EVENT}/proposals/", "expand", query={"expand": "everything"}),
    anonymous(f"GET {EVENT}/proposals/"),
    hidden(f"GET {EVENT}/proposals/", caller="zebulon"),
    ok(f"POST {EVENT}/proposals/", 201, caller="xavier", body=new_proposal),
    ok(f"POST {EVENT}/proposals/", caller="xavier", body=new_proposal, twice=True, why="again"),
    bad(f"POST {EVENT}/proposals/", "title", caller="xavier", body={"title": 5}),
    Row(
        f"POST {EVENT}/proposals/",
        400,
        caller="xavier",
        body=b'{"title": "Unfinished',
        code="parse_error",
        why="broken JSON",
    ),
    anonymous(f"POST {EVENT}/proposals/", body=new_proposal),
    not_allowed(
        f"POST {EVENT}/proposals/", caller="xavier:read", code="token_read_only", body=new_proposal
    ),
    hidden(f"POST {EVENT}/proposals/", caller="xavier", body=new_proposal),
    ok(f"GET {PROPOSAL}/", params={"code": "p1"}, shows="p1"),
    ok(f"GET {PROPOSAL}/", caller="reviewer", params={"code": "p1"}, shows="p1", why="reviewer"),
    ok(f"GET {PROPOSAL}/", caller="philippa", params={"code": "p1"}, shows="p1", why="speaker"),
    bad(f"GET {PROPOSAL}/", "expand", query={"expand": "secrets"}, params={"code": "p1"}),
    anonymous(f"GET {PROPOSAL}/", params={"code": "p1"}),
    Row(
        f"GET {PROPOSAL}/",
        404,
        caller="casimir",
        params={"code": "p1"},
        code="not_found",
        why="someone else's proposal",
    ),
    hidden(f"GET {PROPOSAL}/", params={"code": "p1"}),
    *speakers_write(
        "PUT",
        "",
        lambda refs: {**new_proposal(refs), "title": "Secret kernel talk", "creation_token": None},
        bad_body={"title": ""},
        field_name="title",
    ),
    *speakers_write(
        "PATCH", "", {"title": "A better title"}, bad_body={"track": "x"}, field_name="track"
    ),
    ok(f"POST {PROPOSAL}/submit/", caller="casimir", params={"code": "draft"}, shows="draft"),
    bad(
        f"POST {PROPOSAL}/submit/",
        "non_field_errors",
        caller="casimir",
        params={"code": "p2"},
        why="decided",
    ),
    anonymous(f"POST {PROPOSAL}/submit/", params={"code": "draft"}),
    not_allowed(
        f"POST {PROPOSAL}/submit/",
        caller="organizer",
        code="permission_denied",
        params={"code": "p1"},
    ),
    Row(
        f"POST {PROPOSAL}/submit/",
        404,
        caller="zebulon",
        params={"code": "draft"},
        code="not_found",
        why="someone else's draft",
    ),
    *[
        row
        for row in speakers_write(
            "POST", "withdraw/", None, bad_body=None, field_name="non_field_errors"
        )
        if row.status != 400
    ],
    bad(
        f"POST {PROPOSAL}/withdraw/",
        "non_field_errors",
        caller="casimir",
        params={"code": "p2"},
        why="decision not announced",
    ),
    # organizers' decisions and tags
    *decision("accept", "p1", "p2"),
    *decision("reject", "p1", "confirmed"),
    *decision("undo", "p2", "p1"),
    *decision("cancel", "confirmed", "p1"),
    ok(f"PUT {PROPOSAL}/tags/", params={"code": "p1"}, body={"tags": ["vip"]}, shows="vip"),
    bad(f"PUT {PROPOSAL}/tags/", "tags", params={"code": "p1"}, body={"tags": ["nope"]}),
    anonymous(f"PUT {PROPOSAL}/tags/", params={"code": "p1"}, body={"tags": []}),
    not_allowed(f"PUT {PROPOSAL}/tags/", params={"code": "p1"}, body={"tags": []}),
    not_allowed(
        f"PUT {PROPOSAL}/tags/",
        caller="organizer:read",
        code="token_read_only",
        params={"code": "p1"},
        body={"tags": []},
    ),
    hidden(f"PUT {PROPOSAL}/tags/", params={"code": "p1"}, body={"tags": []}),
    # speakers
    *public_list(
        f"{EVENT}/speakers/", "Talia Stage", bad_query={"ordering": "email"}, field_name="ordering"
    ),
    ok(f"GET {EVENT}/speakers/", caller="organizer:read", shows="zebulon_email", why="organizer"),
    ok(f"GET {EVENT}/speakers/", caller="reviewer:read", why="reviewer"),
    ok(f"GET {EVENT}/speakers/{{id}}/", caller="anonymous", params={"id": "talia"}),
    ok(
        f"GET {EVENT}/speakers/{{id}}/",
        params={"id": "zebulon"},
        shows="zebulon_email",
        why="organizer",
    ),
    bad(
        f"GET {EVENT}/speakers/{{id}}/",
        "ordering",
        caller="anonymous",
        params={"id": "talia"},
        query={"ordering": "email"},
    ),
    bad_token(f"GET {EVENT}/speakers/{{id}}/", params={"id": "talia"}),
    Row(
        f"GET {EVENT}/speakers/{{id}}/",
        404,
        caller="anonymous",
        params={"id": "zebulon"},
        code="not_found",
        why="not in the programme",
    ),
    hidden(f"GET {EVENT}/speakers/{{id}}/", caller="anonymous", params={"id": "talia"}),
    # the working schedule
    *staff_list(
        f"{EVENT}/slots/", "confirmed", bad_query={"ordering": "room"}, field_name="ordering"
    ),
    ok(f"POST {EVENT}/slots/", 201, body=place("p2"), shows="p2"),
    ok(f"POST {EVENT}/slots/", body=place("confirmed"), shows="confirmed", why="placed already"),
    bad(f"POST {EVENT}/slots/", "proposal", body={}),
    anonymous(f"POST {EVENT}/slots/", body=place("p2")),
    not_allowed(f"POST {EVENT}/slots/", body=place("p2")),
    hidden(f"POST {EVENT}/slots/", body=place("p2")),
    ok(f"GET {EVENT}/slots/{{id}}/", params=SLOT, shows="confirmed"),
    anonymous(f"GET {EVENT}/slots/{{id}}/", params=SLOT),
    not_allowed(f"GET {EVENT}/slots/{{id}}/", params=SLOT),
    hidden(f"GET {EVENT}/slots/{{id}}/", params=SLOT),
    ok(
        f"PATCH {EVENT}/slots/{{id}}/",
        params=SLOT,
        body=lambda refs: {"start": f"{refs['day']}T16:00"},
        shows="confirmed",
    ),
    bad(f"PATCH {EVENT}/slots/{{id}}/", "start", params=SLOT, body={"start": "soon"}),
    Row(
        f"PATCH {EVENT}/slots/{{id}}/",
        400,
        params=SLOT,
        body=b'{"start": "\xff\xfe"}',
        code="parse_error",
        why="not UTF-8",
    ),
    anonymous(f"PATCH {EVENT}/slots/{{id}}/", params=SLOT, body={"duration": 30}),
    not_allowed(f"PATCH {EVENT}/slots/{{id}}/", params=SLOT, body={"duration": 30}),
    hidden(f"PATCH {EVENT}/slots/{{id}}/", params=SLOT, body={"duration": 30}),
    ok(f"DELETE {EVENT}/slots/{{id}}/", 204, params=SLOT),
    anonymous(f"DELETE {EVENT}/slots/{{id}}/", params=SLOT),
    not_allowed(f"DELETE {EVENT}/slots/{{id}}/", params=SLOT),
    hidden(f"DELETE {EVENT}/slots/{{id}}/", params=SLOT),
    # the outbox, reviews and their figures
    *staff_list(f"{EVENT}/messages/", "p2", bad_query={"state": "lost"}, field_name="state"),
    ok(f"GET {EVENT}/messages/{{id}}/", params={"id": "message"}, shows="p2"),
    anonymous(f"GET {EVENT}/messages/{{id}}/", params={"id": "message"}),
    not_allowed(f"GET {EVENT}/messages/{{id}}/", params={"id": "message"}),
    hidden(f"GET {EVENT}/messages/{{id}}/", params={"id": "message"}),
    *staff_list(
        f"{EVENT}/reviews/",
        "p1",
        bad_query={"proposal": "x" * 17},
        field_name="proposal",
        forbidden="zebulon",
    ),
    ok(f"GET {EVENT}/reviews/", caller="reviewer", shows="p1", why="reviewer"),
    *staff_list(f"{EVENT}/scores/", "p1", bad_query={"cursor": "bogus"}, field_name="cursor"),
]


def stored() -> tuple:
    """What the writes change: proposals, their tags, the schedule, the outbox."""
    return (
        sorted(Proposal.objects.values_list("code", "state", "title", "track_id")),
        sorted(Proposal.tags.through.objects.values_list("proposal_id", "tag_id")),
        sorted(TalkSlot.objects.values_list("pk", "proposal_id", "room_id", "start", "duration")),
        sorted(Message.objects.values_list("pk", "state")),
    )


# --- calling -----------------------------------------------------------------------------------


def client_of(world, caller: str):
    if caller == "anonymous":
        return client_for()
    if caller == "bad_token":
        return client_for(token=A_BAD_TOKEN)
    name, _, scope = caller.partition(":")
    return client_for(getattr(world, name), scope=scope or ApiTokenScope.WRITE)


def send(world, row: Row):
    refs = world.refs
    path = row.path.format(
        **{"event": refs["kernel"]} | {k: refs[v] for k, v in row.params.items()}
    )
    body = row.body(refs) if callable(row.body) else row.body
    client = client_of(world, row.caller)
    if isinstance(body, bytes):  # sent as it is, however broken
        return getattr(client, row.method)(path, body, content_type="application/json")
    if isinstance(body, dict):
        body = {name: value for name, value in body.items() if value is not None}
    kwargs = {"format": "json"} if row.method != "get" else {}
    call = getattr(client, row.method)
    data = row.query if row.method == "get" else body
    if row.twice:
        first = call(path, data, **kwargs)
        assert first.status_code == 201, first.content
    if row.method != "get" and row.query:
        path += "?" + "&".join(f"{k}={v}" for k, v in row.query.items())
    return call(path, data, **kwargs)


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_operation_answers_as_its_schema_documents(world, row):
    before = stored()

    response = send(world, row)

    assert response.status_code == row.status, response.content.decode()
    assert_matches_schema(response)
    if row.status >= 400:
        assert stored() == before, "a refused request changed something"
    if row.status == 204:
        assert response.content == b""
        return
    body = response.json()
    if row.status >= 400:
        assert body["code"] == row.code, body
        if row.in_errors:
            assert row.in_errors in body["errors"], body
        else:
            assert "errors" not in body, body
    if row.shows:
        assert str(world.refs[row.shows]) in response.content.decode(), body


# --- the table covers the schema ---------------------------------------------------------------


def documented() -> dict[str, set[int]]:
    """{"METHOD path": the statuses documented} for every operation of the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        f"{method.upper()} {path}": {int(status) for status in operation["responses"]}
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in METHODS
    }


def without_success(rows: list[Row]) -> list[str]:
    """The schema's operations that no row of `rows` calls with success."""
    succeeding = {row.operation for row in rows if 200 <= row.status < 300}
    return sorted(set(documented()) - succeeding)


def test_every_operation_of_the_schema_has_a_row_that_succeeds():
    missing = without_success(ROWS)

    assert not missing, f"operations without a succeeding row in ROWS: {missing}"


def test_every_row_is_an_operation_of_the_schema_with_its_status_documented():
    operations = documented()

    unknown = sorted({row.operation for row in ROWS} - set(operations))
    undocumented = sorted(
        f"{row.operation} answers {row.status}"
        for row in ROWS
        if row.operation in operations and row.status not in operations[row.operation]
    )

    assert not unknown, f"rows for operations the schema does not have: {unknown}"
    assert not undocumented, f"statuses the schema does not document: {undocumented}"


def test_every_documented_status_is_reached_by_a_row():
    reached = {(row.operation, row.status) for row in ROWS}

    unreached = sorted(
        f"{operation} {status}"
        for operation, statuses in documented().items()
        for status in statuses
        if (operation, status) not in reached
    )

    assert not unreached, f"documented answers no row reaches: {unreached}"


def test_row_ids_are_unique():
    ids = [row.id for row in ROWS]

    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_table_that_misses_an_operation_names_it():
    removed = f"DELETE {EVENT}/slots/{{id}}/"

    missing = without_success([row for row in ROWS if row.operation != removed])

    assert missing == ["DELETE /api/v1/events/{event}/slots/{id}/"]


# --- the error shape ---------------------------------------------------------------------------


def test_nested_validation_messages_come_as_dotted_fields_of_the_one_shape():
    exc = exceptions.ValidationError(
        {
            "tags": {0: ["Not a tag."]},
            "speakers": [{"email": ["Give an address."]}],
            "title": ["Too long."],
        }
    )

    response = exception_handler(exc, {})

    assert response.status_code == 400
    assert response.data == {
        "detail": "The request is not valid.",
        "code": "invalid",
        "errors": {
            "tags.0": ["Not a tag."],
            "speakers.0.email": ["Give an address."],
            "title": ["Too long."],
        },
    }
    json.dumps(response.data)  # plain JSON: every message a string
