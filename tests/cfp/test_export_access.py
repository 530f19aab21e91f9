"""Who may export, the Exports page and where organizers find it, and the proposal list's
export actions."""

import json

import pytest
from django.urls import reverse

from cfp.enums import ProposalState
from cfp.models import Proposal
from tests.cfp.export_files import SECRET, body, export_url, read_csv, run_action
from tests.factories import UserFactory
from tests.helpers import is_staff_panel_refusal, page

pytestmark = pytest.mark.django_db


ENDPOINTS = {
    "page": lambda w: reverse("admin:cfp_event_exports", args=[w.event.pk]),
    "talks csv": lambda w: export_url("talks_csv", w.event),
    "speakers csv": lambda w: export_url("speakers_csv", w.event),
    "talks json": lambda w: export_url("talks_json", w.event),
}


# What the organizer finds in each: the page names the event, the files hold the talks.
FOUND = {"page": "Exports: Kernel Summit"}


ROLES = {
    "anonymous": lambda w: None,
    "speaker": lambda w: w.ada,
    "reviewer of the event, blind review": lambda w: w.reviewer,
    "organizer of another event": lambda w: w.other_organizer,
}


def content(response) -> str:
    data = body(response) if response.streaming else response.content
    return data.decode("utf-8")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_organizer_of_the_event_exports(export_client, export_world, endpoint):
    response = export_client.get(ENDPOINTS[endpoint](export_world))

    assert response.status_code == 200
    assert FOUND.get(endpoint, SECRET) in content(response)
    assert "Their own talk" not in content(response)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_superuser_exports_any_event(client, export_world, endpoint):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(ENDPOINTS[endpoint](export_world))

    assert response.status_code == 200
    assert FOUND.get(endpoint, SECRET) in content(response)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_nobody_else_exports(client, export_world, endpoint, role):
    user = ROLES[role](export_world)
    if user is not None:
        client.force_login(user)

    response = client.get(ENDPOINTS[endpoint](export_world))

    assert not response.streaming and "Content-Disposition" not in response
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
        return
    if role == "speaker":
        assert is_staff_panel_refusal(response)
        return
    # A reviewer organizes nothing: refused. Another event's organizer: no such event.
    expected = 403 if role.startswith("reviewer") else 404
    assert response.status_code == expected
    for secret in (SECRET, "ada@example.com", "Needs the big room", "Kernel Summit"):
        assert secret not in content(response)


def test_an_event_id_that_is_no_number_does_not_exist(export_client, export_world):
    response = export_client.get(
        reverse("admin:cfp_event_exports", args=[export_world.event.pk]).replace(
            f"/{export_world.event.pk}/", "/x1/"
        )
    )

    assert response.status_code == 404


def test_event_page_links_to_its_exports(export_client, export_world):
    response = export_client.get(reverse("admin:cfp_event_change", args=[export_world.event.pk]))

    exports_url = reverse("admin:cfp_event_exports", args=[export_world.event.pk])
    assert f'href="{exports_url}"' in page(response)


def test_exports_page_offers_the_downloads_the_reviews_and_the_feeds(export_client, export_world):
    response = export_client.get(reverse("admin:cfp_event_exports", args=[export_world.event.pk]))

    html = page(response)
    assert "1 accepted and 1 confirmed talk" in html
    for name in ("talks_csv", "speakers_csv", "talks_json"):
        assert f'formaction="{export_url(name, export_world.event)}"' in html
    for name in ("reviews_csv", "proposals_csv", "reviews_json"):
        url = reverse(f"admin:reviews_export_{name}")
        assert f'href="{url}?event={export_world.event.pk}"' in html
    for name in ("schedule_ical", "schedule_xml", "schedule_json"):
        assert f'href="{reverse(f"cfp:{name}", kwargs={"event": "kernel"})}"' in html
    # The filters offer this event's tracks and types, no other's.
    assert "Developer" in html and "Presentation" in html
    assert "Their own talk" not in html


def test_action_exports_just_the_selected_proposals_as_csv(export_client, export_world):
    submitted = Proposal.objects.get(event=export_world.event, state=ProposalState.SUBMITTED)

    response = run_action(export_client, "export_selected_csv", [export_world.bare, submitted])

    assert response.status_code == 200
    assert 'filename="kernel-talks.csv"' in response["Content-Disposition"]
    rows = read_csv(body(response))
    assert sorted(r["code"] for r in rows) == sorted([export_world.bare.code, submitted.code])
    assert {r["state"] for r in rows} == {"Accepted", "Submitted"}


def test_action_exports_just_the_selected_proposals_as_json(export_client, export_world):
    response = run_action(export_client, "export_selected_json", [export_world.scheduled])

    document = json.loads(body(response))
    assert [t["code"] for t in document["talks"]] == [export_world.scheduled.code]
    assert document["event"]["slug"] == "kernel"


def test_action_never_exports_another_events_proposal(export_client, export_world):
    response = run_action(
        export_client, "export_selected_csv", [export_world.scheduled, export_world.other_talk]
    )

    codes = [r["code"] for r in read_csv(body(response))]
    assert codes == [export_world.scheduled.code]


def test_action_of_another_events_organizer_exports_nothing_of_this_event(client, export_world):
    client.force_login(export_world.other_organizer)

    response = run_action(
        client, "export_selected_csv", [export_world.scheduled, export_world.bare]
    )

    assert response.status_code == 302  # "no items selected": theirs do not include these
    assert "Content-Disposition" not in response
    assert SECRET not in page(client.get(response.url))


def test_action_refuses_a_selection_across_events(client, export_world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = run_action(
        client, "export_selected_json", [export_world.scheduled, export_world.other_talk]
    )

    assert response.status_code == 302
    assert "Content-Disposition" not in response
    assert "proposals of one event" in page(client.get(response.url))
