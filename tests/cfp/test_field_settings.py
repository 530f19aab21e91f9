"""Each event's built-in fields: required, optional or not asked, with its own labels and
help texts and abstract limits, on the form, at submission, on every page and in the exports."""

import csv
import io
import json
import re
from uuid import uuid4

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp.enums import FieldState, ProposalState
from cfp.fields import FIELDS, PROFILE_FIELDS, default_config, field_config, settings_of
from cfp.models import CfP, Proposal
from tests.cfp.speaker_pages import event_url
from tests.cfp.test_public import make_talk, publish
from tests.factories import (
    EventFactory,
    ProposalFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import (
    assigned_review_form,
    complete_data,
    is_staff_panel_refusal,
    page,
    shown_messages,
)

pytestmark = pytest.mark.django_db

PROPOSAL_TEXTS = ("audience", "benefits", "technical_requirements", "notes")
# What each field's form input is called, and a value of it that a page would show.
SECRET = "Zebra-{}-Marker"


def ask(event, **states) -> CfP:
    """Set how the event asks some fields: ask(event, audience="not_asked")."""
    cfp = event.cfp
    cfp.field_settings = settings_of({name: {"state": state} for name, state in states.items()})
    cfp.save()
    return cfp


def form_page(client, event, **query) -> str:
    address = event_url("proposal_create", event) + f"?form={uuid4()}"
    response = client.get(address)
    assert response.status_code == 200
    return page(response)


def field_error(response, name: str) -> str:
    """The error shown under a field of the proposal form (crispy's Bootstrap markup)."""
    found = re.search(rf'id="id_{name}_error"[^>]*>(.*?)</div>', page(response), re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""


def create(client, event, data, submit=True):
    return client.post(
        event_url("proposal_create", event), {**data, ("submit" if submit else "draft"): "1"}
    )


# --- the defaults ---------------------------------------------------------------------------


def test_field_config_defaults_are_todays_form(event):
    config = field_config(event.cfp)

    assert event.cfp.field_settings == {}
    assert {n for n, c in config.items() if c.required} == {
        "submission_type",
        "track",
        "experience_level",
    }
    assert all(c.asked for c in config.values())
    assert config["track"].label == "Track"
    assert config["notes"].help_text == "Never public."


def test_form_of_an_existing_event_is_unchanged(speaker_client, event):
    TrackFactory(event=event, name="Developer")

    body = form_page(speaker_client, event)

    for name in ("title", "submission_type", "track", "experience_level", "abstract"):
        assert f'name="{name}"' in body
    for name in PROPOSAL_TEXTS:
        assert f'name="{name}"' in body
    assert body.count('data-required-to-submit="1"') == 4  # type, track, level, abstract
    assert "Benefits to the ecosystem" in body


def test_settings_of_keeps_only_what_differs_from_the_default():
    stored = settings_of(
        {
            "audience": {"state": "optional", "label": "Audience", "help_text": ""},
            "notes": {"state": "not_asked", "label": "  ", "help_text": "Never public."},
            "track": {"state": "required", "label": "Stream", "help_text": "Pick one."},
        }
    )

    assert stored == {
        "audience": {"help_text": ""},
        "notes": {"state": "not_asked"},
        "track": {"label": "Stream", "help_text": "Pick one."},
    }


# --- not asked: gone everywhere -------------------------------------------------------------


@pytest.mark.parametrize("name", ["submission_type", "experience_level", *PROPOSAL_TEXTS])
def test_not_asked_field_leaves_the_form_and_submission_needs_nothing_of_it(
    speaker_client, speaker, event, name
):
    ask(event, **{name: FieldState.NOT_ASKED})
    data = complete_data(event)
    posted = data.pop(name)

    body = form_page(speaker_client, event)
    response = create(
        speaker_client, event, {**data, name: posted} if name in PROPOSAL_TEXTS else data
    )

    assert f'name="{name}"' not in body
    proposal = Proposal.objects.get()
    assert proposal.state == ProposalState.SUBMITTED, shown_messages(response)
    if name in PROPOSAL_TEXTS:
        assert getattr(proposal, name) == ""  # posted anyway: not taken


def test_not_asked_track_leaves_the_form_though_the_event_has_tracks(speaker_client, event):
    TrackFactory(event=event, name="Developer")
    ask(event, track=FieldState.NOT_ASKED)

    body = form_page(speaker_client, event)
    create(speaker_client, event, complete_data(event))

    assert 'name="track"' not in body
    assert Proposal.objects.get().state == ProposalState.SUBMITTED


def _talk_with_everything(event):
    track = TrackFactory(event=event, name=SECRET.format("track"))
    kind = SubmissionTypeFactory(event=event, name=SECRET.format("type"))
    speaker = SpeakerFactory(
        profile__affiliation=SECRET.format("affiliation"),
        profile__links="https://example.com/" + SECRET.format("links"),
    )
    talk = make_talk(
        event,
        track=track,
        submission_type=kind,
        experience_level="advanced",
        speakers=[speaker],
        **{name: SECRET.format(name) for name in PROPOSAL_TEXTS},
    )
    return talk, speaker


SHOWN = {  # a field, and the text of it a page would show
    "submission_type": SECRET.format("type"),
    "track": SECRET.format("track"),
    "experience_level": "Advanced",
    "audience": SECRET.format("audience"),
    "benefits": SECRET.format("benefits"),
    "technical_requirements": SECRET.format("technical_requirements"),
    "notes": SECRET.format("notes"),
    "affiliation": SECRET.format("affiliation"),
    "links": SECRET.format("links"),
}


@pytest.mark.parametrize("name", [n for n in SHOWN if n != "links"])
def test_not_asked_field_leaves_the_speakers_proposal_page(client, event, name):
    talk, speaker = _talk_with_everything(event)
    client.force_login(speaker)
    before = page(client.get(talk.get_absolute_url()))
    ask(event, **{name: FieldState.NOT_ASKED})

    after = page(client.get(talk.get_absolute_url()))

    assert SHOWN[name] in before
    assert SHOWN[name] not in after


@pytest.mark.parametrize(
    "name", ["submission_type", "track", "experience_level", "affiliation", "links"]
)
def test_not_asked_field_leaves_the_public_talk_and_speaker_pages(client, event, name):
    talk, speaker = _talk_with_everything(event)
    publish(event)
    urls = [
        reverse("cfp:talk", kwargs={"event": event.slug, "code": talk.code}),
        reverse("cfp:speaker", kwargs={"event": event.slug, "pk": speaker.pk}),
        reverse("cfp:talks", kwargs={"event": event.slug}),
    ]
    before = "".join(page(client.get(u)) for u in urls)
    ask(event, **{name: FieldState.NOT_ASKED})
    cache.clear()  # the talk list keeps its body for PROGRAMME_CACHE_SECONDS

    after = "".join(page(client.get(u)) for u in urls)

    assert SHOWN[name] in before
    assert SHOWN[name] not in after


@pytest.mark.parametrize(
    "name", ["submission_type", "track", "experience_level", *PROPOSAL_TEXTS, "affiliation"]
)
def test_not_asked_field_leaves_the_reviewers_page(client, name):
    event, reviewer, proposal, url, _scores = assigned_review_form()
    Proposal.objects.filter(pk=proposal.pk).update(
        track=TrackFactory(event=event, name=SECRET.format("track")),
        submission_type=SubmissionTypeFactory(event=event, name=SECRET.format("type")),
        experience_level="advanced",
        **{n: SECRET.format(n) for n in PROPOSAL_TEXTS},
    )
    proposal.speakers.get().profile.__class__.objects.filter(user__proposals=proposal).update(
        affiliation=SECRET.format("affiliation")
    )
    client.force_login(reviewer)
    before = page(client.get(url))
    ask(event, **{name: FieldState.NOT_ASKED})

    after = page(client.get(url))

    assert SHOWN[name] in before
    assert SHOWN[name] not in after


def _csv_header(response) -> list[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text)))


