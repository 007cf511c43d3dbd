"""The DPO sets or corrects the English name of a recipient that already exists (`recipient_rename_en`),
on the recipient's staff page: audited with the old and new name in the same transaction; the Vietnamese
name, which consents' scopes and receipts quote, is not changed; the scope does not widen."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from consents import services
from consents.models import Recipient
from consents.scope import latest_scope, scope_widenings
from core.actors import actor_for_user
from core.errors import InvalidInput, NotFound
from tests.consents.factories import make_purpose, make_recipient
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

VIETNAMESE = "Trụ sở chính Tokyo"


@pytest.fixture
def head_office():
    return make_recipient(VIETNAMESE, name_en="Tokio Head Ofice", kind="foreign_head_office")


def test_the_service_corrects_the_english_name_and_audits_old_and_new(dpo, head_office):
    purpose = make_purpose("sharing", category="sharing", recipients=[head_office])
    before = latest_scope(purpose)
    changed = services.recipient_rename_en(
        actor=actor_for_user(dpo), recipient_id=head_office.pk, name_en="  Tokyo   Head Office "
    )
    assert changed.name_en == "Tokyo Head Office"
    stored = Recipient.objects.get(pk=head_office.pk)
    assert (stored.name, stored.name_en) == (VIETNAMESE, "Tokyo Head Office")
    entry = AuditEntry.objects.filter(action="consents.recipient.renamed_en").get()
    assert entry.data == {"name_en": {"before": "Tokio Head Ofice", "after": "Tokyo Head Office"}}
    assert entry.target_id == str(head_office.pk)
    purpose.refresh_from_db()
    assert scope_widenings(before, latest_scope(purpose)) == []


def test_the_same_name_again_writes_nothing(dpo, head_office):
    actor = actor_for_user(dpo)
    services.recipient_rename_en(actor=actor, recipient_id=head_office.pk, name_en="Tokio Head Ofice")
    assert not AuditEntry.objects.filter(action="consents.recipient.renamed_en").exists()


def test_a_blank_english_name_falls_back_to_the_vietnamese_one(dpo, head_office):
    services.recipient_rename_en(actor=actor_for_user(dpo), recipient_id=head_office.pk, name_en=" ")
    assert Recipient.objects.get(pk=head_office.pk).name_en == ""


def test_a_name_too_long_or_an_unknown_recipient_is_refused(dpo, head_office):
    actor = actor_for_user(dpo)
    with pytest.raises(InvalidInput):
        services.recipient_rename_en(actor=actor, recipient_id=head_office.pk, name_en="x" * 201)
    with pytest.raises(NotFound):
        services.recipient_rename_en(actor=actor, recipient_id=head_office.pk + 99, name_en="A")
    assert Recipient.objects.get(pk=head_office.pk).name_en == "Tokio Head Ofice"
    assert not AuditEntry.objects.filter(action="consents.recipient.renamed_en").exists()


@pytest.mark.parametrize(("language", "prefix"), [("vi", ""), ("en", "/en")])
def test_the_dpo_corrects_it_on_the_recipients_staff_page(dpo, head_office, language, prefix):
    client = signed_in(dpo)
    url = f"{prefix}/portal/recipients/{head_office.pk}/english-name/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<html lang="{language}"' in html and 'name="name_en"' in html and "Tokio Head Ofice" in html
    assert '<label for="id_name_en"' in html
    assert f'href="{url}"' in client.get(f"{prefix}/portal/recipients/").content.decode()
    posted = client.post(url, {"name_en": "Tokyo Head Office", "name": "Đổi tên"})
    assert posted.status_code == 302
    stored = Recipient.objects.get(pk=head_office.pk)
    assert (stored.name, stored.name_en) == (VIETNAMESE, "Tokyo Head Office")


def test_a_name_too_long_on_the_page_is_a_message_and_nothing_is_written(dpo, head_office):
    url = f"/en/portal/recipients/{head_office.pk}/english-name/"
    answer = signed_in(dpo).post(url, {"name_en": "x" * 201})
    assert answer.status_code == 200 and 'aria-invalid="true"' in answer.content.decode()
    assert Recipient.objects.get(pk=head_office.pk).name_en == "Tokio Head Ofice"


def test_staff_who_may_not_manage_the_catalogue_cannot_rename(officer, head_office):
    client = signed_in(officer)
    url = f"/en/portal/recipients/{head_office.pk}/english-name/"
    assert client.post(url, {"name_en": "Other"}).status_code == 403
    assert Recipient.objects.get(pk=head_office.pk).name_en == "Tokio Head Ofice"
