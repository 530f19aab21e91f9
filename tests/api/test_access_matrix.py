"""Who sees what through the API: every role × every endpoint, the same rules as the pages.

The table VISIBLE says, per endpoint and role, which objects a list shows (a set of names
from tests/api/proposal_world.py) or what status a detail answers. An endpoint is added by
giving it an address in ENDPOINTS, a way to name its objects in NAMES and a row in VISIBLE.

Beside the table: which fields each role gets of a proposal and a speaker, and that in blind
review no speaker name, address, biography, affiliation, photo or speaker id appears
anywhere in any answer the reviewer can get (the whole text is searched, as
tests/e2e/test_accessibility_crawl.py searches pages).
"""

import pytest

from reviews.models import ReviewSettings
from tests.api import proposal_world
from tests.api.helpers import assert_matches_schema, client_for
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "speaker",  # Zebulon, who speaks on P1
    "other_speaker",  # Casimir, of P2 and a draft
    "reviewer",
    "reviewer_blind",  # the same reviewer, with the event reviewing blind
    "other_reviewer",  # of another event
    "organizer",
    "other_organizer",  # of another event
    "superuser",
]
EVERYTHING = "?expand=speakers,answers,tags,history"

# endpoint → the address, from the world.
ENDPOINTS = {
    "events": lambda w: "/api/v1/events/",
    "event": lambda w: "/api/v1/events/kernel/",
    "hidden_event": lambda w: "/api/v1/events/hidden/",
    "proposals": lambda w: f"/api/v1/events/kernel/proposals/{EVERYTHING}",
    "proposal": lambda w: f"/api/v1/events/kernel/proposals/{w.p1.code}/",
    "draft": lambda w: f"/api/v1/events/kernel/proposals/{w.draft.code}/",
    "speakers": lambda w: "/api/v1/events/kernel/speakers/",
    "speaker": lambda w: f"/api/v1/events/kernel/speakers/{w.zebulon.pk}/",
    # The organizers' and reviewers' endpoints (cfp/api, reviews/api): the world's event, and
    # the hidden one, which answers 404 to all who may not see it (never 403).
    "reviews": lambda w: "/api/v1/events/kernel/reviews/",
    "scores": lambda w: "/api/v1/events/kernel/scores/",
    "messages": lambda w: "/api/v1/events/kernel/messages/",
    "tags": lambda w: "/api/v1/events/kernel/tags/",
    "slots": lambda w: "/api/v1/events/kernel/slots/",
    "tracks": lambda w: "/api/v1/events/kernel/tracks/",
    "hidden_reviews": lambda w: "/api/v1/events/hidden/reviews/",
    "hidden_scores": lambda w: "/api/v1/events/hidden/scores/",
    "hidden_messages": lambda w: "/api/v1/events/hidden/messages/",
    "hidden_tags": lambda w: "/api/v1/events/hidden/tags/",
    "hidden_slots": lambda w: "/api/v1/events/hidden/slots/",
    "hidden_tracks": lambda w: "/api/v1/events/hidden/tracks/",
}


def _proposal_names(w):
    return {p.code: name for name, p in _named(w, "p1", "p2", "p3", "p4", "draft")}


def _speaker_names(w):
    people = ("zebulon", "philippa", "casimir", "xavier", "reviewer", "other_speaker")
    return {u.pk: name for name, u in _named(w, *people)}


def _named(w, *names):
    return [(name, getattr(w, name)) for name in names]


# endpoint → how a listed object is named: (the world, an item) → its name.
NAMES = {
    "events": lambda w, item: item["slug"],
    "proposals": lambda w, item: _proposal_names(w)[item["code"]],
    "speakers": lambda w, item: _speaker_names(w)[item["id"]],
    "reviews": lambda w, item: _proposal_names(w)[item["proposal"]["code"]],
    "scores": lambda w, item: _proposal_names(w)[item["code"]],
    "messages": lambda w, item: _proposal_names(w)[item["proposal"]],
    "tags": lambda w, item: item["name"],
    "slots": lambda w, item: _proposal_names(w)[item["proposal"]],
    "tracks": lambda w, item: item["name"],
}

ALL_EVENTS = {"kernel", "other", "hidden"}
PUBLIC_EVENTS = {"kernel", "other"}
BEYOND_DRAFTS = {"p1", "p2", "p3", "p4"}
EVERY_SPEAKER = {"zebulon", "philippa", "casimir", "xavier", "reviewer"}