CSV_NAMES = {
    "submission_type": "submission type",
    "track": "track",
    "experience_level": "experience level",
    "audience": "audience",
    "benefits": "benefits",
    "technical_requirements": "technical requirements",
    "notes": "notes for organizers",
    "affiliation": "speaker affiliations",
}


@pytest.mark.parametrize("name", list(CSV_NAMES))
def test_not_asked_field_leaves_the_exports(client, name):
    organizer = UserFactory(is_staff=True)
    event = EventFactory(organizers=[organizer])
    _talk_with_everything(event)
    client.force_login(organizer)
    base = reverse("admin:cfp_event_exports", args=[event.pk])
    ask(event, **{name: FieldState.NOT_ASKED})

    header = _csv_header(client.get(base + "talks.csv"))
    per_speaker = _csv_header(client.get(base + "talks-per-speaker.csv"))
    data = json.loads(b"".join(client.get(base + "talks.json").streaming_content))
    exports_page = page(client.get(base))

    assert CSV_NAMES[name] not in header
    assert "title" in header and "code" in header
    per_speaker_name = {"affiliation": "affiliation"}.get(name, CSV_NAMES[name])
    assert per_speaker_name not in per_speaker
    assert "speaker email" in per_speaker
    talk = data["talks"][0]
    key = name if name != "affiliation" else None
    if key:
        assert key not in talk
    else:
        assert "affiliation" not in talk["speakers"][0]
    assert SHOWN[name] not in json.dumps(data)
    assert f"<code>{CSV_NAMES[name]}</code>" not in exports_page


