"""The answer to a deletion request tells the customer which part waits and why (domain notes,
"Retention and deletion"), in the language they read: pages work in Vietnamese and English.

The systems inventory (retention rules, data categories, systems) carries its names in both
languages, as purposes do; a hold copies both from its rule when it is placed and keeps them; the
customer's request page, the API and the data export show the reader's language. A hold placed
before the English names existed reads in Vietnamese, the words recorded then."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from core.actors import actor_for_user
from dsr import services
from dsr.demo import seed_inventory
from dsr.models import DataCategory, FulfilmentTask, LegalHold, RetentionRule, System
from dsr.services import inventory
from tests.dsr.factories import verified_request
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

RULE = {
    "name_vi": "Hồ sơ giao dịch: 5 năm sau khi kết thúc quan hệ",
    "name_en": "Transaction records: 5 years after the relationship ends",
    "legal_reference_vi": "Luật Phòng, chống rửa tiền 14/2022/QH15, Điều 40",
    "legal_reference_en": "Law on Anti-Money Laundering 14/2022/QH15, Art. 40",
}
# category, system, rule, legal reference
VIETNAMESE = ("Lịch sử giao dịch", "Ngân hàng lõi", RULE["name_vi"], RULE["legal_reference_vi"])
ENGLISH = ("Transaction history", "Core banking", RULE["name_en"], RULE["legal_reference_en"])


@pytest.fixture
def bilingual_inventory(dpo):
    """Core banking holds transactions (kept under AML law) and contact details (erased), every name
    given in both languages through the DPO's services."""
    actor = actor_for_user(dpo)
    rule = inventory.retention_rule_save(
        actor=actor,
        rule=None,
        period_months=60,
        starts="khi kết thúc quan hệ với khách hàng",
        law="aml",
        **RULE,
    )
    transactions = inventory.category_save(
        actor=actor,
        category=None,
        code="transactions",
        name_vi="Lịch sử giao dịch",
        name_en="Transaction history",
        sensitive=True,
        retention=rule,
    )
    contact = inventory.category_save(
        actor=actor, category=None, code="contact", name_vi="Thông tin liên hệ", name_en="Contact details",
        platform_data="contact",
    )
    # The platform itself erases its copy of the contact details (a deletion is refused without it).
    inventory.system_save(
        actor=actor,
        system=None,
        categories=[contact],
        code="platform",
        name_vi="Nền tảng quyền dữ liệu",
        name_en="Data-rights platform",
        request_types=[],
        integration_client=None,
        is_processor=False,
        active=True,
    )
    return inventory.system_save(
        actor=actor,
        system=None,
        categories=[transactions, contact],
        code="core_banking",
        name_vi="Ngân hàng lõi",
        name_en="Core banking",
        request_types=["access", "copy", "delete"],
        integration_client=None,
        is_processor=False,
        active=True,
    )


def _answered(subject, type_, *, worker, approver=None, result=None):
    request = verified_request(subject, type=type_, actor=worker)
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(actor=worker, task_id=task.pk, result=result or {"done": True})
    if approver is not None:
        services.request_approve(actor=approver, request_id=request.pk)
    return services.request_complete(actor=worker, request_id=request.pk)


@pytest.fixture
def deletion(bilingual_inventory, customer_a, privacy_officer, dpo):
    subject = customer_a.customer_account.subject
    return _answered(
        subject, "delete", worker=actor_for_user(privacy_officer), approver=actor_for_user(dpo)
    )


def _holds(page: str) -> str:
    start = page.index('data-testid="holds"')
    return page[start : page.index("</section>", start)]


def test_the_customer_reads_what_is_kept_and_why_in_english(customer_a, deletion):
    page = signed_in(customer_a).get(f"/en/me/requests/{deletion.pk}/").content.decode()
    holds = _holds(page)
    assert "What we must keep for now" in page
    for english in ENGLISH:
        assert english in holds
    for vietnamese in VIETNAMESE:
        assert vietnamese not in holds
    assert "Contact details (Core banking)" in page  # what was deleted, in English too


def test_the_customer_reads_it_in_vietnamese_too(customer_a, deletion):
    page = signed_in(customer_a).get(f"/me/requests/{deletion.pk}/").content.decode()
    holds = _holds(page)
    for vietnamese in VIETNAMESE:
        assert vietnamese in holds
    assert RULE["name_en"] not in holds and "Transaction history" not in holds
    assert "Thông tin liên hệ (Ngân hàng lõi)" in page


def test_a_hold_keeps_both_languages_its_rule_had_when_it_was_placed(deletion, dpo):
    hold = LegalHold.objects.get(request=deletion)
    rule = hold.category.retention
    inventory.retention_rule_save(
        actor=actor_for_user(dpo), rule=rule, name_vi="Quy tắc mới", name_en="New rule"
    )
    hold.refresh_from_db()
    assert (hold.reason_vi, hold.reason_en) == (RULE["name_vi"], RULE["name_en"])
    assert (hold.legal_reference_vi, hold.legal_reference_en) == (
        RULE["legal_reference_vi"],
        RULE["legal_reference_en"],
    )


