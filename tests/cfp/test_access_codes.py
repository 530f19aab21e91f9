"""Access codes: the link that opens the form, after the deadline and to hidden tracks and
types; unknown, expired and used-up codes; their uses counted under a lock; their admin."""

import re
import threading
from datetime import timedelta
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cfp import services
from cfp.enums import ProposalState
from cfp.models import AccessCode, Proposal
from cfp.services import ActionRefused
from tests.cfp.speaker_pages import close_cfp, event_url
from tests.factories import (
    EventFactory,
    ProposalFactory,
    SpeakerFactory,
    SubmissionTypeFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import choices, complete_data, list_rows, page

pytestmark = pytest.mark.django_db

LATER = timedelta(days=3)


def code_for(event, **fields) -> AccessCode:
    tracks = fields.pop("tracks", [])
    kinds = fields.pop("submission_types", [])
    code = AccessCode.objects.create(event=event, **fields)
    code.tracks.set(tracks)
    code.submission_types.set(kinds)
    return code


def open_form(client, event, code: str):
    """The form as the shared link opens it (following the redirect that adds its token)."""
    return client.get(event_url("proposal_create", event) + f"?access_code={code}", follow=True)


def post(client, event, data, code: str | None = None, submit=True):
    data = {**data, ("submit" if submit else "draft"): "1", "creation_token": str(uuid4())}
    if code is not None:
        data["access_code"] = code
    return client.post(event_url("proposal_create", event), data, follow=True)


# --- after the deadline ---------------------------------------------------------------------


def test_code_link_opens_a_closed_cfp_until_its_valid_until(speaker_client, event):
    close_cfp(event)
    code = code_for(event, code="LATE-SPEAKER", valid_until=timezone.now() + LATER)

    opened = open_form(speaker_client, event, "late-speaker")  # any case
    response = post(speaker_client, event, complete_data(event), code="LATE-SPEAKER")

    body = page(opened)
    assert "Your access code <strong>LATE-SPEAKER</strong> is applied." in body
    assert '<input type="hidden" name="access_code" value="LATE-SPEAKER">' in body
    assert 'name="draft"' in body  # an open form, not the read-only record
    proposal = Proposal.objects.get()
    assert (proposal.state, proposal.access_code) == (ProposalState.SUBMITTED, code)
    assert proposal.edit_deadline() == code.valid_until
    assert proposal.is_editable()
    assert "is submitted" in page(response)


def test_proposal_made_with_a_code_stays_editable_until_the_code_ends(speaker_client, speaker):
    event = EventFactory()
    code = code_for(event, valid_until=timezone.now() + LATER)
    proposal = ProposalFactory(event=event, speakers=[speaker])
    Proposal.objects.filter(pk=proposal.pk).update(access_code=code)
    close_cfp(event)

    response = speaker_client.post(
        reverse("cfp:proposal_edit", kwargs={"event": event.slug, "code": proposal.code}),
        {**complete_data(event), "title": "Edited late", "save": "1"},
    )

    assert response.status_code == 302
    assert Proposal.objects.get().title == "Edited late"


def test_code_without_valid_until_opens_nothing_after_the_deadline(speaker_client, event):
    close_cfp(event)
    code_for(event, code="NO-DATE")

    response = open_form(speaker_client, event, "NO-DATE")
    refused = post(speaker_client, event, complete_data(event), code="NO-DATE")

    assert response.redirect_chain[-1][0] == event.get_absolute_url()
    assert "no new proposals for now" in page(response)
    assert "The call for papers is not open." in page(refused)
    assert not Proposal.objects.exists()


# --- refused codes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "given", "message"),
    [
        (None, "NOPE-NOPE", "“NOPE-NOPE” is not an access code of"),
        (
            {"code": "OLD-CODE", "valid_until": "past"},
            "OLD-CODE",
            "The access code “OLD-CODE” expired on",
        ),
        (
            {"code": "ONCE-ONLY", "max_uses": 1, "used": 1},
            "ONCE-ONLY",
            "The access code “ONCE-ONLY” has been used up (it was for 1 proposal).",
        ),
        (None, "x" * 500, "is not an access code of"),
        (None, "<script>alert(1)</script>", "is not an access code of"),
    ],
)
def test_unusable_code_gets_a_clear_message_and_the_form_works_without_it(
    speaker_client, event, make, given, message
):
    hidden = TrackFactory(event=event, name="Keynotes", requires_access_code=True)
    TrackFactory(event=event, name="Developer")
    if make:
        used = make.pop("used", 0)
        if make.get("valid_until") == "past":
            make["valid_until"] = timezone.now() - timedelta(minutes=1)
        code = code_for(event, tracks=[hidden], **make)
        for _ in range(used):
            Proposal.objects.filter(pk=ProposalFactory(event=event).pk).update(access_code=code)
    before = Proposal.objects.count()

    response = open_form(speaker_client, event, given)
    posted = post(speaker_client, event, complete_data(event, track=hidden.pk), code=given)

    body = page(response)
    assert message in body
    assert "<script>alert(1)</script>" not in body
    assert "Keynotes" not in choices(response, "track").values()
    assert 'name="access_code"' not in body
    assert message in page(posted)
    assert Proposal.objects.count() == before  # the hidden track is refused without a code


