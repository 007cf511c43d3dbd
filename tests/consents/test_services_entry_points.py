"""Each consent service run in a transaction of its own (the durable entry point a page, the API or a
job calls) takes exactly the keyword-only arguments of the service that joins a caller's transaction:
`consent_withdraw(**arguments)` hid them, so a misspelt argument reached the database layer unseen by
type checking and introspection (`inspect.signature`, the API docs' tooling)."""

from __future__ import annotations

import inspect

import pytest

from consents.services import grants, refusals, restrictions, withdrawals

ENTRY_POINTS = [
    (withdrawals.consent_withdraw, withdrawals.consent_withdraw_in_transaction),
    (withdrawals.consents_withdraw_for_subject, withdrawals.consents_withdraw_for_subject_in_transaction),
    (grants.consent_grant, grants.consent_grant_in_transaction),
    (refusals.consent_refuse, refusals.consent_refuse_in_transaction),
    (restrictions.restrictions_apply, restrictions.restrictions_apply_in_transaction),
    (restrictions.restrictions_lift, restrictions.restrictions_lift_in_transaction),
]


@pytest.mark.parametrize(("entry_point", "in_transaction"), ENTRY_POINTS, ids=lambda f: f.__name__)
def test_an_entry_point_shows_the_arguments_of_the_service_it_runs(entry_point, in_transaction):
    assert inspect.signature(entry_point) == inspect.signature(in_transaction)
    assert all(
        parameter.kind == inspect.Parameter.KEYWORD_ONLY
        for parameter in inspect.signature(entry_point).parameters.values()
    )
