"""Who may do what in the CfP, declared once (django-rules predicates)."""

import rules


@rules.predicate
def is_proposal_speaker(user, proposal) -> bool:
    if not user.is_authenticated or proposal is None:
        return False
    return any(speaker.pk == user.pk for speaker in proposal.speakers.all())


@rules.predicate
def is_event_organizer(user, event) -> bool:
    if event is None:
        return False
    return event.is_organizer(user)


@rules.predicate
def is_proposal_organizer(user, proposal) -> bool:
    return proposal is not None and proposal.event.is_organizer(user)


rules.add_rule("cfp.view_proposal", is_proposal_speaker | is_proposal_organizer)
rules.add_rule("cfp.edit_proposal", is_proposal_speaker)
rules.add_rule("cfp.organize_event", is_event_organizer)
rules.add_rule("cfp.order_speakers", is_proposal_speaker | is_proposal_organizer)
