"""One page of every kind, per role, in the demo data (`seed_demo`): for tests that must hold
on every page (security headers, the Content-Security-Policy in a browser)."""

from dataclasses import dataclass

from django.core.management import call_command
from django.urls import reverse

from cfp.enums import MessageKind, ProposalState
from cfp.mail import outbox
from cfp.models import Event, Invitation, Message, Proposal, SendBatch
from reviews.models import Assignment
from tests.factories import ProposalFactory

ORGANIZER = "organizer@example.com"
REVIEWER = "reviewer1@example.com"
DEMO_PASSWORD = "lectern-demo"


@dataclass
class DemoPages:
    event: Event
    speaker_email: str
    public: list[str]
    speaker: list[str]
    reviewer: list[str]
    organizer: list[str]
    batch: SendBatch  # waiting: its two messages are neither sent nor released


def _admin(name: str, *args, query: str = "") -> str:
    return reverse(f"admin:{name}", args=args) + (f"?{query}" if query else "")


def demo_pages() -> DemoPages:
    """Seed the demo (as `make run` does) and list its pages."""
    call_command("seed_demo", "--force", verbosity=0)
    event = Event.objects.get(slug="democon")
    slug = event.slug
    talk = Proposal.objects.filter(event=event, state=ProposalState.CONFIRMED).order_by("pk")[0]
    # The speaker of an accepted talk who has not answered yet, with a draft and a submission.
    accepted = Proposal.objects.filter(event=event, state=ProposalState.ACCEPTED).order_by("pk")[0]
    speaker = accepted.speakers.order_by("pk").first()
    speaker.set_password(DEMO_PASSWORD)
    speaker.save()
    draft = ProposalFactory(event=event, speakers=[speaker], state=ProposalState.DRAFT)
    submitted = ProposalFactory(event=event, speakers=[speaker], state=ProposalState.SUBMITTED)
    # A proposal in the reviewer's queue (the queue's rows are proposals).
    queued = (
        Assignment.objects.filter(
            reviewer__email=REVIEWER, proposal__event=event, proposal__state=ProposalState.SUBMITTED
        )
        .order_by("pk")
        .first()
        .proposal_id
    )
    invitation = Invitation.objects.order_by("pk").first()
    message = Message.objects.filter(event=event).order_by("pk")[0]
    batch = SendBatch.objects.create(event=event, total=2)
    for n in (1, 2):
        outbox.message_queue(
            to=f"waiting{n}@example.com",
            subject="Waiting",
            body="A message of a batch that is still sending.",
            kind=MessageKind.ACCEPTANCE,
            event=event,
            draft=True,
        )
    Message.objects.filter(to__startswith="waiting").update(batch=batch)
    event_query = f"event={event.pk}"

    def proposal_page(name: str, proposal: Proposal) -> str:
        return reverse(f"cfp:{name}", kwargs={"event": slug, "code": proposal.code})

    public = [
        reverse("cfp:home"),
        reverse("cfp:event", kwargs={"event": slug}),
        reverse("cfp:talks", kwargs={"event": slug}),
        reverse("cfp:schedule", kwargs={"event": slug}),
        reverse("cfp:talk", kwargs={"event": slug, "code": talk.code}),
        reverse("cfp:speaker", kwargs={"event": slug, "pk": talk.speakers.first().pk}),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
    ]
    if invitation is not None:
        public.append(reverse("cfp:invitation", kwargs={"token": invitation.token}))
    speaker_pages = [
        reverse("cfp:my_proposals"),
        reverse("cfp:proposal_create", kwargs={"event": slug}),
        proposal_page("proposal", accepted),
        proposal_page("proposal_slides", accepted),
        proposal_page("proposal_decline", accepted),
        proposal_page("proposal", draft),
        proposal_page("proposal_edit", draft),
        proposal_page("proposal_delete", draft),
        proposal_page("proposal_withdraw", submitted),
        reverse("speakers:profile"),
        reverse("account_email"),
        reverse("account_change_password"),
    ]
    reviewer_pages = [
        _admin("index"),
        _admin("reviews_reviewqueueitem_changelist"),
        _admin("reviews_reviewqueueitem_change", queued),
        _admin("reviews_reviewqueueitem_conflict", queued),
    ]
    organizer_pages = [
        _admin("index"),
        _admin("cfp_event_changelist"),
        _admin("cfp_event_change", event.pk),
        _admin("cfp_proposal_changelist"),
        _admin("cfp_proposal_change", talk.pk),
        _admin("reviews_rankedproposal_changelist", query=event_query),
        _admin("reviews_rankedproposal_change", talk.pk),
        _admin("reviews_rankedproposal_decide", submitted.pk, query="decision=accept"),
        _admin("reviews_rankedproposal_accept_top", query=event_query),
        _admin("reviews_rankedproposal_reviewers", query=event_query),
        _admin("reviews_reviewerteam_changelist"),
        _admin("reviews_assignment_changelist"),
        _admin("reviews_assignment_run", query=event_query),
        _admin("reviews_conflict_changelist"),
        _admin("reviews_conflict_suggestions", query=event_query),
        _admin("cfp_event_schedule", event.pk),
        _admin("cfp_event_exports", event.pk),
        _admin("cfp_message_changelist"),
        _admin("cfp_message_change", message.pk),
        _admin("cfp_message_remind_reviewers", query=event_query),
        _admin("cfp_emailtemplate_changelist"),
        _admin("cfp_emailtemplate_add"),
        _admin("cfp_sendbatch_changelist"),
        _admin("cfp_sendbatch_progress", batch.pk),
    ]
    return DemoPages(
        event, speaker.email, public, speaker_pages, reviewer_pages, organizer_pages, batch
    )
