"""The systems inventory: the DPO registers systems, categories and retention rules; others read."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from dsr.models import DataCategory, RetentionRule, System
from tests.dsr.factories import make_inventory, make_request, verified_request

pytestmark = pytest.mark.django_db


def test_dpo_registers_a_system_that_new_requests_reach(client, dpo, client_user, subject):
    make_inventory()
    client.force_login(dpo)
    rule_page = client.post(
        reverse("dsr:rule_add"),
        {
            "name": "Call recordings: 2 years",
            "period_months": 24,
            "starts": "the call",
            "legal_reference": "Circular 01/2026 (demo)",
            "law": "other",
        },
    )
    assert rule_page.status_code == 302
    rule = RetentionRule.objects.get(name="Call recordings: 2 years")
    client.post(
        reverse("dsr:category_add"),
        {"code": "call_recordings", "name": "Call recordings", "retention": rule.pk},
    )
    category = DataCategory.objects.get(code="call_recordings")
    response = client.post(
        reverse("dsr:system_new"),
        {
            "code": "call_centre",
            "name": "Call centre",
            "categories": [category.pk],
            "request_types": ["access", "delete"],
            "integration_client": client_user.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    system = System.objects.get(code="call_centre")
    assert system.integration_client == client_user
    assert {"dsr.system.saved", "dsr.category.created", "dsr.retention.created"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )
    request = verified_request(subject, type="delete")
    assert request.tasks.filter(system=system).exists()
    assert not verified_request(subject, type="rectify").tasks.filter(system=system).exists()
    page = client.get(reverse("dsr:systems")).content.decode()
    assert "Call centre" in page
    # The requests it answers, by name, not as the codes "access, delete".
    assert "<td>Truy cập dữ liệu cá nhân, Xoá dữ liệu</td>" in page


def test_duplicate_code_is_a_clear_error(client, dpo):
    make_inventory()
    client.force_login(dpo)
    response = client.post(reverse("dsr:system_new"), {"code": "marketing", "name": "Again", "active": "on"})
    assert response.status_code == 200
    assert System.objects.filter(code="marketing").count() == 1


def test_officer_reads_but_cannot_change_the_inventory(client, officer, subject):
    make_inventory()
    make_request(subject)
    client.force_login(officer)
    assert client.get(reverse("dsr:systems")).status_code == 200
    assert client.get(reverse("dsr:system_new")).status_code == 403
