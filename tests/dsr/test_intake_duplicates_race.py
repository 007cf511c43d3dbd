"""The same request sent twice at the same moment from the customer's page (two tabs, each with its own
form token, so the form-once guard lets both through) is taken in once: the intake locks the customer
before it looks for an open duplicate (`dsr.services.repeats`), so the second, let go once the first
committed, finds it and is refused. PostgreSQL: real row locks."""

from __future__ import annotations

import pytest
from django.test import Client

from dsr.models import DataSubjectRequest
from tests.concurrency import held_in_other_connection, lock_waited_for, started_in_other_connection
from tests.pages import hidden_fields
from tests.runs import only_on

pytestmark = [pytest.mark.django_db(transaction=True), only_on("postgresql", "row locks")]
NEW = "/en/me/requests/new/"


def _tab(customer) -> tuple[Client, dict]:
    """A browser tab signed in as `customer`, with the new-request form it was shown, filled in."""
    tab = Client()
    tab.force_login(customer)
    return tab, {**hidden_fields(tab.get(NEW).content), "type": "delete", "details": ""}


def test_two_identical_requests_sent_at_once_from_the_customers_page_are_taken_in_once(customer_a):
    subject = customer_a.customer_account.subject
    tabs = [_tab(customer_a), _tab(customer_a)]

    with held_in_other_connection(subject) as let_go:
        sent = [
            started_in_other_connection(lambda tab=tab, form=form: tab.post(NEW, form)) for tab, form in tabs
        ]
        assert lock_waited_for(until=lambda: not any(thread.is_alive() for thread, _out in sent), count=2)
        let_go()
    answers = []
    for thread, out in sent:
        thread.join(60)
        assert not thread.is_alive() and "error" not in out, out
        answers.append(out["value"])

    assert DataSubjectRequest.objects.filter(subject=subject).count() == 1
    assert sorted(answer.status_code for answer in answers) == [200, 302]
    refused = next(answer for answer in answers if answer.status_code == 200).content.decode()
    assert "already open" in refused
