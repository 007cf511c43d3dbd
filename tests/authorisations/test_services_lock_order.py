"""One lock order (`subjects.locks`) for authorisations (PostgreSQL: real row locks). A data-subject
request's service locks the customer, writes its audit entries (which hold the chain's one head row
until commit) and then pauses or revokes the customer's authorisations (`authorisations.services.
rights`). The expiry sweep, a customer's revocation and the gateway's access report locked the
authorisation first and then waited for the head: each side waited for the other and PostgreSQL
aborted one ("deadlock detected"). They now lock the customer first, or, the sweep, skip one another
writer holds and leave it for the next run.

A suspension and its lifting lock the third party and then the customers of the authorisations they
move. They read which authorisations those are before holding the customers, so one that a customer's
resume moved into their reach in between (or while they waited) was locked without its customer, or
missed: left ACTIVE under a suspended third party, or paused for a suspension already lifted."""

from __future__ import annotations

import threading
from datetime import timedelta
from functools import partial

import pytest
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from authorisations import services
from authorisations.models import Authorisation
from authorisations.services.moves import locked_authorisation, locked_authorisations, resume
from authorisations.states import AuthorisationStatus
from consents.services import restrictions_lift_in_transaction
from core.actors import Actor, actor_for_user
from core.errors import Conflict
from dsr.sources import request_source
from subjects.locks import subjects_lock
from subjects.models import DataSubject
from tests.authorisations.factories import DPO, authorise, objection_in_force, register
from tests.concurrency import (
    held_in_other_connection,
    lock_waited_for,
    row_free,
    started_in_other_connection,
)
from tests.dsr.factories import make_request, verify
from tests.runs import only_on

pytestmark = [pytest.mark.django_db(transaction=True), only_on("postgresql", "row locks")]

GATEWAY = Actor(kind="client", user_id=None, label="gateway")
STAFF = Actor(kind="staff", user_id=None, label="officer_t")


def _request_service_started(subject: DataSubject) -> None:
    """A request's service up to the step where it locks the customer's authorisations: the customer's
    row, then an audit entry (the chain's head)."""
    DataSubject.objects.select_for_update(no_key=True).get(pk=subject.pk)
    audit_record(action="dsr.request.transitioned", actor=STAFF, subject=subject)


@pytest.mark.parametrize(
    ("sweep", "granted_days_ago"),
    [(services.authorisations_expire_due, 31), (services.authorisations_notify_expiring, 25)],
    ids=["expiry", "expiry notice"],
)
def test_a_sweep_leaves_a_customer_another_writer_holds_for_its_next_run(customer1, sweep, granted_days_ago):
    """Each sweep writes audit entries (the chain's head) for the authorisations it locks: it must not
    hold one while a request's service holds the customer and the head and comes for that authorisation.
    A 30-day authorisation: ended (expiry), or ending within the notice's 7 days (expiry notice)."""
    subject = customer1.customer_account.subject
    authorisation = authorise(customer1, days=30, now=timezone.now() - timedelta(days=granted_days_ago))
    with transaction.atomic():
        _request_service_started(subject)
        thread, swept = started_in_other_connection(sweep)
        lock_waited_for(until=lambda: not thread.is_alive(), timeout=5)
        assert row_free(authorisation), "the sweep holds the customer's authorisation while it waits"
    thread.join(60)
    assert not thread.is_alive()
    assert swept == {"value": 0}
    assert sweep() == 1


def _revoke(customer, authorisation):
    return services.authorisation_revoke(
        actor=actor_for_user(customer),
        authorisation_id=authorisation.pk,
        channel="internet_banking",
        subject=customer.customer_account.subject,
    )


def _report_read(customer, authorisation):
    return services.access_record(
        actor=GATEWAY,
        authorisation_id=authorisation.pk,
        scope="accounts:read",
        accessed_at=timezone.now(),
        record_count=3,
    )


