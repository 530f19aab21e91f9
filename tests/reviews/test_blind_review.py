"""Blind review: a reviewer never learns who the speakers are, on any page they can reach.

The speakers below have names, addresses, biographies, affiliations, links and photos that
appear nowhere else; the reviewer fetches every staff-panel page within their reach and none
of those fragments may appear in any response. The same review page without blind review
does show the speakers, so that the check itself is known to work.
"""

import re
from urllib.parse import quote, quote_plus, urlencode

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import escape

from cfp.enums import ProposalState
from cfp.models import Proposal
from reviews import selectors, services
from reviews.models import Assignment, ReviewQueueItem
from tests.factories import (
    InvitationFactory,
    ProposalFactory,
    ReviewerFactory,
    ReviewerTeamFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import list_titles, page
from tests.reviews.helpers import give_review

pytestmark = pytest.mark.django_db

SPEAKERS = [
    {
        "email": "zq@quartermaine.example",
        "profile__name": "Zebulon Quartermaine",
        "profile__affiliation": "Quartermaine Heavy Industries",
        "profile__biography": "Fluent in Klingon opera; keynoted ZebConf twice.",
        "profile__links": "https://quartermaine.example/blog\nhttps://mastodon.example/@zebq",
        "profile__photo": "photos/quartermaine-portrait.jpg",
    },
    {
        "email": "po@strandworks.example",
        "profile__name": "Philippa Oyelaran-Strand",
        "profile__affiliation": "Strandworks Cooperative",
        "profile__biography": "Once sailed solo around Svalbard.",
        "profile__links": "https://strandworks.example/~po",
    },
]
NOTES = "Zeb here: I gave a shorter version at SvalbardConf."
INVITEE = "invitee@quartermaine.example"
# What must never reach a blind reviewer, compared case-insensitively.
FRAGMENTS = [
    "Zebulon",
    "Quartermaine",
    "zq@",
    "Klingon",
    "ZebConf",
    "@zebq",
    "quartermaine-portrait",
    "Philippa",
    "Oyelaran",
    "strandworks",
    "Svalbard",
    "SvalbardConf",
    "invitee@",
]
SEARCHES = [
    "Zebulon Quartermaine",
    "Quartermaine",
    "zq@quartermaine.example",
    "Klingon",
    "Strandworks",
]


def leaks(body: str, ignore: str = "") -> list[str]:
    """The fragments in the body; `ignore` (what the reviewer typed) is not a leak."""
    # Random tokens could spell a short fragment by chance (the check ignores case).
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    for typed in filter(None, {ignore, escape(ignore), quote_plus(ignore), quote(ignore)}):
        body = body.replace(typed, "")
        body = body.replace(typed.lower(), "")
    return [f for f in FRAGMENTS if f.lower() in body.lower()]


@pytest.fixture
def blind_event(review_event):
    review_settings = selectors.settings_for(review_event)
    review_settings.blind = True
    review_settings.hide_others_until_scored = False
    review_settings.save()
    return review_event


@pytest.fixture
def world(blind_event, reviewer):
    """A blind event: two proposals by the distinctive speakers, one conflicted, reviews."""
    speakers = [SpeakerFactory(**fields) for fields in SPEAKERS]
    track = TrackFactory(event=blind_event, name="Infrastructure")
    kind = SubmissionTypeFactory(event=blind_event, name="Talk")
    proposal = ProposalFactory(
        event=blind_event,
        title="Scaling message queues",
        abstract="The speakers compare three brokers under load.",
        notes=NOTES,
        track=track,
        submission_type=kind,
        speakers=speakers,
        state=ProposalState.SUBMITTED,
    )
    InvitationFactory(proposal=proposal, email=INVITEE, invited_by=speakers[0])
    conflicted = ProposalFactory(
        event=blind_event,
        title="Another talk by the same people",
        speakers=speakers[:1],
        state=ProposalState.SUBMITTED,
    )
    other = ProposalFactory(
        event=blind_event, title="Unrelated talk", state=ProposalState.SUBMITTED, track=track
    )
    for assigned in (proposal, conflicted, other):
        Assignment.objects.create(proposal=assigned, reviewer=reviewer)
    services.conflict_declare(proposal=conflicted, reviewer=reviewer, reason="I know them.")
    colleague = ReviewerFactory(profile__name="Colleague Reviewer")
    ReviewerTeamFactory(event=blind_event, members=[colleague])
    give_review(proposal, colleague, 4, comment="Strong comparison.")
    # The staff panel's log of organizer edits, which names people.
    organizer = UserFactory(is_staff=True)
    blind_event.organizers.add(organizer)
    for model in (Proposal, ReviewQueueItem):
        LogEntry.objects.log_actions(
            user_id=organizer.pk,
            queryset=model.objects.filter(pk=proposal.pk),
            action_flag=CHANGE,
            change_message="Zebulon Quartermaine asked to swap the co-speaker.",
            single_object=True,
        )
    return {
        "proposal": proposal,
        "conflicted": conflicted,
        "track": track,
        "kind": kind,
        "speakers": speakers,
    }


def review_url(proposal) -> str:
    return reverse("admin:reviews_reviewqueueitem_change", args=[proposal.pk])


def reachable_urls(world, event) -> list[str]:
    """Every staff-panel page a reviewer can ask for about the proposal (no search terms)."""
    proposal, queue = world["proposal"], reverse("admin:reviews_reviewqueueitem_changelist")
    urls = [
        reverse("admin:index"),
        reverse("admin:app_list", args=["reviews"]),
        reverse("admin:app_list", args=["cfp"]),
        queue,
        review_url(proposal),
        reverse("admin:reviews_reviewqueueitem_conflict", args=[proposal.pk]),
        reverse("admin:reviews_reviewqueueitem_history", args=[proposal.pk]),
        reverse("admin:reviews_reviewqueueitem_delete", args=[proposal.pk]),
        reverse("admin:reviews_reviewqueueitem_change", args=[world["conflicted"].pk]),
        reverse("admin:reviews_reviewqueueitem_history", args=[world["conflicted"].pk]),
        f"/admin/reviews/reviewqueueitem/{proposal.pk}/",
        "/admin/reviews/reviewqueueitem/999999/change/",
    ]
    filters = [
        {"event__id__exact": event.pk},
        {"track__id__exact": world["track"].pk},
        {"track__isnull": "True"},
        {"submission_type__id__exact": world["kind"].pk},
        {"reviewed": "yes"},
        {"reviewed": "no"},
        {"o": "-1"},
        {"_facets": "True"},
        {"e": "1"},
        # Lookups the sidebar does not offer are refused, not answered.
        {"speakers__profile__name__icontains": "Zeb"},
        {"speakers": world["speakers"][0].pk},
        {"notes__icontains": "Svalbard"},
    ]
    urls += [f"{queue}?{urlencode(params)}" for params in filters]
    change = review_url(proposal)
    list_filters = urlencode({"track__id__exact": world["track"].pk})
    urls.append(f"{change}?{urlencode({'_changelist_filters': list_filters})}")
    # Every other model of the staff panel: the organizers' side, accounts, the CfP.
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        urls.append(reverse(f"{prefix}_change", args=[proposal.pk]))
        urls.append(reverse(f"{prefix}_history", args=[proposal.pk]))
    for speaker in world["speakers"]:
        urls.append(reverse("admin:speakers_user_change", args=[speaker.pk]))
    # The admin's autocomplete, from every field that points at a proposal or a user.
    for app_label, model_name, field_name in [
        ("reviews", "review", "proposal"),
        ("reviews", "assignment", "proposal"),
        ("reviews", "conflict", "proposal"),
        ("reviews", "reviewerteam", "members"),
        ("cfp", "invitation", "proposal"),
        ("cfp", "proposal", "speakers"),
        ("cfp", "event", "organizers"),
    ]:
        for term in ("", "Zebulon"):
            params = {
                "app_label": app_label,
                "model_name": model_name,
                "field_name": field_name,
                "term": term,
            }
            urls.append(f"{reverse('admin:autocomplete')}?{urlencode(params)}")
    # "View on site" for the proposal goes to the public page, which is the speakers' only.
    content_type = ContentType.objects.get_for_model(Proposal)
    urls.append(reverse("admin:view_on_site", args=[content_type.pk, proposal.pk]))
    return urls


def test_blind_reviewer_sees_no_speaker_anywhere(client, blind_event, reviewer, world):
    client.force_login(reviewer)
    seen = {}

    for url in reachable_urls(world, blind_event):
        response = client.get(url, follow=True)
        seen[url] = response.status_code
        assert leaks(page(response)) == [], url

    # The pages that matter were really shown, not refused.
    proposal = world["proposal"]
    assert seen[review_url(proposal)] == 200
    assert seen[reverse("admin:reviews_reviewqueueitem_changelist")] == 200
    assert seen[review_url(world["conflicted"])] == 404
    body = page(client.get(review_url(proposal)))
    assert "Scaling message queues" in body
    assert "The speakers compare three brokers under load." in body
    assert "Strong comparison." in body and "Another reviewer (A)" in body  # others' reviews, blind


def test_blind_search_for_a_speaker_reveals_nothing(client, blind_event, reviewer, world):
    client.force_login(reviewer)
    queue = reverse("admin:reviews_reviewqueueitem_changelist")

    for term in SEARCHES:
        response = client.get(queue, {"q": term})

        assert response.status_code == 200
        assert list_titles(response) == [], term
        assert "Scaling message queues" not in page(response)
        assert leaks(page(response), ignore=term) == [], term
    # The search itself works: on titles and abstracts.
    found = client.get(queue, {"q": "brokers"})
    assert list_titles(found) == ["Scaling message queues"]


def test_blind_pages_after_saving_and_after_an_error(client, blind_event, reviewer, world):
    proposal = world["proposal"]
    criterion = selectors.criteria_for(blind_event)[0]
    client.force_login(reviewer)

    error = client.post(review_url(proposal), {f"score_{criterion.pk}": "99", "comment": "x"})
    saved = client.post(
        review_url(proposal), {f"score_{criterion.pk}": "3", "comment": "Fine."}, follow=True
    )
    skipped = client.post(review_url(proposal), {"_skip": "Skip"}, follow=True)
    declared = client.post(
        reverse("admin:reviews_reviewqueueitem_conflict", args=[proposal.pk]), follow=True
    )
    gone = client.get(review_url(proposal))

    assert "is scored from 1 to 5" in page(error)
    assert "is saved" in page(saved)
    for response in (error, saved, skipped, declared, gone):
        assert leaks(page(response)) == []
    assert gone.status_code == 404


def test_without_blind_review_the_same_page_shows_the_speakers(client, review_event, reviewer):
    selectors.settings_for(review_event)  # not blind: the default
    speakers = [SpeakerFactory(**fields) for fields in SPEAKERS]
    proposal = ProposalFactory(
        event=review_event,
        title="Scaling message queues",
        notes=NOTES,
        speakers=speakers,
        state=ProposalState.SUBMITTED,
    )
    Assignment.objects.create(proposal=proposal, reviewer=reviewer)
    client.force_login(reviewer)

    body = page(client.get(review_url(proposal)))

    found = leaks(body)
    for expected in ("Zebulon", "Quartermaine", "Klingon", "Philippa", "Svalbard"):
        assert expected in found
    assert NOTES in body
    # Still never the email address, links or photo: the page does not show them at all.
    assert "zq@" not in body and "quartermaine-portrait" not in body
