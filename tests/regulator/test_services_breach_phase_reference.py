"""The authority's reference of a phase is recorded after it was submitted: A05 issues its
acknowledgement number afterwards. Once per phase, by whoever may manage breaches, audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.errors import Conflict, InvalidInput
from regulator import services
from regulator.models import BreachNotification
from tests.regulator.factories import DPO, make_breach, make_inventory

pytestmark = pytest.mark.django_db


def _notified_breach(reference: str = ""):
    make_inventory()
    now = timezone.now()
    breach = make_breach(detected_at=now - timedelta(hours=3), now=now)
    services.breach_notify(actor=DPO, breach_id=breach.pk, authority_reference=reference, now=now)
    return breach


def _phase(breach) -> BreachNotification:
    return BreachNotification.objects.get(breach=breach, phase=1)


def test_a_reference_issued_after_the_phase_is_recorded_once_and_audited():
    breach = _notified_breach()
    document = _phase(breach).document

    services.breach_phase_reference_record(
        actor=DPO, breach_id=breach.pk, phase=1, authority_reference="  A05-2026-117  "
    )

    phase = _phase(breach)
    assert phase.authority_reference == "A05-2026-117"
    assert phase.document == document  # what was sent stays as it was sent
    entry = AuditEntry.objects.get(action="regulator.breach.reference_recorded")
    assert entry.data["phase"] == 1 and entry.data["authority_reference"] == "A05-2026-117"
    with pytest.raises(Conflict) as second:
        services.breach_phase_reference_record(
            actor=DPO, breach_id=breach.pk, phase=1, authority_reference="A05-2026-999"
        )
    assert second.value.code == "reference_recorded"
    assert _phase(breach).authority_reference == "A05-2026-117"


def test_a_reference_typed_with_the_phase_is_not_replaced():
    breach = _notified_breach(reference="A05-1")
    with pytest.raises(Conflict):
        services.breach_phase_reference_record(
            actor=DPO, breach_id=breach.pk, phase=1, authority_reference="A05-2"
        )


@pytest.mark.parametrize("reference", ["", "   ", "x" * 101])
def test_an_empty_or_over_long_reference_is_refused(reference):
    breach = _notified_breach()
    with pytest.raises(InvalidInput) as refused:
        services.breach_phase_reference_record(
            actor=DPO, breach_id=breach.pk, phase=1, authority_reference=reference
        )
    assert refused.value.field == "authority_reference"
    assert _phase(breach).authority_reference == ""
    assert not AuditEntry.objects.filter(action="regulator.breach.reference_recorded").exists()


def _hidden_inputs(page: str, action: str) -> dict[str, str]:
    form = page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_the_dpo_records_it_on_the_breach_page_posted_once(client, dpo):
    breach = _notified_breach()
    client.force_login(dpo)
    detail = reverse("regulator:breach_detail", args=[breach.pk])
    url = reverse("regulator:breach_phase_reference", args=[breach.pk, 1])
    body = {**_hidden_inputs(client.get(detail).content.decode(), url), "authority_reference": "A05-77"}

    first = client.post(url, body)
    second = client.post(url, body)

    assert first["Location"] == second["Location"] == detail
    assert _phase(breach).authority_reference == "A05-77"
    assert AuditEntry.objects.filter(action="regulator.breach.reference_recorded").count() == 1
    page = client.get(detail).content.decode()
    assert "A05-77" in page and url not in page  # recorded: no form any more
    assert "A05-77" in client.get(reverse("regulator:breach_phase", args=[breach.pk, 1])).content.decode()


def test_the_auditor_sees_no_form_and_cannot_post(client, auditor):
    breach = _notified_breach()
    client.force_login(auditor)
    url = reverse("regulator:breach_phase_reference", args=[breach.pk, 1])
    assert url not in client.get(reverse("regulator:breach_detail", args=[breach.pk])).content.decode()
    assert client.post(url, {"authority_reference": "A05-1"}).status_code == 403
    assert _phase(breach).authority_reference == ""


def test_the_api_records_it_on_the_phase_409_a_second_time_400_when_empty(dpo, auditor, as_user):
    breach = _notified_breach()
    path = f"/api/v1/breaches/{breach.pk}/notifications/1/"
    assert as_user(auditor).patch(path, {"authority_reference": "A05-9"}, format="json").status_code == 403
    client = as_user(dpo)
    assert client.patch(path, {"authority_reference": " "}, format="json").status_code == 400

    answer = client.patch(path, {"authority_reference": "A05-9"}, format="json")

    assert answer.status_code == 200, answer.json()
    assert answer.json()["authority_reference"] == "A05-9"
    again = client.patch(path, {"authority_reference": "A05-10"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "reference_recorded"
    missing = client.patch(
        f"/api/v1/breaches/{breach.pk}/notifications/2/", {"authority_reference": "x"}, format="json"
    )
    assert missing.status_code == 404
