from celery import shared_task

from cfp import emails


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_submission_received(*, proposal_id: int) -> None:
    emails.send_submission_received(proposal_id=proposal_id)


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_invitation(*, invitation_id: int) -> None:
    emails.send_invitation(invitation_id=invitation_id)
