"""Who may answer without a written authority is the service's rule (`consents.services.who_answered`):
the staff forms ask the service, as the withdraw form asks `withdrawal_evidence_missing_error`, and never
restate it, so the page and the service cannot come to disagree."""

from __future__ import annotations

import pytest

from consents import desk_forms
from consents.desk_forms import WhoAnsweredForm, WhoAskedForm
from consents.services.who_answered import AnsweredBy, authority_missing_error
from core.errors import InvalidInput


@pytest.mark.parametrize(
    ("by", "authority", "refused"),
    [
        (AnsweredBy.REPRESENTATIVE, "", True),
        (AnsweredBy.REPRESENTATIVE, "POA 12/2026", False),
        (AnsweredBy.CUSTOMER_HELPED, "", False),
        (AnsweredBy.CUSTOMER, "", False),
    ],
)
def test_the_service_says_when_an_authority_is_missing(by, authority, refused):
    error = authority_missing_error(by, authority)
    assert (error is not None) is refused
    if refused:
        assert error.field == "authority"


def test_the_forms_ask_the_service(monkeypatch):
    """A rule the service changes (here: every answer needs an authority) the forms follow."""
    def every_answer_needs_one(by, authority, representative_id=None):
        return None if authority else InvalidInput("changed rule", field="authority")

    monkeypatch.setattr(desk_forms, "authority_missing_error", every_answer_needs_one)
    answered = WhoAnsweredForm({"answered_by": "customer", "notice_given": "read_out"})
    asked = WhoAskedForm({"asked_by": "customer"})
    assert not answered.is_valid() and answered.errors["authority"] == ["changed rule"]
    assert not asked.is_valid() and asked.errors["authority"] == ["changed rule"]