def test_exports_of_an_event_asking_everything_keep_every_column(client):
    organizer = UserFactory(is_staff=True)
    event = EventFactory(organizers=[organizer])
    _talk_with_everything(event)
    client.force_login(organizer)

    response = client.get(reverse("admin:cfp_event_exports", args=[event.pk]) + "talks.csv")

    from cfp.exports import TALK_COLUMNS

    assert _csv_header(response) == TALK_COLUMNS


def test_review_exports_drop_a_track_that_is_not_asked(client):
    organizer = UserFactory(is_staff=True)
    event, _reviewer, _proposal, _url, _scores = assigned_review_form()
    event.organizers.add(organizer)
    ask(event, track=FieldState.NOT_ASKED)
    client.force_login(organizer)

    response = client.get(reverse("admin:reviews_export_proposals_csv") + f"?event={event.pk}")
    data = json.loads(
        b"".join(
            client.get(
                reverse("admin:reviews_export_reviews_json") + f"?event={event.pk}"
            ).streaming_content
        )
    )

    header = _csv_header(response)
    assert "track" not in header and "submission type" in header
    assert "track" not in data["proposals"][0]


# --- required and optional --------------------------------------------------------------


@pytest.mark.parametrize("name", PROPOSAL_TEXTS)
def test_required_text_field_is_needed_to_submit_not_to_save_a_draft(speaker_client, event, name):
    ask(event, **{name: FieldState.REQUIRED})
    data = {**complete_data(event), name: ""}

    refused = create(speaker_client, event, data)
    create(speaker_client, event, data, submit=False)

    assert field_error(refused, name) == "This field is required."
    assert Proposal.objects.get().state == ProposalState.DRAFT


@pytest.mark.parametrize("name", ["submission_type", "experience_level"])
def test_optional_field_lets_a_proposal_be_submitted_without_it(speaker_client, event, name):
    ask(event, **{name: FieldState.OPTIONAL})

    body = form_page(speaker_client, event)
    create(speaker_client, event, {**complete_data(event), name: ""})

    assert Proposal.objects.get().state == ProposalState.SUBMITTED
    assert body.count('data-required-to-submit="1"') == 2  # the abstract and the other one


def test_required_field_added_later_stops_a_draft_from_being_submitted(speaker, event):
    draft = ProposalFactory(event=event, speakers=[speaker])
    ask(event, benefits=FieldState.REQUIRED)

    assert draft.missing_for_submission() == ["Benefits to the ecosystem"]


