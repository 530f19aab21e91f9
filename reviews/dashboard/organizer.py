"""The organizer's picture of one event: cfp.dashboard's figures and the review's."""

from dataclasses import dataclass

from cfp import dashboard as cfp_dashboard
from cfp.enums import ProposalState
from cfp.models import Event
from reviews.dashboard.figures import ReviewFigures
from reviews.dashboard.review import review_figures
from speakers.models import User


@dataclass
class OrganizerDashboard:
    event: Event
    cfp: cfp_dashboard.CfPState
    proposals: cfp_dashboard.ProposalCounts
    submissions: cfp_dashboard.Submissions
    outbox: cfp_dashboard.Outbox
    schedule: cfp_dashboard.ScheduleState
    review: ReviewFigures

    @property
    def decided(self) -> int:
        return self.proposals.count(
            ProposalState.ACCEPTED,
            ProposalState.REJECTED,
            ProposalState.CONFIRMED,
            ProposalState.DECLINED,
            ProposalState.CANCELED,
        )

    @property
    def confirmed(self) -> int:
        return self.proposals.count(ProposalState.CONFIRMED)

    @property
    def unconfirmed(self) -> int:
        """Accepted talks whose speakers have neither confirmed nor declined yet."""
        return self.proposals.count(ProposalState.ACCEPTED)


def organizer_dashboard(event: Event, viewer: User) -> OrganizerDashboard:
    """Everything the organizer's dashboard shows of one event: ten queries (eleven when the
    viewer has a conflict in it)."""
    state = cfp_dashboard.cfp_state(event)
    proposals = cfp_dashboard.proposal_counts(event)
    return OrganizerDashboard(
        event=event,
        cfp=state,
        proposals=proposals,
        submissions=cfp_dashboard.submissions_per_day(event, state),
        outbox=cfp_dashboard.outbox_counts(event),
        schedule=cfp_dashboard.schedule_state(event, proposals),
        review=review_figures(event, viewer, proposals),
    )
