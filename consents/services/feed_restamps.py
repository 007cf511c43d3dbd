"""What the consent feed (`consents.selectors.feed`) must read anew without a consent changing: it follows
the state rows' write time, so a change to a customer's answers that rewrites no row restamps them, in
the caller's transaction: a restriction, objection or legal hold put in force or lifted (a core that loaded
"yes" last night must hear of today's objection), a customer moved to another customer number."""

from __future__ import annotations

from consents.models import ConsentState
from consents.services.records import state_written_at


def consent_states_restamp(*, subject_id, purpose_id=None) -> None:
    """The customer's state rows (for one purpose, when given) read by the feed's next page."""
    states = ConsentState.objects.filter(subject_id=subject_id)
    if purpose_id is not None:
        states = states.filter(purpose_id=purpose_id)
    states.update(updated_at=state_written_at())


def customer_renumbered_restamp(sender, *, subject, **kwargs) -> None:
    """A batch keying its flags by CIF hears of the new number at its next run, not at the customer's next
    change of answer."""
    consent_states_restamp(subject_id=subject.pk)
