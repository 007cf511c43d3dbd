"""The DPO names a system's fields in both languages on the system's page, one line per field
("card_count | Số thẻ | Number of cards"); a bad line is refused by its number, and the change is
audited like the system's other edits."""

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from core.errors import InvalidInput
from dsr.inventory_forms import SystemForm
from dsr.services import inventory
from tests.dsr.factories import STAFF, make_inventory

pytestmark = pytest.mark.django_db


def _form(lines: str) -> SystemForm:
    form = SystemForm({"code": "cards", "name_vi": "Thẻ", "name_en": "Cards", "field_labels": lines})
    with translation.override("en"):
        form.is_valid()
    return form


def _errors(form: SystemForm) -> list[str]:
    with translation.override("en"):
        return [str(e) for e in form.errors.get("field_labels", [])]


def test_the_lines_become_the_map_trimmed_blank_lines_skipped():
    form = _form(" card_count |  Số thẻ | Number of cards \n\n   \nloan_balance|Dư nợ vay|Loan balance\n")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["field_labels"] == {
        "card_count": {"vi": "Số thẻ", "en": "Number of cards"},
        "loan_balance": {"vi": "Dư nợ vay", "en": "Loan balance"},
    }
    assert _form("").cleaned_data["field_labels"] == {}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("card_count | Số thẻ", "separated by"),
        ("card_count | Số thẻ | Number | of cards", "separated by"),
        ("card count | Số thẻ | Number of cards", "not a field's code"),
        ("card_count |  | Number of cards", "both Vietnamese and English"),
        ("card_count | Số thẻ | ", "both Vietnamese and English"),
        ("card_count | Số thẻ | " + "x" * 121, "at most 120"),
    ],
)
def test_a_bad_line_is_refused_by_its_number(line, reason):
    form = _form(f"accounts | Tài khoản | Accounts\n{line}")
    assert not form.is_valid()
    (error,) = _errors(form)
    assert error.startswith("Line 2:") and reason in error, error


def test_a_field_named_twice_is_refused_on_its_second_line():
    form = _form(
        "card_count | Số thẻ | Number of cards\naccounts | Tài khoản | Accounts\ncard_count | Thẻ | Cards"
    )
    assert not form.is_valid()
    (error,) = _errors(form)
    assert error.startswith("Line 3:") and "card_count" in error and "line 1" in error, error


def test_the_service_refuses_a_map_the_page_would_refuse():
    system = make_inventory()["core_banking"]
    for labels in (
        {"card count": {"vi": "Số thẻ", "en": "Number of cards"}},
        {"card_count": {"vi": "Số thẻ"}},
        {"card_count": "Số thẻ"},
        ["card_count"],
    ):
        with pytest.raises(InvalidInput) as refused:
            inventory.system_save(actor=STAFF, system=system, categories=[], field_labels=labels)
        assert refused.value.field == "field_labels"
    system.refresh_from_db()
    assert system.field_labels == {}


def test_the_dpo_labels_a_systems_fields_and_the_change_is_audited(client, dpo):
    system = make_inventory()["core_banking"]
    client.force_login(dpo)
    url = reverse("dsr:system_edit", args=[system.pk])
    posted = {
        "code": system.code,
        "name_vi": system.name_vi,
        "name_en": "Core banking",
        "request_types": system.request_types,
        "active": "on",
        "field_labels": "card_count | Số thẻ | Number of cards",
    }
    assert client.post(url, posted).status_code == 302
    system.refresh_from_db()
    assert system.field_labels == {"card_count": {"vi": "Số thẻ", "en": "Number of cards"}}
    entry = AuditEntry.objects.filter(action="dsr.system.saved").latest("sequence")
    assert entry.target_id == str(system.pk)
    assert entry.data["field_labels"] == {"card_count": {"vi": "Số thẻ", "en": "Number of cards"}}
    # Editing starts from the lines saved.
    form = client.get(url).context["form"]
    assert form["field_labels"].value() == "card_count | Số thẻ | Number of cards"
    # A bad line is shown with its number, in the page's language (the staff's Vietnamese), and
    # nothing changes.
    refused = client.post(url, {**posted, "field_labels": "card_count | Số thẻ"})
    assert refused.status_code == 200
    assert "Dòng 1: hãy ghi mã trường" in refused.content.decode()
    system.refresh_from_db()
    assert system.field_labels == {"card_count": {"vi": "Số thẻ", "en": "Number of cards"}}
