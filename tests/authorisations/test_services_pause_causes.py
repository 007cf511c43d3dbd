"""A paused authorisation resumes only when nothing that stops it is left in force: the customer's own
pause, the bank's suspension of the third party, and a verified objection or restriction covering
disclosure to third parties each hold it, whichever ends first (security review, round 2)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from authorisations import selectors, services
from authorisations.models import Authorisation
from authorisations.states import (
    covers_third_party_disclosure,
    purpose_reaches,
    restrictions_reaching_disclosure,
)
from consents.models import ProcessingRestriction, PurposeCategory
from core.actors import actor_for_user
from core.errors import Conflict
from dsr import services as dsr_services
from tests.authorisations.factories import DPO, authorise, objection_in_force, register
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import STAFF, verified_request
from tests.factories import make_customer


def state(authorisation) -> tuple[str, str, str]:
    authorisation.refresh_from_db()
    return authorisation.status, authorisation.pause_reason, authorisation.pause_source


def test_lifting_a_suspension_does_not_resume_an_authorisation_the_customer_objected_to(customer1):
    """The bank suspends a third party (its authorisations pause), the customer's objection to disclosure
    to third parties is then verified and in force, and the bank later lifts the suspension. The
    objection still stands, so the authorisation must stay stopped; it resumes when the objection is
    lifted."""
    subject = customer1.customer_account.subject
    registration = register()
    authorisation = authorise(customer1, registration=registration)
    services.third_party_suspend(actor=DPO, third_party_id=registration.third_party.pk, reason="inspection")
    objection = objection_in_force(subject)

    services.third_party_reactivate(actor=DPO, third_party_id=registration.third_party.pk)

    assert not Authorisation.objects.get(pk=authorisation.pk).usable_at(timezone.now())
    # Held by the objection now, so lifting the objection is what resumes it.
    assert state(authorisation) == ("paused", "dsr", f"dsr.request:{objection.pk}")
    event = authorisation.events.order_by("at").last()
    assert (event.kind, event.old_status, event.new_status) == ("paused", "paused", "paused")
    dsr_services.request_restriction_lift(actor=STAFF, request_id=objection.pk, reason="customer_asked")
    assert state(authorisation) == ("active", "", "")


def test_lifting_an_objection_while_the_third_party_is_suspended_keeps_it_paused(customer1):
    subject = customer1.customer_account.subject
    registration = register()
    authorisation = authorise(customer1, registration=registration)
    objection = objection_in_force(subject)
    services.third_party_suspend(actor=DPO, third_party_id=registration.third_party.pk, reason="inspection")

    dsr_services.request_restriction_lift(actor=STAFF, request_id=objection.pk, reason="customer_asked")

    assert state(authorisation) == ("paused", "third_party_suspended", "")
    services.third_party_reactivate(actor=DPO, third_party_id=registration.third_party.pk)
    assert state(authorisation) == ("active", "", "")


def test_a_customer_resuming_their_own_pause_during_an_objection_leaves_it_to_the_objection(customer1):
    """The customer's own pause ends when they resume, but their objection still holds the authorisation:
    it stays paused, now for the objection, and resumes when the objection is lifted."""
    subject = customer1.customer_account.subject
    actor = actor_for_user(customer1)
    authorisation = authorise(customer1)
    services.authorisation_pause(actor=actor, authorisation_id=authorisation.pk, subject=subject)
    objection = objection_in_force(subject)
    assert state(authorisation) == ("paused", "customer", "")
    assert "resume" in selectors.authorisation_allowed_actions(authorisation, actor)

    services.authorisation_resume(actor=actor, authorisation_id=authorisation.pk, subject=subject)

    assert state(authorisation) == ("paused", "dsr", f"dsr.request:{objection.pk}")
    dsr_services.request_restriction_lift(actor=STAFF, request_id=objection.pk, reason="customer_asked")
    assert state(authorisation) == ("active", "", "")


def test_a_customer_resuming_during_a_suspension_waits_for_the_bank(customer1):
    subject = customer1.customer_account.subject
    actor = actor_for_user(customer1)
    registration = register()
    authorisation = authorise(customer1, registration=registration)
    services.authorisation_pause(actor=actor, authorisation_id=authorisation.pk, subject=subject)
    services.third_party_suspend(actor=DPO, third_party_id=registration.third_party.pk, reason="inspection")

    services.authorisation_resume(actor=actor, authorisation_id=authorisation.pk, subject=subject)

    assert state(authorisation) == ("paused", "third_party_suspended", "")
    services.third_party_reactivate(actor=DPO, third_party_id=registration.third_party.pk)
    assert state(authorisation) == ("active", "", "")


def test_an_objection_to_marketing_alone_holds_nothing_back_at_reactivation(customer1):
    subject = customer1.customer_account.subject
    grant(subject, make_purpose("newsletter", category="marketing"))
    registration = register()
    authorisation = authorise(customer1, registration=registration)
    services.third_party_suspend(actor=DPO, third_party_id=registration.third_party.pk, reason="inspection")
    objection_in_force(subject, purposes=["newsletter"])
    services.third_party_reactivate(actor=DPO, third_party_id=registration.third_party.pk)
    assert state(authorisation) == ("active", "", "")


def test_a_restriction_covering_disclosure_stops_third_party_reads(customer1):
    """Domain notes: restriction reaches disclosure purposes and takes effect once the requester is
    verified; a third-party authorisation is a disclosure consent. A verified restriction of every
    purpose stops the third party as an objection does, with its own reason, until it is lifted."""
    subject = customer1.customer_account.subject
    actor = actor_for_user(customer1)
    authorisation = authorise(customer1)
    restriction = verified_request(subject, type="restrict", now=timezone.now())

    assert not Authorisation.objects.get(pk=authorisation.pk).usable_at(timezone.now())
    assert state(authorisation) == ("paused", "restriction", f"dsr.request:{restriction.pk}")
    with translation.override("en"):
        assert authorisation.get_pause_reason_display() == (
            "A restriction of processing covers disclosure to third parties"
        )
        with pytest.raises(Conflict) as refused:
            services.authorisation_resume(actor=actor, authorisation_id=authorisation.pk, subject=subject)
        assert refused.value.code == "paused_by_restriction"
        assert "when the restriction is lifted" in refused.value.text
    assert "resume" not in selectors.authorisation_allowed_actions(authorisation, actor)
    dsr_services.request_complete(actor=STAFF, request_id=restriction.pk)
    dsr_services.request_restriction_lift(actor=STAFF, request_id=restriction.pk, reason="customer_asked")
    assert state(authorisation) == ("active", "", "")


def test_a_restriction_of_marketing_alone_leaves_third_party_access_alone(customer1):
    subject = customer1.customer_account.subject
    grant(subject, make_purpose("newsletter", category="marketing"))
    authorisation = authorise(customer1)
    verified_request(subject, type="restrict", purposes=["newsletter"], now=timezone.now())
    assert state(authorisation) == ("active", "", "")


def test_a_restriction_of_sharing_resting_on_a_contract_pauses_nothing(customer1):
    """A restriction reaches only what its legal basis allows (domain notes): a sharing purpose the
    contract needs goes on, so the restriction puts nothing in force for it and pauses nothing."""
    subject = customer1.customer_account.subject
    printer = make_recipient("Card printer", kind="processor")
    make_purpose("card-printing", category="sharing", legal_basis="contract", recipients=[printer])
    authorisation = authorise(customer1)
    verified_request(subject, type="restrict", purposes=["card-printing"], now=timezone.now())
    assert state(authorisation) == ("active", "", "")


def test_refusing_a_verified_restriction_resumes_what_it_paused(customer1):
    subject = customer1.customer_account.subject
    authorisation = authorise(customer1)
    restriction = verified_request(subject, type="restrict", now=timezone.now())
    assert state(authorisation)[0] == "paused"
    dsr_services.request_reject(
        actor=STAFF,
        request_id=restriction.pk,
        reason="manifestly_unfounded",
        note="Trùng yêu cầu",
        now=timezone.now(),
    )
    assert state(authorisation) == ("active", "", "")


def test_reactivation_looks_up_the_restrictions_in_force_of_every_customer_at_once(db):
    """Lifting a suspension resumes every authorisation of the third party: what still holds each
    (its customer's objection or restriction in force) is read in one query for all of them, not one
    per authorisation."""
    registration = register()
    authorisations = [authorise(make_customer(), registration=registration) for _ in range(5)]
    services.third_party_suspend(actor=DPO, third_party_id=registration.third_party.pk, reason="inspection")
    objections = {a.pk: objection_in_force(a.subject) for a in authorisations[:2]}

    with CaptureQueriesContext(connection) as captured:
        services.third_party_reactivate(actor=DPO, third_party_id=registration.third_party.pk)

    restriction_reads = [q for q in captured if "consents_processingrestriction" in q["sql"]]
    assert len(restriction_reads) == 1, [q["sql"] for q in restriction_reads]
    assert [state(a) for a in authorisations] == [
        ("paused", "dsr", f"dsr.request:{objections[a.pk].pk}") for a in authorisations[:2]
    ] + [("active", "", "")] * 3


def test_the_rule_of_what_reaches_third_party_disclosure_reads_the_same_in_python_and_in_sql(customer1):
    """A restriction pauses authorisations when it is put in force (`covers_third_party_disclosure`, in
    Python) and holds them when they would resume (`restrictions_reaching_disclosure`, in SQL): for a
    restriction of no purpose and of a purpose of each category, both say the same."""
    subject = customer1.customer_account.subject
    purposes = [None] + [make_purpose(f"p_{category}", category=category) for category in PurposeCategory]
    restrictions = {
        ProcessingRestriction.objects.create(
            subject=subject, purpose=purpose, kind="object", source="t", started_at=timezone.now()
        ).pk: purpose
        for purpose in purposes
    }
    in_sql = set(
        restrictions_reaching_disclosure(
            ProcessingRestriction.objects.filter(pk__in=restrictions)
        ).values_list("pk", flat=True)
    )
    in_python = {
        pk
        for pk, purpose in restrictions.items()
        if covers_third_party_disclosure(None if purpose is None else [purpose])
    }
    assert in_sql == in_python
    assert {restrictions[pk].category if restrictions[pk] else None for pk in in_python} == {
        None,
        "sharing",
        "cross_border",
    }
    # A transfer abroad reaches only the third parties abroad.
    at_home = {pk for pk, purpose in restrictions.items() if purpose_reaches(purpose, cross_border=False)}
    assert {restrictions[pk].category if restrictions[pk] else None for pk in at_home} == {None, "sharing"}
