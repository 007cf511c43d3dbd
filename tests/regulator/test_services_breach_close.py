"""A breach that leaked data its customers are to be told about is not closed until they were told or
the DPO recorded why not; a decision not to tell them cannot be taken once their mailing has begun."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict
from integrations.jobs import job_cancel
from regulator import services
from regulator.models import BreachStatus
from regulator.selectors import breach_allowed_actions
from regulator.services import breach_mailing
from tests.regulator.factories import DPO, MONDAY, make_breach, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db


def _financial_breach_notified(*, customers: int = 2, detected_at=MONDAY):
    """A leak of account data (the policy tells customers) on core banking, whose contract purpose
    makes every customer affected; the authority already notified."""
    make_inventory()
    make_catalogue()
    for _ in range(customers):
        make_customer()
    breach = make_breach(
        categories=["accounts"], detected_at=detected_at, now=detected_at + timedelta(hours=1)
    )
    services.breach_notify(actor=DPO, breach_id=breach.pk, now=detected_at + timedelta(hours=2))
    breach.refresh_from_db()
    return breach


def _close(breach):
    return services.breach_close(actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(days=9))


def _offers_close(breach) -> bool:
    breach.refresh_from_db()
    return "close" in breach_allowed_actions(breach, DPO)


def test_a_financial_breach_is_not_closed_while_its_customers_are_neither_told_nor_decided_about():
    breach = _financial_breach_notified()
    assert not _offers_close(breach)
    with pytest.raises(Conflict) as error:
        _close(breach)
    assert (error.value.status, error.value.code) == (409, "customers_not_told")
    breach.refresh_from_db()
    assert breach.status == BreachStatus.NOTIFIED


def test_it_closes_once_the_customers_were_told():
    breach = _financial_breach_notified()
    services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    assert _offers_close(breach)
    assert _close(breach).status == BreachStatus.CLOSED


def test_it_closes_once_not_telling_them_is_decided_with_a_reason():
    breach = _financial_breach_notified()
    services.breach_customers_not_notify(actor=DPO, breach_id=breach.pk, reason="Encrypted; the key is safe.")
    assert _offers_close(breach)
    assert _close(breach).status == BreachStatus.CLOSED


def test_a_breach_with_no_customer_to_tell_closes_without_a_decision():
    make_inventory()
    make_catalogue()
    breach = make_breach(systems=["crm"], categories=["marketing"])
    services.breach_notify(actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(hours=2))
    assert _offers_close(breach)
    assert _close(breach).status == BreachStatus.CLOSED


def test_it_is_not_closed_while_the_mailing_runs():
    breach = _financial_breach_notified()
    services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    assert not _offers_close(breach)
    with pytest.raises(Conflict) as error:
        _close(breach)
    assert error.value.code == "customers_mailing_live"


def test_the_api_answers_409_with_the_reason(dpo, as_user):
    now = timezone.now()
    breach = _financial_breach_notified(detected_at=now - timedelta(hours=3))
    response = as_user(dpo).post(f"/api/v1/breaches/{breach.pk}/close/")
    assert response.status_code == 409
    assert response.json()["code"] == "customers_not_told" and response.json()["detail"]


def test_not_telling_customers_is_refused_while_their_mailing_runs():
    breach = _financial_breach_notified(customers=3)
    job = services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    with pytest.raises(Conflict) as error:
        services.breach_customers_not_notify(actor=DPO, breach_id=breach.pk, reason="low risk")
    assert error.value.code == "customers_mailing_started"
    breach_mailing.breach_customers_notify_run(job_id=job.pk, budget_seconds=float("inf"))
    breach.refresh_from_db()
    assert (breach.customer_notice_decision, breach.customer_notice_reason) == ("notify", "")
    assert breach.customers_notified == 3


def test_not_telling_customers_is_refused_after_a_cancelled_mailing_told_some(monkeypatch):
    breach = _financial_breach_notified(customers=6)
    job = services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    clock = itertools.chain([0.0, 0.0], itertools.repeat(5.0))
    monkeypatch.setattr(breach_mailing.time_module, "monotonic", lambda: next(clock))
    breach_mailing.breach_customers_notify_run(job_id=job.pk, chunk_size=2, budget_seconds=1)
    job_cancel(actor=DPO, job_id=job.pk)
    breach_mailing.breach_customers_notify_run(job_id=job.pk, chunk_size=2)
    with pytest.raises(Conflict) as error:
        services.breach_customers_not_notify(actor=DPO, breach_id=breach.pk, reason="low risk")
    assert error.value.code == "customers_mailing_started"


def test_not_telling_customers_stays_possible_after_a_mailing_cancelled_before_it_told_anyone():
    breach = _financial_breach_notified()
    job = services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    job_cancel(actor=DPO, job_id=job.pk)
    decided = services.breach_customers_not_notify(actor=DPO, breach_id=breach.pk, reason="Encrypted.")
    assert decided.customer_notice_decision == "not_notify"


def test_the_page_says_why_it_offers_no_close_and_hides_the_decision_once_the_mailing_runs(client, dpo):
    now = timezone.now()
    breach = _financial_breach_notified(detected_at=now - timedelta(hours=3))
    client.force_login(dpo)
    url = reverse("regulator:breach_detail", args=[breach.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="close-needs-customer-notice"' in page
    assert 'data-testid="decline-customer-notice"' in page
    assert reverse("regulator:breach_close", args=[breach.pk]) not in page
    services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    page = client.get(url).content.decode()
    assert 'data-testid="decline-customer-notice"' not in page
