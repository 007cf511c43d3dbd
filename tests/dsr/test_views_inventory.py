"""The systems inventory: the DPO registers systems, categories and retention rules; others read."""

import re

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
            "name_vi": "Ghi âm cuộc gọi: 2 năm",
            "name_en": "Call recordings: 2 years",
            "period_months": 24,
            "starts": "the call",
            "legal_reference_vi": "Thông tư 01/2026 (demo)",
            "legal_reference_en": "Circular 01/2026 (demo)",
            "law": "other",
        },
    )
    assert rule_page.status_code == 302
    rule = RetentionRule.objects.get(name_vi="Ghi âm cuộc gọi: 2 năm")
    client.post(
        reverse("dsr:category_add"),
        {
            "code": "call_recordings",
            "name_vi": "Ghi âm cuộc gọi",
            "name_en": "Call recordings",
            "retention": rule.pk,
        },
    )
    category = DataCategory.objects.get(code="call_recordings")
    response = client.post(
        reverse("dsr:system_new"),
        {
            "code": "call_centre",
            "name_vi": "Tổng đài",
            "name_en": "Call centre",
            "categories": [category.pk],
            "request_types": ["access", "delete"],
            "integration_client": client_user.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    system = System.objects.get(code="call_centre")
    assert system.integration_client == client_user
    # Editing starts from what was saved.
    form = client.get(reverse("dsr:system_edit", args=[system.pk])).context["form"]
    shown = {name: form[name].value() for name in ("code", "request_types", "integration_client", "active")}
    assert shown == {
        "code": "call_centre", "request_types": ["access", "delete"], "integration_client": client_user.pk,
        "active": True,
    }
    assert form["categories"].value() == [category.pk]
    assert {"dsr.system.saved", "dsr.category.created", "dsr.retention.created"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )
    request = verified_request(subject, type="delete")
    assert request.tasks.filter(system=system).exists()
    assert not verified_request(subject, type="rectify").tasks.filter(system=system).exists()
    page = client.get(reverse("dsr:systems")).content.decode()
    assert "Tổng đài" in page
    # The requests it answers, by name, not as the codes "access, delete".
    assert "<td>Truy cập dữ liệu cá nhân, Xóa dữ liệu</td>" in page


def test_duplicate_code_is_a_clear_error(client, dpo):
    make_inventory()
    client.force_login(dpo)
    response = client.post(
        reverse("dsr:system_new"), {"code": "marketing", "name_vi": "Lại", "name_en": "Again", "active": "on"}
    )
    assert response.status_code == 200
    assert System.objects.filter(code="marketing").count() == 1


def test_officer_reads_but_cannot_change_the_inventory(client, officer, subject):
    make_inventory()
    make_request(subject)
    client.force_login(officer)
    assert client.get(reverse("dsr:systems")).status_code == 200
    assert client.get(reverse("dsr:system_new")).status_code == 403


def test_dpo_corrects_a_retention_rule_and_a_category_and_both_are_audited(client, dpo):
    """A law changes, or a rule was entered counted from the wrong event: the DPO edits it in place.
    Holds already placed keep what they copied from the rule; new ones follow the corrected rule."""
    make_inventory()
    rule = RetentionRule.objects.get()
    contact = DataCategory.objects.get(code="contact")
    client.force_login(dpo)
    assert client.get(reverse("dsr:rule_edit", args=[rule.pk])).status_code == 200
    saved = client.post(
        reverse("dsr:rule_edit", args=[rule.pk]),
        {
            "name_vi": "Chứng từ kế toán: 10 năm",
            "name_en": "Accounting documents: 10 years",
            "period_months": 120,
            "starts": "the end of the accounting year",
            "start_event": "accounting_year_end",
            "legal_reference_vi": "Luật Kế toán 88/2015/QH13, Điều 41",
            "legal_reference_en": "Law 88/2015/QH13 Art. 41",
            "law": "accounting",
        },
    )
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert (rule.period_months, rule.start_event, rule.law) == (120, "accounting_year_end", "accounting")
    client.post(
        reverse("dsr:category_edit", args=[contact.pk]),
        {
            "name_vi": "Thông tin liên hệ và địa chỉ",
            "name_en": "Contact details and address",
            "sensitive": "on",
            "retention": rule.pk,
            # As the form sends it: the platform holds this category, and it stays its contact details.
            "platform_data": "contact",
        },
    )
    contact.refresh_from_db()
    assert (contact.code, contact.name_vi, contact.name_en, contact.sensitive, contact.retention) == (
        "contact", "Thông tin liên hệ và địa chỉ", "Contact details and address", True, rule
    )
    entries = {e.action: e.data for e in AuditEntry.objects.filter(action__endswith=".updated")}
    assert sorted(entries["dsr.retention.updated"]["changed"]) == [
        "law", "legal_reference_en", "legal_reference_vi", "name_en", "name_vi", "period_months",
        "start_event", "starts",
    ]
    category_changed = entries["dsr.category.updated"]["changed"]
    assert sorted(category_changed) == ["name_en", "name_vi", "retention", "sensitive"]
    assert entries["dsr.category.updated"]["changed"]["retention"]["after"] == rule.pk
    page = client.get(reverse("dsr:systems")).content.decode()
    for link in (reverse("dsr:rule_edit", args=[rule.pk]), reverse("dsr:category_edit", args=[contact.pk])):
        assert link in page


def test_a_wrong_correction_is_refused_and_changes_nothing(client, dpo, officer):
    make_inventory()
    rule = RetentionRule.objects.get()
    client.force_login(dpo)
    refused = client.post(
        reverse("dsr:rule_edit", args=[rule.pk]),
        {
            "name_vi": rule.name_vi,
            "name_en": "Rule",
            "period_months": 0,
            "starts": "x",
            "legal_reference_vi": " ",
            "legal_reference_en": "x",
            "law": "aml",
        },
    )
    assert refused.status_code == 200 and 'class="error"' in refused.content.decode()
    rule.refresh_from_db()
    assert rule.period_months == 60 and not AuditEntry.objects.filter(action="dsr.retention.updated").exists()
    client.force_login(officer)
    assert client.get(reverse("dsr:rule_edit", args=[rule.pk])).status_code == 403
    category = DataCategory.objects.first()
    assert client.post(reverse("dsr:category_edit", args=[category.pk]), {}).status_code == 403


def test_each_field_of_the_two_add_forms_has_its_own_id(client, dpo):
    """Both small forms on the systems page ask for a Vietnamese and an English name: the same field
    ids twice tied the rule form's labels to the category form's fields (a screen reader named the
    rule's fields nothing)."""
    make_inventory()
    client.force_login(dpo)
    html = client.get(reverse("dsr:systems")).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert [id for id in set(ids) if ids.count(id) > 1] == []
    for form in re.findall(r"<form .*?</form>", html, flags=re.S):
        # Every label names a field of its own form.
        form_ids = set(re.findall(r'\sid="([^"]+)"', form))
        assert set(re.findall(r'<label for="([^"]+)"', form)) <= form_ids


@pytest.mark.parametrize("prefix,shown,hidden", [
    ("/en", "60 months from end of the accounting year the relationship ended in", "cuối năm tài chính"),
    ("", "cuối năm tài chính", "end of the accounting year"),
])
def test_a_rules_start_reads_in_the_pages_language(client, dpo, prefix, shown, hidden):
    """`starts` is the rule's own words, in Vietnamese: an English page says the start event instead."""
    make_inventory()
    RetentionRule.objects.update(starts="cuối năm tài chính", start_event="accounting_year_end")
    client.force_login(dpo)

    page = client.get(f"{prefix}/portal/requests/systems/").content.decode()

    assert shown in page and hidden not in page