def test_a_hold_placed_before_english_names_existed_reads_in_vietnamese(customer_a, deletion):
    # What an upgraded database holds for a hold placed by an earlier release: no English words.
    LegalHold.objects.filter(request=deletion).update(reason_en="", legal_reference_en="")
    holds = _holds(signed_in(customer_a).get(f"/en/me/requests/{deletion.pk}/").content.decode())
    assert RULE["name_vi"] in holds and RULE["legal_reference_vi"] in holds
    assert "Transaction history (Core banking)" in holds  # the live names are English all the same


def test_the_api_gives_the_callers_language_and_both(customer_a, deletion, as_user):
    client = as_user(customer_a)
    body = client.get(f"/api/v1/requests/{deletion.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    hold = body["legal_holds"][0]
    assert (hold["category"], hold["system"], hold["reason"], hold["legal_reference"]) == (
        "Transaction history",
        "Core banking",
        RULE["name_en"],
        RULE["legal_reference_en"],
    )
    assert (hold["reason_vi"], hold["legal_reference_vi"]) == (RULE["name_vi"], RULE["legal_reference_vi"])
    vietnamese = client.get(f"/api/v1/requests/{deletion.pk}/", HTTP_ACCEPT_LANGUAGE="vi").json()
    assert vietnamese["legal_holds"][0]["reason"] == RULE["name_vi"]


def test_the_systems_instructions_name_the_law_in_the_banks_language_whatever_the_page(
    bilingual_inventory, subject, privacy_officer
):
    with translation.override("en"):
        request = verified_request(subject, type="delete", actor=actor_for_user(privacy_officer))
    task = request.tasks.get(system__code="core_banking")
    assert [i["law"] for i in task.instructions if i["action"] == "hold"] == [RULE["legal_reference_vi"]]


def test_the_export_names_each_system_in_the_readers_language(
    bilingual_inventory, customer_a, privacy_officer
):
    access = _answered(
        customer_a.customer_account.subject,
        "access",
        worker=actor_for_user(privacy_officer),
        result={"balance": "private"},
    )
    client = signed_in(customer_a)
    english = client.get(f"/en/me/requests/{access.pk}/export.html").content.decode()
    assert "<h3>Core banking</h3>" in english and "Ngân hàng lõi" not in english
    vietnamese = client.get(f"/me/requests/{access.pk}/export.html").content.decode()
    assert "<h3>Ngân hàng lõi</h3>" in vietnamese
    labelled = json.loads(client.get(f"/en/me/requests/{access.pk}/export.json").content)
    assert [(s["system"], s["name_label"]) for s in labelled["systems"]] == [("core_banking", "Core banking")]


def test_the_dpo_gives_both_languages_on_the_inventory_forms(client, dpo):
    client.force_login(dpo)
    missing = client.post(
        reverse("dsr:rule_add"),
        {
            "name_vi": RULE["name_vi"],
            "period_months": 60,
            "starts": "khi kết thúc quan hệ",
            "legal_reference_vi": RULE["legal_reference_vi"],
            "law": "aml",
        },
        follow=True,
    )
    assert missing.status_code == 200 and not RetentionRule.objects.exists()
    client.post(
        reverse("dsr:rule_add"),
        {"period_months": 60, "starts": "khi kết thúc quan hệ", "law": "aml", **RULE},
    )
    rule = RetentionRule.objects.get()
    assert (rule.name_en, rule.legal_reference_en) == (RULE["name_en"], RULE["legal_reference_en"])
    client.post(
        reverse("dsr:category_add"),
        {"code": "transactions", "name_vi": "Lịch sử giao dịch", "name_en": "Transaction history",
         "retention": rule.pk},
    )
    category = DataCategory.objects.get(code="transactions")
    edit = client.get(reverse("dsr:category_edit", args=[category.pk])).context["form"]
    assert (edit["name_vi"].value(), edit["name_en"].value()) == ("Lịch sử giao dịch", "Transaction history")
    client.post(
        reverse("dsr:system_new"),
        {"code": "core_banking", "name_vi": "Ngân hàng lõi", "name_en": "Core banking",
         "categories": [category.pk], "request_types": ["delete"], "active": "on"},
    )
    system = System.objects.get(code="core_banking")
    with translation.override("en"):
        assert (system.name, category.name, rule.name) == (*ENGLISH[1::-1], RULE["name_en"])
    with translation.override("vi"):
        assert (system.name, category.name, rule.name) == (*VIETNAMESE[1::-1], RULE["name_vi"])


def test_the_demo_inventory_is_written_in_both_languages():
    seed_inventory({})
    for model, fields in (
        (RetentionRule, ("name_en", "legal_reference_en")),
        (DataCategory, ("name_en",)),
        (System, ("name_en",)),
    ):
        rows = list(model.objects.all())
        assert rows and all(getattr(row, field) for row in rows for field in fields), model
