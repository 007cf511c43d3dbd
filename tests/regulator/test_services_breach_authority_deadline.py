"""What Form 08 tells the authority is judged by the law's deadline (`statutory_due_at`), not by the
bank's own, stricter commitment: a notification inside the law's 72 hours is not late to A05, needs
no reason for lateness and prints the law's due time, even past the bank's commitment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput
from deadlines.models import DeadlinePolicy
from regulator import services
from regulator.models import Breach
from regulator.policy import BREACH_NOTIFICATION
from regulator.services.breaches import phase_late
from tests.regulator.factories import DPO, MONDAY, make_breach, make_inventory

pytestmark = pytest.mark.django_db


def _bank_commits_to(hours: int) -> None:
    DeadlinePolicy.objects.filter(request_type=BREACH_NOTIFICATION, regime="bank").update(period=hours)


def _due_in_form08(document) -> str:
    (due,) = [event["at"] for event in document["timeline"] if event["event"] == "notification_due"]
    return due


def test_a_notification_past_the_bank_commitment_but_within_the_law_is_not_late_to_the_authority():
    make_inventory()
    _bank_commits_to(24)
    breach = make_breach()
    assert breach.notify_due_at == MONDAY + timedelta(hours=24)
    assert breach.statutory_due_at == MONDAY + timedelta(hours=72)
    phase = services.breach_notify(actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(hours=30))
    assert (phase.late, phase.late_reason) == (False, "")
    assert (phase.document["late"], phase.document["late_reason"]) == (False, "")
    assert _due_in_form08(phase.document) == (MONDAY + timedelta(hours=72)).isoformat()


def test_past_the_law_s_deadline_the_reason_is_still_required():
    make_inventory()
    _bank_commits_to(24)
    breach = make_breach()
    with pytest.raises(InvalidInput) as error:
        services.breach_notify(actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(hours=73))
    assert error.value.field == "late_reason"


def test_without_a_statutory_deadline_the_binding_one_judges_lateness():
    """Breaches recorded before the law's deadline was stored have `notify_due_at` only."""
    make_inventory()
    breach = make_breach()
    Breach.objects.filter(pk=breach.pk).update(
        statutory_due_at=None, notify_due_at=MONDAY + timedelta(hours=24)
    )
    breach.refresh_from_db()
    assert phase_late(breach=breach, initial=None, at=MONDAY + timedelta(hours=25)) is True
    phase = services.breach_notify(
        actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(hours=25), late_reason="Weekend."
    )
    assert phase.document["late"] is True
    assert _due_in_form08(phase.document) == (MONDAY + timedelta(hours=24)).isoformat()


def test_the_staff_page_tells_the_bank_s_commitment_from_the_law_s_deadline(client, dpo):
    make_inventory()
    _bank_commits_to(24)
    now = timezone.now()
    breach = make_breach(detected_at=now - timedelta(hours=30), now=now)
    client.force_login(dpo)
    page = client.get(reverse("regulator:breach_detail", args=[breach.pk])).content.decode()
    assert 'data-testid="commitment-passed"' in page
    assert 'data-testid="statutory-passed"' not in page


@pytest.mark.parametrize(
    ("hours_ago", "said"), [(30, "commitment-passed"), (80, "statutory-passed"), (1, None)]
)
def test_the_register_says_which_deadline_passed_as_the_breach_s_page_does(client, dpo, hours_ago, said):
    """The register used to mark "overdue" (as if late to the authority) once the bank's own, stricter
    commitment passed, while the breach's page said the law's 72 hours had not: both now ask
    `Breach.deadline_passed`."""
    make_inventory()
    _bank_commits_to(24)
    now = timezone.now()
    breach = make_breach(detected_at=now - timedelta(hours=hours_ago), now=now - timedelta(hours=hours_ago))
    client.force_login(dpo)
    pages = [
        client.get(reverse("regulator:breach_detail", args=[breach.pk])).content.decode(),
        client.get(reverse("regulator:breach_list")).content.decode(),
    ]
    for page in pages:
        for testid in ("commitment-passed", "statutory-passed"):
            assert (f'data-testid="{testid}"' in page) is (testid == said)
