"""Tags: the service and who may use it, the Tag pages, tagging from a proposal's page and in
bulk from the proposal list and the ranked list, the tag filter and sorting, the badges and the
exports; speakers never see tags."""

import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cfp import tags
from cfp.enums import ProposalState
from cfp.exports import talks_csv, talks_json
from cfp.models import Proposal, Tag
from cfp.services import ActionRefused
from reviews.exports import ReviewExport
from tests.factories import (
    EventFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.helpers import (
    FormData,
    choices,
    form_errors,
    is_staff_panel_refusal,
    list_titles,
    page,
    shown_messages,
)

pytestmark = pytest.mark.django_db

PROPOSALS = reverse("admin:cfp_proposal_changelist")
RANKED = reverse("admin:reviews_rankedproposal_changelist")


@pytest.fixture
def world(db):
    organizer = UserFactory(is_staff=True, email="olivia@lectern.test")
    event = EventFactory(name="Summit", organizers=[organizer])
    other = EventFactory(name="Other Days")
    return {
        "organizer": organizer,
        "event": event,
        "other": other,
        "alpha": ProposalFactory(event=event, title="Alpha", state=ProposalState.SUBMITTED),
        "bravo": ProposalFactory(event=event, title="Bravo", state=ProposalState.SUBMITTED),
        "elsewhere": ProposalFactory(event=other, title="Elsewhere", state=ProposalState.SUBMITTED),
        "keynote": Tag.objects.create(event=event, name="Keynote", colour="#ffd700"),
        "maybe": Tag.objects.create(event=event, name="Maybe", colour="#0b1f4d"),
        "foreign": Tag.objects.create(event=other, name="Foreign tag"),
    }


@pytest.fixture
def org_client(client, world):
    client.force_login(world["organizer"])
    return client


def tag_names(proposal) -> list[str]:
    return sorted(proposal.tags.values_list("name", flat=True))


# --- badges ---------------------------------------------------------------------------------


def test_text_colour_contrasts_with_the_tag_colour():
    assert tags.text_colour("#ffd700") == "#000000"  # gold: black text
    assert tags.text_colour("#0b1f4d") == "#ffffff"  # navy: white text
    assert tags.text_colour("#ffffff") == "#000000"
    assert tags.text_colour("not a colour") == "#ffffff"  # the default grey


def test_badge_escapes_the_name_and_uses_a_valid_colour():
    tag = Tag(name="<b>x</b>", colour="red;background:url(x)")
    html = tags.badge(tag)
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "url(" not in html and tags.DEFAULT_COLOUR in html


# --- the service and its permissions -----------------------------------------------------------


def test_organizer_tags_and_untags_proposals(world):
    alpha, bravo, keynote = world["alpha"], world["bravo"], world["keynote"]
    by = world["organizer"]

    assert tags.proposals_tag(proposals=[alpha, bravo], tag=keynote, by=by) == 2
    assert tags.proposals_tag(proposals=[alpha], tag=keynote, by=by) == 0  # had it already
    assert tag_names(alpha) == tag_names(bravo) == ["Keynote"]

    assert tags.proposals_untag(proposals=[alpha], tag=keynote, by=by) == 1
    assert tag_names(alpha) == [] and tag_names(bravo) == ["Keynote"]


@pytest.mark.parametrize("who", ["other_organizer", "speaker", "reviewer", "staff"])
def test_only_the_events_organizers_can_tag(world, who):
    event, alpha = world["event"], world["alpha"]
    if who == "other_organizer":
        user = UserFactory(is_staff=True)
        world["other"].organizers.add(user)
    elif who == "speaker":
        user = alpha.speakers.first()
    elif who == "reviewer":
        user = ReviewerFactory(is_staff=True)
        ReviewerTeamFactory(event=event, members=[user])
    else:
        user = UserFactory(is_staff=True)

    with pytest.raises(PermissionDenied):
        tags.proposals_tag(proposals=[alpha], tag=world["keynote"], by=user)
    assert tag_names(alpha) == []


def test_a_tag_stays_on_its_own_event(world):
    with pytest.raises(ActionRefused):
        tags.proposals_tag(
            proposals=[world["alpha"], world["elsewhere"]],
            tag=world["keynote"],
            by=world["organizer"],
        )
    assert not Proposal.tags.through.objects.exists()


# --- the Tag pages ----------------------------------------------------------------------------


def test_organizer_adds_a_tag_with_a_colour_picker(org_client, world):
    url = reverse("admin:cfp_tag_add")
    form = page(org_client.get(url))
    assert 'type="color"' in form
    assert "Other Days" not in choices(org_client.get(url), "event").values()

    response = org_client.post(
        url,
        {
            "event": world["event"].pk,
            "name": "Sponsored",
            "colour": "#1f6feb",
            "visible_to_reviewers": "on",
        },
    )

    assert response.status_code == 302, form_errors(response)
    tag = Tag.objects.get(name="Sponsored")
    assert (tag.event, tag.colour, tag.visible_to_reviewers) == (world["event"], "#1f6feb", True)


@pytest.mark.parametrize(
    ("name", "colour", "field", "message"),
    [
        ("keynote", "#000000", "name", "Summit already has a tag named “keynote”."),
        ("Fine", "red", "colour", "Give a colour as # and six hex digits"),
        ("Fine", "#12345g", "colour", "Give a colour as # and six hex digits"),
        ("<script>x</script>", "#000000", "name", ""),
        ("two\nlines", "#000000", "name", ""),
        ("x" * 51, "#000000", "name", "at most 50 characters"),
    ],
)
def test_bad_tags_are_refused_next_to_the_field(org_client, world, name, colour, field, message):
    response = org_client.post(
        reverse("admin:cfp_tag_add"),
        {"event": world["event"].pk, "name": name, "colour": colour},
    )

    assert response.status_code == 200
    errors = form_errors(response)
    assert field in errors and message in " ".join(errors[field])
    assert Tag.objects.filter(event=world["event"]).count() == 2


def test_another_events_organizer_cannot_see_or_change_a_tag(client, world):
    user = UserFactory(is_staff=True)
    world["other"].organizers.add(user)
    client.force_login(user)

    listed = client.get(reverse("admin:cfp_tag_changelist"))
    change = client.get(reverse("admin:cfp_tag_change", args=[world["keynote"].pk]))

    assert "Keynote" not in page(listed) and "Foreign tag" in page(listed)
    assert change.status_code == 302  # "does not exist"
    assert "Keynote" not in page(client.get(change.url))


# --- a proposal's page ------------------------------------------------------------------------


def test_proposal_page_offers_only_its_events_tags(org_client, world):
    url = reverse("admin:cfp_proposal_change", args=[world["alpha"].pk])
    response = org_client.get(url)
    offered = choices(response, "tags")
    assert sorted(offered.values()) == ["Keynote", "Maybe"]

    data = FormData(page(response), "proposal_form").data
    data["tags"] = [str(world["maybe"].pk)]
    saved = org_client.post(url, data)
    assert saved.status_code == 302, form_errors(saved)
    assert tag_names(world["alpha"]) == ["Maybe"]

    data["tags"] = [str(world["foreign"].pk)]
    refused = org_client.post(url, data)
    assert "tags" in form_errors(refused)
    assert tag_names(world["alpha"]) == ["Maybe"]


# --- in bulk ----------------------------------------------------------------------------------


def select(proposals, action, **extra):
    return {
        "action": action,
        "_selected_action": [p.pk for p in proposals],
        "index": "0",
        **extra,
    }


@pytest.mark.parametrize("url", [PROPOSALS, RANKED])
def test_bulk_add_and_remove_through_the_intermediate_page(org_client, world, url):
    if url == RANKED:
        url = f"{url}?event={world['event'].pk}"
        org_client.get(url)  # the ranked list reads its proposals' stored figures
    alpha, bravo, keynote = world["alpha"], world["bravo"], world["keynote"]

    chooser = org_client.post(url, select([alpha, bravo], "add_tag"))
    assert chooser.status_code == 200
    assert sorted(choices(chooser, "tag").values()) == ["Keynote", "Maybe"]  # its event's only
    assert tag_names(alpha) == []  # nothing changes before a tag is chosen

    done = org_client.post(
        url,
        {"action": "add_tag", "_selected_action": [alpha.pk, bravo.pk], "apply": "yes",
         "tag": keynote.pk},
    )  # fmt: skip
    assert done.status_code == 302
    assert tag_names(alpha) == tag_names(bravo) == ["Keynote"]
    assert ("success", "Tag “Keynote” given to 2 proposal(s).") in shown_messages(
        org_client.get(done.url)
    )

    org_client.post(
        url,
        {"action": "remove_tag", "_selected_action": [bravo.pk], "apply": "yes",
         "tag": keynote.pk},
    )  # fmt: skip
    assert tag_names(alpha) == ["Keynote"] and tag_names(bravo) == []


def test_bulk_tagging_refuses_a_tag_of_another_event(org_client, world):
    world["other"].organizers.add(world["organizer"])
    response = org_client.post(
        PROPOSALS,
        {"action": "add_tag", "_selected_action": [world["alpha"].pk], "apply": "yes",
         "tag": world["foreign"].pk},
    )  # fmt: skip
    assert response.status_code == 200  # the chooser again, with the error
    assert "tag" in form_errors(response)
    assert tag_names(world["alpha"]) == []


def test_bulk_tagging_refuses_proposals_of_several_events(org_client, world):
    world["other"].organizers.add(world["organizer"])
    response = org_client.post(
        PROPOSALS, select([world["alpha"], world["elsewhere"]], "add_tag"), follow=True
    )
    assert any("Select proposals of one event" in text for _, text in shown_messages(response))
    assert not Proposal.tags.through.objects.exists()


def test_another_events_organizer_cannot_bulk_tag(client, world):
    user = UserFactory(is_staff=True)
    world["other"].organizers.add(user)
    client.force_login(user)
    client.post(
        PROPOSALS,
        {"action": "add_tag", "_selected_action": [world["alpha"].pk], "apply": "yes",
         "tag": world["keynote"].pk},
    )  # fmt: skip
    assert tag_names(world["alpha"]) == []


# --- filter, sort and badges ------------------------------------------------------------------


def test_proposal_list_filters_and_sorts_by_tag(org_client, world):
    alpha, bravo = world["alpha"], world["bravo"]
    alpha.tags.add(world["maybe"])
    bravo.tags.add(world["keynote"])

    tagged = org_client.get(PROPOSALS, {"tag": world["maybe"].pk})
    untagged = org_client.get(PROPOSALS, {"tag": "none"})
    assert list_titles(tagged) == ["Alpha"]
    assert "Bravo" not in list_titles(untagged) and "Alpha" not in list_titles(untagged)

    offered = choices_in_filter(org_client.get(PROPOSALS))
    assert {"Keynote", "Maybe", "No tag"} <= offered and "Foreign tag" not in offered

    by_tag = list_titles(org_client.get(PROPOSALS, {"o": "8"}))  # the Tags column
    assert by_tag.index("Bravo") < by_tag.index("Alpha")  # Keynote before Maybe


def choices_in_filter(response) -> set[str]:
    import re

    block = re.search(r"By tag.*?</ul>", page(response), re.S).group(0)
    return {text.strip() for text in re.findall(r"<a [^>]*>(.*?)</a>", block, re.S)}


def test_badges_show_the_colour_with_readable_text(org_client, world):
    world["alpha"].tags.add(world["keynote"], world["maybe"])
    body = page(org_client.get(PROPOSALS))
    assert "background-color: #ffd700; color: #000000" in body
    assert "background-color: #0b1f4d; color: #ffffff" in body


def test_ranked_list_filters_and_sorts_by_tag(org_client, world):
    world["alpha"].tags.add(world["maybe"])
    world["bravo"].tags.add(world["keynote"])
    event = world["event"].pk

    assert list_titles(org_client.get(RANKED, {"event": event, "tag": world["maybe"].pk})) == [
        "Alpha"
    ]
    assert list_titles(org_client.get(RANKED, {"event": event, "tag": "none"})) == []
    # The Tags column is the list's last: ?o= counts the checkbox column first.
    assert list_titles(org_client.get(RANKED, {"event": event, "o": "10"})) == ["Bravo", "Alpha"]
    assert list_titles(org_client.get(RANKED, {"event": event, "o": "-10"})) == ["Alpha", "Bravo"]
    assert "Foreign tag" not in page(org_client.get(RANKED, {"event": event}))


def _count(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [PROPOSALS, RANKED])
def test_lists_with_tags_cost_the_same_queries_at_two_sizes(org_client, world, url):
    event = world["event"]
    params = {"event": event.pk} if url == RANKED else {}
    many = [Tag.objects.create(event=event, name=f"Tag {i}") for i in range(6)]

    counts = [_count(org_client, url, params)]  # 2 proposals, no tags
    for i in range(12):
        proposal = ProposalFactory(event=event, title=f"More {i}", state=ProposalState.SUBMITTED)
        proposal.tags.add(*many)
    counts.append(_count(org_client, url, params))  # 14 proposals, 6 tags each

    assert counts[0] == counts[1] <= 25


# --- exports ------------------------------------------------------------------------------------


def test_exports_hold_the_tags_next_to_the_state(world):
    event, alpha = world["event"], world["alpha"]
    alpha.tags.add(world["maybe"], world["keynote"])
    proposals = Proposal.objects.filter(event=event).order_by("title")

    from cfp.exports import for_export

    rows = list(
        csv.reader(
            io.StringIO(b"".join(talks_csv(event, for_export(proposals))).decode("utf-8-sig"))
        )
    )
    header = rows[0]
    assert header[header.index("state") + 1] == "tags"
    by_title = {row[1]: row for row in rows[1:]}
    assert by_title["Alpha"][header.index("tags")] == "Keynote; Maybe"
    assert by_title["Bravo"][header.index("tags")] == ""

    data = json.loads(b"".join(talks_json(event, for_export(proposals))))
    assert {t["title"]: t["tags"] for t in data["talks"]} == {
        "Alpha": ["Keynote", "Maybe"],
        "Bravo": [],
    }


def test_reviews_export_holds_only_the_tags_reviewers_see(world):
    event, alpha = world["event"], world["alpha"]
    world["keynote"].visible_to_reviewers = True
    world["keynote"].save()
    alpha.tags.add(world["maybe"], world["keynote"])

    export = ReviewExport(event, world["organizer"])
    text = b"".join(export.proposals_csv()).decode("utf-8-sig")
    data = json.loads(b"".join(export.reviews_json()))

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][rows[0].index("state") + 1] == "tags"
    assert {row[1]: row[rows[0].index("tags")] for row in rows[1:]}["Alpha"] == "Keynote"
    assert "Maybe" not in text
    assert {p["title"]: p["tags"] for p in data["proposals"]}["Alpha"] == ["Keynote"]


# --- speakers never see tags ---------------------------------------------------------------------


def test_speakers_never_see_tags(client, world):
    alpha = world["alpha"]
    world["keynote"].visible_to_reviewers = True
    world["keynote"].save()
    alpha.tags.add(world["keynote"], world["maybe"])
    client.force_login(alpha.speakers.first())

    for url in (
        alpha.get_absolute_url(),
        reverse("cfp:my_proposals"),
        reverse("cfp:proposal_edit", kwargs={"event": alpha.event.slug, "code": alpha.code}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "Keynote" not in page(response) and "Maybe" not in page(response)


def test_a_speaker_cannot_reach_the_tag_pages(client, world):
    client.force_login(SpeakerFactory())
    response = client.get(reverse("admin:cfp_tag_changelist"))
    assert is_staff_panel_refusal(response)