# (endpoint) → {role: the names a list shows, or a detail's status}.
VISIBLE = {
    "events": {
        "anonymous": PUBLIC_EVENTS,
        "speaker": PUBLIC_EVENTS,
        "other_speaker": PUBLIC_EVENTS,
        "reviewer": PUBLIC_EVENTS,
        "reviewer_blind": PUBLIC_EVENTS,
        "other_reviewer": PUBLIC_EVENTS,
        "organizer": ALL_EVENTS,
        "other_organizer": PUBLIC_EVENTS,
        "superuser": ALL_EVENTS,
    },
    "event": dict.fromkeys(ROLES, 200),
    "hidden_event": {
        **dict.fromkeys(ROLES, 404),
        "organizer": 200,
        "superuser": 200,
    },
    "proposals": {
        "anonymous": 401,
        "speaker": {"p1"},
        "other_speaker": {"p2", "draft"},
        # Their queue (not P3: a declared conflict), and their own P4 as its speaker.
        "reviewer": {"p1", "p2", "p4"},
        "reviewer_blind": {"p1", "p2", "p4"},
        "other_reviewer": set(),
        "organizer": BEYOND_DRAFTS,
        "other_organizer": set(),
        "superuser": BEYOND_DRAFTS,
    },
    "proposal": {
        "anonymous": 401,
        "speaker": 200,
        "other_speaker": 404,
        "reviewer": 200,
        "reviewer_blind": 200,
        "other_reviewer": 404,
        "organizer": 200,
        "other_organizer": 404,
        "superuser": 200,
    },
    "draft": {
        **dict.fromkeys(ROLES, 404),
        "anonymous": 401,
        "other_speaker": 200,  # Casimir's own; nobody else's, organizers' neither
    },
    "speakers": {
        "anonymous": set(),  # nothing is published yet
        "speaker": {"zebulon", "philippa"},
        "other_speaker": {"casimir"},
        "reviewer": {"zebulon", "philippa", "casimir", "reviewer"},
        "reviewer_blind": {"reviewer"},  # only themselves, the speaker of P4
        "other_reviewer": set(),
        "organizer": EVERY_SPEAKER,
        "other_organizer": set(),
        "superuser": EVERY_SPEAKER,
    },
    "speaker": {
        **dict.fromkeys(ROLES, 404),
        "speaker": 200,
        "reviewer": 200,
        "organizer": 200,
        "superuser": 200,
    },
}


# Only the event's organizers (and superusers); the rest who see the public event: 403.
ORGANIZERS_ONLY = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": 401,
    "organizer": "listed",
    "superuser": "listed",
}
VISIBLE.update(
    {
        # The reviewer's own review of P1 (the world's one review); never another event's.
        "reviews": {
            **ORGANIZERS_ONLY,
            "reviewer": {"p1"},
            "reviewer_blind": {"p1"},
            "organizer": {"p1"},
            "superuser": {"p1"},
        },
        "scores": {**ORGANIZERS_ONLY, "organizer": BEYOND_DRAFTS, "superuser": BEYOND_DRAFTS},
        # P2's decision email, a draft in the outbox.
        "messages": {**ORGANIZERS_ONLY, "organizer": {"p2"}, "superuser": {"p2"}},
        # "hot" is shown to reviewers, "vip" to organizers only.
        "tags": {
            **ORGANIZERS_ONLY,
            "reviewer": {"hot"},
            "reviewer_blind": {"hot"},
            "organizer": {"hot", "vip"},
            "superuser": {"hot", "vip"},
        },
        "slots": {**ORGANIZERS_ONLY, "organizer": set(), "superuser": set()},
        "tracks": dict.fromkeys(ROLES, {"Kernel"}),
    }
)
# The hidden event, organized by the world's organizer: nobody else learns it exists.
for _endpoint in ("reviews", "scores", "messages", "tags", "slots", "tracks"):
    VISIBLE[f"hidden_{_endpoint}"] = {
        **dict.fromkeys(ROLES, 404),
        "anonymous": 401 if _endpoint != "tracks" else 404,
        "organizer": 200,
        "superuser": 200,
    }


@pytest.fixture
def world(db):
    world = proposal_world.build()
    give_review(world.p1, world.reviewer, 4, comment="Solid", feedback="Shorter intro")
    return world


