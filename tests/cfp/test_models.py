from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from cfp.enums import TRANSITIONS, ProposalState
from cfp.models import ProposalTransition, TransitionNotAllowed
from tests.factories import ProposalFactory, SpeakerFactory

ALL_STATES = list(ProposalState)


def _in_state(proposal, state):
    # Test set-up only: put a row in a state without going through the lifecycle.
    type(proposal).objects.filter(pk=proposal.pk).update(state=state)
    proposal.refresh_from_db()
    return proposal


@pytest.mark.django_db
@pytest.mark.parametrize("state", ALL_STATES)
def test_submit_allowed_only_from_draft(state):
    proposal = _in_state(ProposalFactory(), state)
    speaker = proposal.speakers.get()
    if state == ProposalState.DRAFT:
        proposal.submit(by=speaker)
        proposal.refresh_from_db()
        assert proposal.state == ProposalState.SUBMITTED
        assert proposal.submitted_at is not None
    else:
        with pytest.raises(TransitionNotAllowed):
            proposal.submit(by=speaker)
        proposal.refresh_from_db()
        assert proposal.state == state
        assert not proposal.transitions.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("state", ALL_STATES)
def test_withdraw_allowed_only_from_submitted(state):
    proposal = _in_state(ProposalFactory(), state)
    speaker = proposal.speakers.get()
    if state == ProposalState.SUBMITTED:
        proposal.withdraw(by=speaker)
        proposal.refresh_from_db()
        assert proposal.state == ProposalState.WITHDRAWN
    else:
        with pytest.raises(TransitionNotAllowed):
            proposal.withdraw(by=speaker)
        proposal.refresh_from_db()
        assert proposal.state == state


@pytest.mark.django_db
@pytest.mark.parametrize("from_state", ALL_STATES)
@pytest.mark.parametrize("to_state", ALL_STATES)
def test_state_machine_follows_the_transition_table(from_state, to_state):
    # Through the lifecycle methods, the only way state changes: the table's move happens and
    # is audited; from any other state, every method that leads to to_state refuses.
    proposal = _in_state(ProposalFactory(), from_state)
    speaker = proposal.speakers.get()
    leading_there = sorted({name for (_, to), name in TRANSITIONS.items() if to == to_state})
    if (from_state, to_state) in TRANSITIONS:
        getattr(proposal, TRANSITIONS[(from_state, to_state)])(by=speaker)
        proposal.refresh_from_db()
        assert proposal.state == to_state
        assert proposal.transitions.get().to_state == to_state
    else:
        for name in leading_there:
            with pytest.raises(TransitionNotAllowed):
                getattr(proposal, name)(by=speaker)
        proposal.refresh_from_db()
        assert proposal.state == from_state
        assert not proposal.transitions.exists()


def test_transition_table_matches_the_design():
    s = ProposalState
    assert set(TRANSITIONS) == {
        (s.DRAFT, s.SUBMITTED),
        (s.SUBMITTED, s.WITHDRAWN),
        (s.SUBMITTED, s.ACCEPTED),
        (s.SUBMITTED, s.REJECTED),
        (s.ACCEPTED, s.SUBMITTED),
        (s.REJECTED, s.SUBMITTED),
        (s.ACCEPTED, s.CONFIRMED),
        (s.ACCEPTED, s.DECLINED),
        (s.CONFIRMED, s.CANCELED),
    }


@pytest.mark.django_db
def test_audit_trail_records_who_when_from_and_to():
    proposal = ProposalFactory()
    speaker = proposal.speakers.get()
    before = timezone.now()

    proposal.submit(by=speaker)
    proposal.withdraw(by=speaker)

    rows = list(ProposalTransition.objects.filter(proposal=proposal).order_by("at", "pk"))
    assert [(r.from_state, r.to_state, r.by_id) for r in rows] == [
        (ProposalState.DRAFT, ProposalState.SUBMITTED, speaker.pk),
        (ProposalState.SUBMITTED, ProposalState.WITHDRAWN, speaker.pk),
    ]
    assert all(before <= r.at <= timezone.now() for r in rows)


@pytest.mark.django_db
def test_submit_refuses_an_incomplete_draft_and_names_what_is_missing():
    proposal = ProposalFactory(abstract="", submission_type=None, experience_level="")
    with pytest.raises(TransitionNotAllowed) as excinfo:
        proposal.submit(by=proposal.speakers.get())
    assert "Submission type" in str(excinfo.value)
    assert "Abstract" in str(excinfo.value)
    assert "Experience level" in str(excinfo.value)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DRAFT


@pytest.mark.django_db
def test_proposal_codes_are_random_and_not_sequential():
    codes = {ProposalFactory().code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(c) == 8 and c.isalnum() for c in codes)
    assert not any(c.isdigit() for c in codes)


# --- the deadline, in the event's time zone, at the second ---------------------------


@pytest.mark.django_db
def test_deadline_is_exclusive_at_the_second_in_the_event_timezone():
    proposal = ProposalFactory(event__timezone="Pacific/Auckland")
    cfp = proposal.event.cfp
    # 23:59:59 on a given day in Auckland is 10:59:59 UTC (NZDT, UTC+13).
    cfp.deadline = datetime(2027, 1, 15, 23, 59, 59, tzinfo=proposal.event.tz)
    cfp.save()
    proposal.refresh_from_db()
    deadline_utc = datetime(2027, 1, 15, 10, 59, 59, tzinfo=UTC)

    assert proposal.edit_deadline() == deadline_utc
    assert proposal.is_editable(now=deadline_utc - timedelta(seconds=1))
    assert not proposal.is_editable(now=deadline_utc)
    assert not proposal.is_editable(now=deadline_utc + timedelta(seconds=1))
    assert cfp.status(now=deadline_utc - timedelta(seconds=1)) == "open"
    assert cfp.status(now=deadline_utc) == "closed"


@pytest.mark.django_db
def test_deadline_extension_lets_one_proposal_be_edited_longer():
    proposal = ProposalFactory()
    other = ProposalFactory(event=proposal.event)
    deadline = proposal.event.cfp.deadline
    proposal.deadline_extension = deadline + timedelta(days=2)
    proposal.save()
    later = deadline + timedelta(days=1)

    assert proposal.is_editable(now=later)
    assert not other.is_editable(now=later)


@pytest.mark.django_db
def test_only_drafts_and_submitted_are_editable():
    proposal = ProposalFactory()
    for state in ALL_STATES:
        _in_state(proposal, state)
        assert proposal.is_editable() == (state in (ProposalState.DRAFT, ProposalState.SUBMITTED))


@pytest.mark.django_db
def test_cfp_not_yet_open():
    proposal = ProposalFactory()
    cfp = proposal.event.cfp
    cfp.opens_at = timezone.now() + timedelta(days=1)
    cfp.save()
    assert cfp.status() == "not_open"
    assert not cfp.is_open()


@pytest.mark.django_db
def test_display_name_never_shows_none():
    user = SpeakerFactory(profile__name="")
    assert user.display_name == user.email
    assert "None" not in user.display_name