# --- hidden tracks and types --------------------------------------------------------------


def test_hidden_track_and_type_are_offered_only_with_a_code_naming_them(speaker_client, event):
    keynotes = TrackFactory(event=event, name="Keynotes", requires_access_code=True)
    TrackFactory(event=event, name="Developer")
    sponsored = SubmissionTypeFactory(event=event, name="Sponsored", requires_access_code=True)
    code_for(event, code="KEYNOTE", tracks=[keynotes], submission_types=[sponsored])
    code_for(event, code="OTHER")

    public = open_form(speaker_client, event, "")
    other = open_form(speaker_client, event, "OTHER")
    with_code = open_form(speaker_client, event, "KEYNOTE")
    event_page = page(speaker_client.get(event.get_absolute_url()))

    for response in (public, other):
        assert "Keynotes" not in choices(response, "track").values()
        assert not any(
            "Sponsored" in label for label in choices(response, "submission_type").values()
        )
    assert "Keynotes" in choices(with_code, "track").values()
    assert any("Sponsored" in label for label in choices(with_code, "submission_type").values())
    assert "Keynotes" not in event_page and "Sponsored" not in event_page


def test_hidden_track_posted_without_its_code_is_refused_and_nothing_is_lost(speaker_client, event):
    keynotes = TrackFactory(event=event, name="Keynotes", requires_access_code=True)
    TrackFactory(event=event, name="Developer")
    code_for(event, code="KEYNOTE", tracks=[keynotes])
    code_for(event, code="OTHER")
    data = complete_data(event, track=keynotes.pk, title="Kept title ✓")

    without = post(speaker_client, event, data)
    wrong = post(speaker_client, event, data, code="OTHER")
    right = post(speaker_client, event, data, code="KEYNOTE")

    for response in (without, wrong):
        assert "Select a valid choice." in page(response)
        assert 'value="Kept title ✓"' in page(response)
    proposal = Proposal.objects.get()
    assert (proposal.track, proposal.state) == (keynotes, ProposalState.SUBMITTED)
    assert "is submitted" in page(right)


def test_service_refuses_a_hidden_type_without_its_code(speaker, event):
    sponsored = SubmissionTypeFactory(event=event, name="Sponsored", requires_access_code=True)

    with pytest.raises(ActionRefused, match="“Sponsored” is open only with an access code"):
        services.proposal_create(
            event=event,
            by=speaker,
            values={"title": "T", "submission_type": sponsored},
            submit=False,
        )
    assert not Proposal.objects.exists()


# --- the event page -----------------------------------------------------------------------


def test_closed_cfp_page_offers_to_submit_with_a_given_code(client, event):
    close_cfp(event)
    code_for(event, code="LATE-ONE", valid_until=timezone.now() + LATER)

    plain = page(client.get(event.get_absolute_url()))
    with_code = page(client.get(event.get_absolute_url() + "?access_code=LATE-ONE"))
    bad = page(client.get(event.get_absolute_url() + "?access_code=WRONG"))

    assert "Submit with your access code" not in plain
    assert "Submit with your access code" in with_code
    assert f'href="{event_url("proposal_create", event)}?access_code=LATE-ONE"' in with_code
    assert "Submit with your access code" not in bad and "“WRONG” is not an access code" in bad