def user_for(world, role: str):
    if role == "reviewer_blind":
        ReviewSettings.objects.filter(event=world.event).update(blind=True)
        return world.reviewer
    return {
        "anonymous": None,
        "speaker": world.zebulon,
        "other_speaker": world.casimir,
        "reviewer": world.reviewer,
        "other_reviewer": world.other_reviewer,
        "organizer": world.organizer,
        "other_organizer": world.other_organizer,
        "superuser": world.superuser,
    }[role]


def get(world, role: str, address: str):
    response = client_for(user_for(world, role)).get(address)
    assert_matches_schema(response)
    return response


def listed(world, endpoint: str, response) -> set[str]:
    return {NAMES[endpoint](world, item) for item in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(VISIBLE))
def test_endpoint_shows_each_role_what_its_pages_do(world, endpoint, role):
    expected = VISIBLE[endpoint][role]

    response = get(world, role, ENDPOINTS[endpoint](world))

    if isinstance(expected, int):
        assert response.status_code == expected, response.content
    else:
        assert response.status_code == 200, response.content
        assert listed(world, endpoint, response) == expected


# --- what each role sees of a proposal -----------------------------------------------------


def _p1(world, role):
    response = get(world, role, ENDPOINTS["proposal"](world))
    assert response.status_code == 200
    return response.json()


def test_proposal_organizer_gets_every_field_speakers_with_email_and_all_tags(world):
    data = _p1(world, "organizer")

    assert data["viewed_as"] == "organizer"
    assert data["notes"] == proposal_world.NOTES
    assert [s["email"] for s in data["speakers"]] == [world.zebulon.email, world.philippa.email]
    assert {t["name"] for t in data["tags"]} == {"hot", "vip"}
    assert [(h["from_state"], h["to_state"]) for h in data["history"]] == [("draft", "submitted")]
    assert data["history"][0]["by"]["email"] == world.zebulon.email
    answered = {a["question"]: a for a in data["answers"]}
    assert answered["Where do you work?"]["value"] == proposal_world.IDENTIFYING_ANSWER
    assert answered["Where do you work?"]["speaker_id"] == world.zebulon.pk


def test_proposal_reviewer_gets_the_review_page_fields(world):
    data = _p1(world, "reviewer")

    assert data["viewed_as"] == "reviewer"
    assert data["notes"] == proposal_world.NOTES
    assert [s["name"] for s in data["speakers"]] == [
        "Zebulon Quartermaine",
        "Philippa Oyelaran-Strand",
    ]
    assert all(set(s) == {"id", "name", "affiliation", "biography"} for s in data["speakers"])
    assert {t["name"] for t in data["tags"]} == {"hot"}  # not the organizers' own "vip"
    assert "history" not in data  # reviewers have no history pages


def test_proposal_blind_reviewer_gets_no_speakers_notes_nor_identifying_answers(world):
    data = _p1(world, "reviewer_blind")

    assert "speakers" not in data and "notes" not in data and "history" not in data
    speaker_answers = [a for a in data["answers"] if a["target"] == "speaker"]
    assert [(a["question"], a["value"], a["speaker_number"]) for a in speaker_answers] == [
        ("Diet?", "Likes trains", 1)
    ]
    assert all(a["speaker_id"] is None for a in speaker_answers)


def test_proposal_speaker_gets_their_page_no_tags_nor_other_speakers_answers(world):
    data = _p1(world, "speaker")

    assert data["viewed_as"] == "speaker"
    assert "tags" not in data
    assert data["editable"] is True
    assert all("email" not in s for s in data["speakers"])
    assert [h["actor"] for h in data["history"]] == ["Zebulon Quartermaine"]
    # Philippa sees the proposal's answers and her own, never Zebulon's.
    response = get(world, "speaker", ENDPOINTS["proposal"](world))
    philippa = client_for(world.philippa).get(ENDPOINTS["proposal"](world)).json()
    assert {a["question"] for a in response.json()["answers"]} == {
        "Level of demo?",
        "Where do you work?",
        "Diet?",
    }
    assert {a["question"] for a in philippa["answers"]} == {"Level of demo?"}