@pytest.mark.parametrize("name", PROFILE_FIELDS)
def test_required_profile_field_is_needed_to_submit(client, event, name):
    speaker = SpeakerFactory(profile__affiliation="", profile__links="")
    client.force_login(speaker)
    ask(event, **{name: FieldState.REQUIRED})

    response = create(client, event, complete_data(event))

    proposal = Proposal.objects.get()
    assert proposal.state == ProposalState.DRAFT
    label = default_config(name).label.lower()
    assert response.url.startswith(reverse("speakers:profile"))
    shown = page(client.get(response.url))
    assert f"Please complete your profile (name, biography and {label}) before you submit." in shown


def test_optional_profile_fields_are_not_needed(client, event):
    speaker = SpeakerFactory(profile__affiliation="", profile__links="")
    client.force_login(speaker)

    create(client, event, complete_data(event))

    assert Proposal.objects.get().state == ProposalState.SUBMITTED


# --- labels, help texts, the abstract's limits -------------------------------------------


def test_labels_and_help_texts_replace_the_defaults_on_form_and_pages(client, event):
    talk, speaker = _talk_with_everything(event)
    cfp = event.cfp
    cfp.field_settings = settings_of(
        {
            "audience": {"state": "required", "label": "Who should come", "help_text": "Be frank."},
            "track": {"label": "Stream", "help_text": ""},
        }
    )
    cfp.save()
    client.force_login(speaker)

    body = form_page(client, event)
    detail = page(client.get(talk.get_absolute_url()))
    refused = create(client, event, {**complete_data(event), "audience": ""})

    assert "Who should come" in body and "Be frank." in body
    assert "Stream" in body and "Who should come" in detail and "Stream" in detail
    assert "Who is the audience" not in body
    assert field_error(refused, "audience") == "This field is required."


def test_abstract_max_length_is_the_events_on_the_counter_and_in_the_message(speaker_client, event):
    event.cfp.abstract_max_length = 500
    event.cfp.save()

    body = form_page(speaker_client, event)
    response = create(speaker_client, event, {**complete_data(event), "abstract": "x" * 501})

    assert 'data-max-length="500"' in body
    assert field_error(response, "abstract") == (
        "This text has 501 characters; at most 500 are allowed. Please shorten it by 1."
    )
    assert not Proposal.objects.exists()


def test_abstract_min_length_refuses_a_short_submission_but_keeps_a_short_draft(
    speaker_client, event
):
    event.cfp.abstract_min_length = 100
    event.cfp.save()
    data = {**complete_data(event), "abstract": "Too short."}

    body = form_page(speaker_client, event)
    refused = create(speaker_client, event, data)
    create(speaker_client, event, data, submit=False)

    assert "At least 100 and at most 3,000 characters." in body
    assert field_error(refused, "abstract") == (
        "This abstract has 10 characters; at least 100 are needed. Please add 90."
    )
    draft = Proposal.objects.get()
    assert draft.state == ProposalState.DRAFT
    assert draft.missing_for_submission() == ["Abstract (at least 100 characters; it has 10)"]


# --- the staff panel's Form fields page ---------------------------------------------------


def fields_url(event) -> str:
    return reverse("admin:cfp_event_form_fields", args=[event.pk])


def fields_post(**changes) -> dict:
    data = {"abstract_min_length": "0", "abstract_max_length": "3000"}
    for name in FIELDS:
        default = default_config(name)
        data[f"{name}-state"] = default.state
        data[f"{name}-label"] = default.label
        data[f"{name}-help_text"] = default.help_text
    data.update(changes)
    return data


@pytest.fixture
def organizer(event):
    user = UserFactory(is_staff=True)
    event.organizers.add(user)
    return user