# --- uses, and two speakers at once -------------------------------------------------------


def test_max_uses_counts_the_proposals_made_with_the_code(client, event):
    code = code_for(event, code="TWICE", max_uses=2)
    for _ in range(3):
        client.force_login(SpeakerFactory())
        post(client, event, complete_data(event), code="TWICE")

    # The third gets "used up" and a form without the code, as if none had been given.
    assert Proposal.objects.filter(access_code=code).count() == 2
    assert Proposal.objects.filter(access_code=None).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_two_speakers_at_once_cannot_use_a_code_beyond_its_maximum():
    import psycopg2

    event = EventFactory()
    code = code_for(event, code="ONE-SEAT", max_uses=1)
    first, second = SpeakerFactory(), SpeakerFactory()
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
    )
    outcome = {}

    def second_speaker():
        from django.db import connections

        try:
            services.proposal_create(
                event=event, by=second, values={"title": "Second"}, submit=False, access_code=code
            )
            outcome["second"] = "created"
        except ActionRefused as exc:
            outcome["second"] = str(exc)
        finally:
            connections.close_all()

    try:
        with other.cursor() as cursor:
            # The first speaker's request holds the code's row, as proposal_create does…
            cursor.execute("SELECT id FROM cfp_accesscode WHERE id = %s FOR UPDATE", [code.pk])
            thread = threading.Thread(target=second_speaker)
            thread.start()
            thread.join(timeout=1)
            assert thread.is_alive(), "the second request must wait for the code's row"
            # …and makes its proposal with the code before it lets go.
            first_proposal = ProposalFactory(event=event, speakers=[first])
            cursor.execute(
                "UPDATE cfp_proposal SET access_code_id = %s WHERE id = %s",
                [code.pk, first_proposal.pk],
            )
        other.commit()
        thread.join(timeout=30)
    finally:
        other.close()

    assert "has been used up" in outcome["second"]
    assert Proposal.objects.filter(access_code=code).count() == 1


# --- the staff panel ----------------------------------------------------------------------


@pytest.fixture
def organizer(event):
    user = UserFactory(is_staff=True)
    event.organizers.add(user)
    return user


def admin_add_data(event, **overrides) -> dict:
    data = {
        "event": event.pk,
        "code": "SPONSOR-27",
        "description": "For our sponsors",
        "valid_until_0": "2030-01-02",
        "valid_until_1": "10:00:00",
        "max_uses": "5",
    }
    data.update(overrides)
    return data


def test_organizer_adds_a_code_in_the_events_time_zone(client, event, organizer):
    track = TrackFactory(event=event, name="Keynotes", requires_access_code=True)
    client.force_login(organizer)

    response = client.post(
        reverse("admin:cfp_accesscode_add"), admin_add_data(event, tracks=[track.pk])
    )

    assert response.status_code == 302, page(response)
    code = AccessCode.objects.get()
    assert list(code.tracks.all()) == [track]
    local = timezone.localtime(code.valid_until, event.tz)
    assert (local.date().isoformat(), local.hour) == ("2030-01-02", 10)


def test_code_is_unique_per_event_whatever_the_case(client, event, organizer):
    code_for(event, code="SPONSOR-27")
    client.force_login(organizer)

    response = client.post(
        reverse("admin:cfp_accesscode_add"), admin_add_data(event, code="sponsor-27")
    )

    assert "already has the code “SPONSOR-27”" in page(response)
    assert AccessCode.objects.count() == 1


def test_the_database_keeps_codes_unique_in_any_case(event):
    from django.db import IntegrityError, transaction

    code_for(event, code="SPONSOR-27")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessCode.objects.create(event=event, code="sponsor-27")
    AccessCode.objects.create(event=EventFactory(), code="sponsor-27")  # another event's


def test_code_cannot_open_another_events_track(client, event, organizer):
    foreign = TrackFactory(event=EventFactory(organizers=[organizer]), name="Elsewhere")
    client.force_login(organizer)

    response = client.post(
        reverse("admin:cfp_accesscode_add"), admin_add_data(event, tracks=[foreign.pk])
    )

    assert "belong to another event" in page(response)
    assert not AccessCode.objects.exists()