def test_unannounced_decision_reads_submitted_for_its_speaker_only(world):
    address = f"/api/v1/events/kernel/proposals/{world.p2.code}/"
    states = {}
    for role in ("other_speaker", "organizer", "reviewer"):
        response = get(world, role, address)
        states[role] = response.json()["state"]
        if role == "other_speaker":  # nor does the history say it
            assert [h["to_state"] for h in response.json()["history"]] == ["submitted"]

    assert states == {"other_speaker": "submitted", "organizer": "accepted", "reviewer": "accepted"}


def test_reviewer_sees_their_own_proposal_as_its_speaker(world):
    response = get(world, "reviewer", ENDPOINTS["proposals"](world))

    views = {NAMES["proposals"](world, p): p["viewed_as"] for p in response.json()["results"]}
    assert views == {"p1": "reviewer", "p2": "reviewer", "p4": "speaker"}


# --- what each role sees of a speaker ------------------------------------------------------


def test_speaker_fields_per_role(world):
    address = ENDPOINTS["speaker"](world)
    shown = {role: get(world, role, address).json() for role in ("organizer", "reviewer")}
    own = get(world, "speaker", address).json()

    assert shown["organizer"]["email"] == world.zebulon.email
    assert shown["organizer"]["proposals"] == [world.p1.code]
    assert {a["value"] for a in shown["organizer"]["answers"]} == {
        proposal_world.IDENTIFYING_ANSWER,
        "Likes trains",
    }
    assert set(shown["reviewer"]) == {"id", "url", "name", "affiliation", "biography", "proposals"}
    assert shown["reviewer"]["proposals"] == [world.p1.code]
    assert set(own) == {"id", "url", "name", "affiliation", "photo_url", "proposals"}
    assert own["photo_url"].endswith("quartermaine-portrait.jpg")


# --- blind review: nothing about the speakers, anywhere --------------------------------------

BLIND_ADDRESSES = [
    "/api/v1/events/",
    "/api/v1/events/kernel/",
    f"/api/v1/events/kernel/proposals/{EVERYTHING}",
    "/api/v1/events/kernel/proposals/?expand=speakers&ordering=title",
    "/api/v1/events/kernel/proposals/{p1}/",
    "/api/v1/events/kernel/proposals/{p2}/",
    "/api/v1/events/kernel/proposals/{p1}/?expand=speakers",
    "/api/v1/events/kernel/speakers/",
    "/api/v1/events/kernel/speakers/{zebulon}/",
    "/api/v1/events/kernel/speakers/{philippa}/",
    "/api/v1/events/kernel/speakers/{casimir}/",
    "/api/v1/events/kernel/reviews/",
    "/api/v1/events/kernel/tags/",
    "/api/v1/events/kernel/tracks/",
]


def _addresses(world):
    ids = {"p1": world.p1.code, "p2": world.p2.code}
    ids.update(zebulon=world.zebulon.pk, philippa=world.philippa.pk, casimir=world.casimir.pk)
    return [address.format(**ids) for address in BLIND_ADDRESSES]


def _speaker_ids(data, address: str) -> set[int]:
    """Every speaker id in an answer: speakers' own, nested ones, and speaker answers'."""
    found = set()
    if "/speakers/" in address:
        found |= {item["id"] for item in data.get("results", [data])}

    def walk(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "speaker_id" and inner is not None:
                    found.add(inner)
                if key == "speakers" and isinstance(inner, list):
                    found.update(item["id"] for item in inner)
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(data)
    return found


def _leaks(world, response, address: str) -> list[str]:
    lowered = response.content.decode().lower()
    found = [f for f in proposal_world.FRAGMENTS if f.lower() in lowered]
    people = {
        world.zebulon.pk: "Zebulon",
        world.philippa.pk: "Philippa",
        world.casimir.pk: "Casimir",
    }
    ids = _speaker_ids(response.json(), address) if response.status_code == 200 else set()
    found += [f"id of {people[pk]}" for pk in ids if pk in people]
    return found


def test_blind_review_leaks_no_speaker_anywhere(world):
    client = client_for(user_for(world, "reviewer_blind"))

    for address in _addresses(world):
        response = client.get(address)
        assert_matches_schema(response)
        assert _leaks(world, response, address) == [], address


def test_blind_check_finds_speakers_when_review_is_not_blind(world):
    """The search above is known to work: without blind review it finds them."""
    client = client_for(world.reviewer)

    found = set()
    for address in _addresses(world):
        found.update(_leaks(world, client.get(address), address))

    assert {"Zebulon", "Philippa", "Casimir", "id of Zebulon", "id of Casimir"} <= found
