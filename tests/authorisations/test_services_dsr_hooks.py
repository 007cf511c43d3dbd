"""Data-subject rights reach third-party access: an access export lists authorisations and their
access log; an objection covering third-party disclosure pauses them until it is lifted; a withdrawal
covering it, and deletion, revoke them (tests/authorisations/test_services_dsr_withdrawal.py)."""

from __future__ import annotations

import json

from django.utils import timezone

from authorisations import services
from authorisations.models import Authorisation
from consents.models import WithdrawalDuty
from consents.services import duty_acknowledge
from core.actors import Actor, actor_for_user
from dsr import services as dsr_services
from dsr.models import RequestExport
from tests.authorisations.factories import authorise
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import STAFF, make_inventory, verified_request

GATEWAY = Actor(kind="client", user_id=None, label="gateway")


def finish_tasks(request):
    for task in request.tasks.all():
        dsr_services.task_complete(actor=STAFF, task_id=task.pk, result={}, note="erased")


def test_access_export_lists_authorisations_and_their_access_log(customer1):
    authorisation = authorise(customer1, scopes=["transactions:read"])
    services.access_record(
        actor=GATEWAY,
        authorisation_id=authorisation.pk,
        scope="transactions:read",
        accessed_at=timezone.now(),
        record_count=12,
    )
    request = verified_request(customer1.customer_account.subject, type="access")
    dsr_services.request_complete(actor=STAFF, request_id=request.pk)
    content = json.loads(RequestExport.objects.get(request=request).content)
    [exported] = content["third_party_access"]
    assert exported["id"] == str(authorisation.pk)
    assert exported["scopes"] == ["transactions:read"]
    assert [a["records"] for a in exported["accesses"]] == [12]


def test_withdrawal_of_sharing_revokes_and_other_withdrawals_do_not(customer1):
    subject = customer1.customer_account.subject
    authorisation = authorise(customer1, scopes=["transactions:read"])
    grant(subject, make_purpose("newsletter", category="marketing"))
    grant(subject, make_purpose("partner-sharing", category="sharing"))
    marketing = verified_request(subject, type="withdraw", purposes=["newsletter"])
    dsr_services.request_complete(actor=STAFF, request_id=marketing.pk)
    authorisation.refresh_from_db()
    assert authorisation.status == "active"
    sharing = verified_request(subject, type="withdraw", purposes=["partner-sharing"])
    # The partner the sharing purpose names confirms it stopped: the request completes only then.
    for duty in WithdrawalDuty.objects.filter(consent__purpose__code="partner-sharing"):
        duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="stopped")
    dsr_services.request_complete(actor=STAFF, request_id=sharing.pk)
    authorisation.refresh_from_db()
    # Revoked, not paused: a withdrawal is never lifted, so nothing would ever resume it.
    assert (authorisation.status, authorisation.pause_reason) == ("revoked", "")


def test_objection_to_everything_pauses_and_lifting_it_resumes(customer1):
    subject = customer1.customer_account.subject
    authorisation = authorise(customer1, scopes=["transactions:read"])
    request = verified_request(subject, type="object")
    dsr_services.request_complete(actor=STAFF, request_id=request.pk)
    authorisation.refresh_from_db()
    assert authorisation.status == "paused"
    assert authorisation.pause_source == f"dsr.request:{request.pk}"
    dsr_services.request_restriction_lift(actor=STAFF, request_id=request.pk, reason="customer_asked")
    authorisation.refresh_from_db()
    assert authorisation.status == "active"


def test_deletion_revokes_every_authorisation(customer1, privacy_officer, dpo):
    make_inventory()
    subject = customer1.customer_account.subject
    first = authorise(customer1, scopes=["transactions:read"])
    second = authorise(customer1, scopes=["transactions:read"])
    services.authorisation_pause(actor=actor_for_user(customer1), authorisation_id=second.pk, subject=subject)
    actor = actor_for_user(privacy_officer)
    request = verified_request(subject, type="delete", actor=actor)
    finish_tasks(request)
    # Deletion takes a second responsible person's approval (four eyes).
    dsr_services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    dsr_services.request_complete(actor=actor, request_id=request.pk)
    assert set(
        Authorisation.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    ) == {"revoked"}