def test_code_page_offers_its_events_tracks_and_the_link_to_share(
    client, event, organizer, settings
):
    settings.SITE_URL = "https://cfp.example.org"
    TrackFactory(event=event, name="Mine")
    TrackFactory(event=EventFactory(), name="Theirs")
    code = code_for(event, code="SHARE-ME", max_uses=3)
    client.force_login(organizer)

    response = client.get(reverse("admin:cfp_accesscode_change", args=[code.pk]))

    body = page(response)
    assert "Mine" in body and "Theirs" not in body
    assert f"https://cfp.example.org/{event.slug}/submit/?access_code=SHARE-ME" in body
    assert "0 / 3" in body


def test_organizers_see_only_their_own_events_codes(client, event, organizer):
    mine = code_for(event, code="MINE-1")
    theirs = code_for(EventFactory(), code="THEIRS-1")
    client.force_login(organizer)

    listing = client.get(reverse("admin:cfp_accesscode_changelist"))
    foreign = client.get(reverse("admin:cfp_accesscode_change", args=[theirs.pk]))

    body = page(listing)
    assert mine.code in body and theirs.code not in body
    assert foreign.status_code == 302  # "does not exist": back to the list


def test_code_admin_refuses_staff_who_organize_nothing_and_speakers(client, event):
    code = code_for(event)
    client.force_login(UserFactory(is_staff=True))
    staff = client.get(reverse("admin:cfp_accesscode_change", args=[code.pk]))
    client.force_login(SpeakerFactory())
    speaker = client.get(reverse("admin:cfp_accesscode_changelist"))

    assert staff.status_code == 403
    assert speaker.status_code == 403


def test_code_list_query_count_does_not_grow(client, event, organizer):
    client.force_login(organizer)
    counts = []
    for size in (1, 20):
        for _ in range(size):
            code = code_for(event, max_uses=5, valid_until=timezone.now() + LATER)
            Proposal.objects.filter(pk=ProposalFactory(event=event).pk).update(access_code=code)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("admin:cfp_accesscode_changelist"))
        assert len(list_rows(response)) == AccessCode.objects.count()
        assert page(response).count("1 / 5") == AccessCode.objects.count()
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 25, counts


def test_track_admin_has_the_access_code_switch(client, event, organizer):
    client.force_login(organizer)

    body = page(client.get(reverse("admin:cfp_event_change", args=[event.pk])))

    assert re.search(r'name="tracks-__prefix__-requires_access_code"', body)
    assert re.search(r'name="submission_types-__prefix__-requires_access_code"', body)


# --- what a page costs ----------------------------------------------------------------------


def test_form_with_a_code_costs_the_same_for_any_number_of_tracks(speaker_client):
    counts = []
    for size in (1, 15):
        event = EventFactory()
        tracks = [TrackFactory(event=event, requires_access_code=i % 2 == 0) for i in range(size)]
        code_for(event, code=f"CODE-{size}", tracks=tracks)
        address = event_url("proposal_create", event) + f"?form={uuid4()}&access_code=CODE-{size}"
        with CaptureQueriesContext(connection) as ctx:
            response = speaker_client.get(address)
        assert len(choices(response, "track")) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_my_proposals_with_codes_cost_the_same(client):
    counts = []
    for size in (1, 10):
        speaker = SpeakerFactory()
        event = EventFactory()
        for _ in range(size):
            code = code_for(event, valid_until=timezone.now() + LATER)
            proposal = ProposalFactory(event=event, speakers=[speaker])
            Proposal.objects.filter(pk=proposal.pk).update(access_code=code)
        client.force_login(speaker)
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("cfp:my_proposals"))
        proposal = Proposal.objects.filter(speakers=speaker).first()
        with CaptureQueriesContext(connection) as detail:
            client.get(proposal.get_absolute_url())
        counts.append((len(ctx.captured_queries), len(detail.captured_queries)))
    assert counts[0] == counts[1], counts


def test_edit_cannot_move_a_proposal_into_a_hidden_track_without_its_code(speaker, event):
    keynotes = TrackFactory(event=event, name="Keynotes", requires_access_code=True)
    proposal = ProposalFactory(event=event, speakers=[speaker])

    with pytest.raises(ActionRefused, match="“Keynotes” is open only with an access code"):
        services.proposal_update(
            proposal=proposal, by=speaker, values={"track": keynotes}, submit=False
        )
    assert Proposal.objects.get().track is None