def test_form_fields_page_saves_states_labels_and_limits(client, event, organizer):
    client.force_login(organizer)

    shown = client.get(fields_url(event))
    response = client.post(
        fields_url(event),
        fields_post(
            **{
                "notes-state": "not_asked",
                "affiliation-state": "required",
                "benefits-label": "Why it matters 🌍",
                "abstract_min_length": "50",
                "abstract_max_length": "1200",
            }
        ),
    )

    assert shown.status_code == 200 and "Benefits to the ecosystem" in page(shown)
    assert response.status_code == 302
    cfp = CfP.objects.get(event=event)
    assert cfp.field_settings == {
        "notes": {"state": "not_asked"},
        "affiliation": {"state": "required"},
        "benefits": {"label": "Why it matters 🌍"},
    }
    assert (cfp.abstract_min_length, cfp.abstract_max_length) == (50, 1200)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("audience-label", "Two\nlines", "This field holds one line of text."),
        ("audience-label", "<b>Bold</b>", "HTML is not allowed here"),
        ("audience-label", "x" * 101, "at most 100 characters"),
        ("audience-help_text", "x" * 301, "at most 300 characters"),
        ("audience-help_text", "bell\x07", "invisible control characters"),
        ("audience-state", "sometimes", "Select a valid choice."),
        ("abstract_min_length", "5000", "cannot be longer than the longest"),
        ("abstract_max_length", "0", "greater than or equal to 1"),
    ],
)
def test_form_fields_page_refuses_bad_input_and_saves_nothing(
    client, event, organizer, field, value, message
):
    client.force_login(organizer)

    response = client.post(
        fields_url(event), fields_post(**{field: value, "notes-state": "not_asked"})
    )

    assert response.status_code == 400
    assert message in page(response)
    assert 'value="not_asked" selected' in page(response)  # the other changes are kept
    assert CfP.objects.get(event=event).field_settings == {}


def test_form_fields_page_is_the_events_organizers_only(client, event, organizer):
    other = UserFactory(is_staff=True)
    EventFactory(organizers=[other])
    nobody = UserFactory(is_staff=True)
    speaker = SpeakerFactory()

    anonymous = client.get(fields_url(event))
    client.force_login(other)
    foreign = client.post(fields_url(event), fields_post(**{"notes-state": "not_asked"}))
    client.force_login(nobody)
    staff = client.get(fields_url(event))
    client.force_login(speaker)
    not_staff = client.get(fields_url(event))

    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    assert foreign.status_code == 404
    assert staff.status_code == 403
    assert is_staff_panel_refusal(not_staff)
    assert CfP.objects.get(event=event).field_settings == {}


def test_event_page_links_its_form_fields_page(client, event, organizer):
    client.force_login(organizer)

    response = client.get(reverse("admin:cfp_event_change", args=[event.pk]))

    assert f'href="{fields_url(event)}"' in page(response)
    assert "field_settings" not in page(response)


def test_form_fields_page_query_count_does_not_grow(client, organizer, event):
    client.force_login(organizer)
    counts = []
    for size in (1, 20):
        for _ in range(size):
            ProposalFactory(event=event)
            TrackFactory(event=event)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(fields_url(event))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 25, counts


# --- what a page costs ----------------------------------------------------------------------


def test_proposal_form_and_page_cost_the_same_with_field_settings(client):
    counts = []
    for settings in ({}, {"notes": {"state": "not_asked"}, "audience": {"label": "Who"}}):
        event = EventFactory()
        event.cfp.field_settings = settings
        event.cfp.save()
        for i in range(5):
            TrackFactory(event=event, name=f"Track {i}")
        speaker = SpeakerFactory()
        proposal = ProposalFactory(event=event, speakers=[speaker])
        client.force_login(speaker)
        with CaptureQueriesContext(connection) as form_queries:
            client.get(event_url("proposal_create", event) + f"?form={uuid4()}")
        with CaptureQueriesContext(connection) as page_queries:
            client.get(proposal.get_absolute_url())
        counts.append((len(form_queries.captured_queries), len(page_queries.captured_queries)))
    assert counts[0] == counts[1], counts


def test_reviewer_page_costs_the_same_with_field_settings(client):
    counts = []
    for index, settings in enumerate(({}, {"track": {"state": "not_asked"}})):
        event, reviewer, _proposal, url, _scores = assigned_review_form(f"Summit {index}")
        event.cfp.field_settings = settings
        event.cfp.save()
        client.force_login(reviewer)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 25, counts
