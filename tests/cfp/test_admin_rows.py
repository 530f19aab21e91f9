"""The organizer's proposal list draws its rows itself (cfp/admin/rows.py): the same markup as
Django's changelist, cell for cell, whatever the list shows or how it is filtered and sorted."""

import re

import pytest
from django.urls import reverse

from cfp.admin import rows
from cfp.enums import ProposalState
from cfp.models import Tag
from tests.factories import (
    EventFactory,
    ProposalFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)


@pytest.fixture
def organizer(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def event(organizer):
    event = EventFactory(organizers=[organizer], name='Summit <i>"quoted"</i> & co')
    track = TrackFactory(event=event, name="Web & <b>friends</b>")
    kind = SubmissionTypeFactory(event=event, name="Talk 東京")
    loud = Tag.objects.create(event=event, name="<script>x</script>", colour="#ffcc00")
    quiet = Tag.objects.create(event=event, name="shortlist", colour="#003366")
    tagged = ProposalFactory(
        event=event,
        title='A <b>"bold"</b> & Ünïcode 🚀',
        track=track,
        submission_type=kind,
        state=ProposalState.SUBMITTED,
    )
    tagged.tags.set([loud, quiet])
    ProposalFactory(event=event, title="   ", track=None, state=ProposalState.SUBMITTED)
    ProposalFactory(event=event, title="Accepted one", state=ProposalState.ACCEPTED)
    return event


def both_drawings(client, url):
    response = client.get(url)
    assert response.status_code == 200
    cl = response.context["cl"]
    return ["".join(row) for row in rows.rows(cl)], ["".join(row) for row in rows._django_rows(cl)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?event__id__exact={event}",
        "?o=3.-1",
        "?o=-9&state__exact=submitted",
        "?q=bold&event__id__exact={event}",
    ],
)
def test_fast_rows_are_the_rows_django_draws(client, organizer, event, query):
    client.force_login(organizer)
    url = reverse("admin:cfp_proposal_changelist") + query.format(event=event.pk)

    fast, django = both_drawings(client, url)

    assert fast  # every query above finds a proposal
    assert fast == django


@pytest.mark.django_db
def test_a_row_links_to_the_proposal_and_back_to_the_list_as_it_was(client, organizer, event):
    client.force_login(organizer)
    proposal = event.proposals.get(title__startswith="A <b>")
    url = reverse("admin:cfp_proposal_changelist") + f"?event__id__exact={event.pk}&o=-1"

    body = client.get(url).content.decode()

    change = reverse("admin:cfp_proposal_change", args=[proposal.pk])
    assert f'<a href="{change}?_changelist_filters=event__id__exact%3D{event.pk}%26o%3D-1">' in (
        body
    )
    assert "<script>x</script>" not in body and "&lt;script&gt;x&lt;/script&gt;" in body
    assert "<b>friends</b>" not in body and "Web &amp; &lt;b&gt;friends&lt;/b&gt;" in body
    # Every row is drawn: a checkbox and nine cells each.
    assert len(re.findall(r'<td class="action-checkbox">', body)) == 3


@pytest.mark.django_db
def test_a_column_it_does_not_know_is_drawn_by_django(client, organizer, event, monkeypatch):
    from django.contrib import admin

    from cfp.models import Proposal

    model_admin = admin.site._registry[Proposal]
    # A boolean column: the fast drawing has no icon for it, so the whole page falls back.
    monkeypatch.setattr(
        model_admin, "list_display", [*model_admin.list_display, "has_deadline_extension"]
    )
    model_admin.has_deadline_extension = admin.display(boolean=True, description="extended")(
        lambda obj: obj.deadline_extension is not None
    )
    client.force_login(organizer)
    try:
        fast, django = both_drawings(client, reverse("admin:cfp_proposal_changelist"))
    finally:
        del model_admin.has_deadline_extension

    assert fast == django
    assert 'alt="False"' in fast[0]