@pytest.mark.parametrize("write", [_revoke, _report_read], ids=["revocation", "access report"])
def test_a_write_of_one_authorisation_waits_for_the_customer_before_locking_it(customer1, write):
    subject = customer1.customer_account.subject
    authorisation = authorise(customer1)
    with transaction.atomic():
        _request_service_started(subject)
        thread, written = started_in_other_connection(lambda: write(customer1, authorisation))
        assert lock_waited_for(until=lambda: not thread.is_alive()), written
        # It waits on the customer holding nothing the request's service needs next.
        assert row_free(authorisation), "it holds the authorisation while it waits for the audit chain"
    thread.join(60)
    assert not thread.is_alive()
    assert "error" not in written, written


def _state(authorisation) -> tuple[str, str]:
    authorisation.refresh_from_db()
    return authorisation.status, authorisation.pause_reason


def _paused_by_customer(customer, registration):
    authorisation = authorise(customer, registration=registration)
    services.authorisation_pause(
        actor=actor_for_user(customer), authorisation_id=authorisation.pk,
        subject=customer.customer_account.subject,
    )
    return authorisation


def test_a_reactivation_locks_the_customer_of_an_authorisation_a_resume_handed_it(customer1, customer2):
    """The reactivation reads which authorisations the suspension paused, then waits for their customers;
    meanwhile another customer resumes their own pause, which the suspension still holds (`moves.resume`):
    their authorisation is now paused for the suspension, and the reactivation locked it without its
    customer while a request's service held that customer and the audit chain's head."""
    first, second = sorted((customer1, customer2), key=lambda user: user.customer_account.subject.pk)
    registration = register()
    held_by_suspension = authorise(first, registration=registration)
    resumed_meanwhile = _paused_by_customer(second, registration)
    third_party_id = registration.third_party.pk
    services.third_party_suspend(actor=DPO, third_party_id=third_party_id)
    with held_in_other_connection(first.customer_account.subject) as let_go:
        thread, reactivated = started_in_other_connection(
            lambda: services.third_party_reactivate(actor=DPO, third_party_id=third_party_id)
        )
        assert lock_waited_for(until=lambda: not thread.is_alive()), reactivated
        services.authorisation_resume(
            actor=actor_for_user(second), authorisation_id=resumed_meanwhile.pk,
            subject=second.customer_account.subject,
        )
        assert _state(resumed_meanwhile) == ("paused", "third_party_suspended")
        with transaction.atomic():
            _request_service_started(second.customer_account.subject)
            let_go()
            assert lock_waited_for(until=lambda: not thread.is_alive()), reactivated
            assert row_free(resumed_meanwhile), "it holds the authorisation while it waits for the head"
    thread.join(60)
    assert not thread.is_alive()
    assert "error" not in reactivated, reactivated
    assert _state(held_by_suspension) == _state(resumed_meanwhile) == ("active", "")


def test_locked_authorisations_locks_the_customer_of_one_that_joined_its_filter_meanwhile(
    customer1, customer2
):
    """`locked_authorisations` reads the customers of the authorisations it locks before it holds them:
    one that another customer's resume moved into its filter while it waited was locked without its
    customer, which a writer holding the customer and the audit chain's head then waited for."""
    registration = register()
    active = authorise(customer1, registration=registration)
    resumed_meanwhile = _paused_by_customer(customer2, registration)
    locked, release, found = threading.Event(), threading.Event(), {}

    def lock() -> None:
        with transaction.atomic():
            found["rows"] = list(
                locked_authorisations(third_party=registration.third_party, status=AuthorisationStatus.ACTIVE)
            )
            locked.set()
            release.wait(30)

    with held_in_other_connection(customer1.customer_account.subject) as let_go:
        thread, out = started_in_other_connection(lock)
        assert lock_waited_for(until=lambda: not thread.is_alive()), out
        services.authorisation_resume(
            actor=actor_for_user(customer2), authorisation_id=resumed_meanwhile.pk,
            subject=customer2.customer_account.subject,
        )
        let_go()
        assert locked.wait(20), out
        customer_held = not row_free(customer2.customer_account.subject)
        release.set()
    thread.join(60)
    assert not thread.is_alive() and "error" not in out, out
    assert {row.pk for row in found["rows"]} == {active.pk, resumed_meanwhile.pk}
    assert customer_held, "it locked the authorisation without its customer"


def _resumed_by_customer(customer, *, suspended: bool):
    """An authorisation the customer paused (its third party suspended since, if `suspended`), and the
    customer's resume of it (`authorisation_resume`) up to its commit."""
    subject = customer.customer_account.subject
    registration = register()
    authorisation = _paused_by_customer(customer, registration)
    if suspended:
        services.third_party_suspend(actor=DPO, third_party_id=registration.third_party.pk)

    def resumed():
        resume(locked_authorisation(authorisation.pk, subject=subject), actor=actor_for_user(customer),
               now=timezone.now())

    return authorisation, registration.third_party.pk, resumed


def _objection_lifted(customer):
    """An authorisation paused by the customer's objection, its third party suspended since, and the
    lifting of the objection (`request_restriction_lift`) up to its commit."""
    subject = customer.customer_account.subject
    registration = register()
    authorisation = authorise(customer, registration=registration)
    source = request_source(objection_in_force(subject))
    services.third_party_suspend(actor=DPO, third_party_id=registration.third_party.pk)

    def lifted():
        subjects_lock([subject.pk])
        now = timezone.now()
        restrictions_lift_in_transaction(actor=STAFF, source=source, now=now)
        services.authorisations_resume_for_source_locked(actor=STAFF, source=source, now=now)

    return authorisation, registration.third_party.pk, lifted


@pytest.mark.parametrize(
    ("paused", "switch", "after"),
    [
        (partial(_resumed_by_customer, suspended=False), services.third_party_suspend,
         ("paused", "third_party_suspended")),
        (partial(_resumed_by_customer, suspended=True), services.third_party_reactivate, ("active", "")),
        (_objection_lifted, services.third_party_reactivate, ("active", "")),
    ],
    ids=["suspension, customer's resume", "reactivation, customer's resume", "reactivation, lifting"],
)
def test_a_third_party_switch_waits_for_a_pause_ended_under_the_customer_alone(
    customer1, paused, switch, after
):
    """Ending a pause (the customer's resume, an objection lifted) holds the customer and the
    authorisation and reads whether the third party is suspended (`moves.resume`). A suspension, or its
    lifting, committed meanwhile read the authorisation as paused for something else and passed it by:
    it became ACTIVE under a suspended third party, or stayed paused for a suspension already lifted,
    with nothing left to resume it."""
    authorisation, third_party_id, pause_ended = paused(customer1)
    with transaction.atomic():
        pause_ended()
        thread, switched = started_in_other_connection(
            lambda: switch(actor=DPO, third_party_id=third_party_id)
        )
        lock_waited_for(until=lambda: not thread.is_alive())
    thread.join(60)
    assert not thread.is_alive()
    assert "error" not in switched, switched
    assert _state(authorisation) == after


def test_a_grant_waits_for_an_objection_coming_in_force_and_is_refused(customer1):
    """An objection's verification holds the customer while it puts the objection in force and pauses the
    customer's authorisations. A grant checked before it committed, holding only the third party, saw no
    objection and no authorisation to pause: it became ACTIVE beside the objection. It now holds the
    customer too and decides once the verification has committed."""
    subject = customer1.customer_account.subject
    registration = register()
    objection = make_request(subject, type="object", actor=STAFF, now=timezone.now())
    with held_in_other_connection(objection) as let_go:
        verifying, verified = started_in_other_connection(lambda: verify(objection, now=timezone.now()))
        assert lock_waited_for(until=lambda: not verifying.is_alive()), verified
        granting, granted = started_in_other_connection(
            lambda: authorise(customer1, registration=registration)
        )
        assert lock_waited_for(until=lambda: not granting.is_alive(), count=2), granted
        let_go()
    for thread in (verifying, granting):
        thread.join(60)
        assert not thread.is_alive()
    assert "error" not in verified, verified
    assert isinstance(granted.get("error"), Conflict) and granted["error"].code == "objection_in_force"
    assert not Authorisation.objects.filter(subject=subject).exists()
