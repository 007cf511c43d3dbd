"""What an authorisation's events hold of the customer (the reason they gave, the evidence of their
instruction, the frozen receipt quoting both and their customer number) and a third party's contact
details are stored encrypted, and `rotate_keys` reaches them. Migration 0009 encrypts the rows written
before, and going back leaves them as they were."""

from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command
from django.db import connection

from authorisations import services
from authorisations.models import AuthorisationEvent, ThirdParty
from core.actors import actor_for_user
from subjects.checks import check_keys_read_existing_data
from subjects.keys import encrypted_models
from tests.authorisations.factories import authorise, register
from tests.migrations import decrypted, registries_after, store_plain, stored

pytestmark = pytest.mark.django_db
migration = importlib.import_module("authorisations.migrations.0009_words_encrypted")
migration_apps = registries_after([("authorisations", "0009_words_encrypted")])
REASON = "Tôi không còn dùng ứng dụng của Trần Thị B, số 0912345678"
EVIDENCE = "Phiếu yêu cầu PF-7, CCCD 079123456789"
EVENT_WORDS = ("reason", "evidence", "receipt")
CONTACTS = ("contact_email", "contact_phone")


def _revoked_at_branch(customer, officer) -> AuthorisationEvent:
    authorisation = authorise(customer)
    services.authorisation_revoke(
        actor=actor_for_user(officer), authorisation_id=authorisation.pk, channel="branch",
        evidence=EVIDENCE, reason=REASON,
    )
    return AuthorisationEvent.objects.get(authorisation=authorisation, kind="revoked")


def test_an_events_words_and_a_third_partys_contacts_are_stored_encrypted_and_rotated(customer1, officer):
    event = _revoked_at_branch(customer1, officer)
    third_party = event.authorisation.third_party
    assert decrypted(AuthorisationEvent, "reason", event.pk) == REASON
    assert decrypted(AuthorisationEvent, "evidence", event.pk) == EVIDENCE
    assert REASON in decrypted(AuthorisationEvent, "receipt", event.pk)
    assert decrypted(ThirdParty, "contact_email", third_party.pk) == third_party.contact_email
    assert decrypted(ThirdParty, "contact_phone", third_party.pk) == third_party.contact_phone
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason, evidence, receipt FROM authorisations_authorisationevent")
        as_stored = " ".join(" ".join(row) for row in cursor.fetchall())
    assert REASON not in as_stored and EVIDENCE not in as_stored
    assert customer1.customer_account.subject.external_ref not in as_stored
    rotated = {spec.model: {f.name for f in spec.fields} for spec in encrypted_models()}
    assert set(EVENT_WORDS) <= rotated[AuthorisationEvent] and set(CONTACTS) <= rotated[ThirdParty]


def test_the_migration_encrypts_the_rows_written_before_and_going_back_restores_them(
    migration_apps, customer1, officer
):
    event = _revoked_at_branch(customer1, officer)
    granted = AuthorisationEvent.objects.get(authorisation=event.authorisation, kind="granted")
    third_party = register(contact_phone="").third_party
    receipt = event.receipt
    plain = {"reason": REASON, "evidence": EVIDENCE, "receipt": receipt}
    for column, words in plain.items():
        store_plain(AuthorisationEvent, column, event.pk, words)
        store_plain(AuthorisationEvent, column, granted.pk, "" if column != "receipt" else granted.receipt)
    store_plain(ThirdParty, "contact_email", third_party.pk, "it@ketoan.example.vn")
    store_plain(ThirdParty, "contact_phone", third_party.pk, "")

    migration.words_encrypt(migration_apps, None)

    for column, words in plain.items():
        assert decrypted(AuthorisationEvent, column, event.pk) == words
    assert decrypted(AuthorisationEvent, "reason", granted.pk) == ""
    assert decrypted(ThirdParty, "contact_email", third_party.pk) == "it@ketoan.example.vn"
    assert decrypted(ThirdParty, "contact_phone", third_party.pk) == ""
    assert check_keys_read_existing_data() == []

    migration.words_encrypt(migration_apps, None)  # twice: the same words, still readable
    assert AuthorisationEvent.objects.get(pk=event.pk).receipt == receipt

    migration.words_decrypt(migration_apps, connection.schema_editor())
    for column, words in plain.items():
        assert stored(AuthorisationEvent, column, event.pk) == words
    assert stored(AuthorisationEvent, "evidence", granted.pk) == ""
    assert stored(ThirdParty, "contact_email", third_party.pk) == "it@ketoan.example.vn"


def test_a_pass_stopped_half_way_runs_again_leaving_what_it_encrypted_as_it_is(
    migration_apps, customer1, officer, monkeypatch
):
    """The migration is not atomic (no lock held through the pass): a batch committed before a stop is
    recognised when `migrate` runs it again, not encrypted a second time."""
    monkeypatch.setattr(migration, "BATCH", 1)  # several batches, each in its own transaction
    event = _revoked_at_branch(customer1, officer)
    granted = AuthorisationEvent.objects.get(authorisation=event.authorisation, kind="granted")
    store_plain(AuthorisationEvent, "reason", granted.pk, "Lý do đã nêu trước đó")
    store_plain(AuthorisationEvent, "reason", event.pk, REASON)
    migration.words_encrypt(migration_apps, None)
    encrypted_before = stored(AuthorisationEvent, "reason", granted.pk)
    store_plain(AuthorisationEvent, "reason", event.pk, REASON)  # the rows the stopped pass did not reach

    migration.words_encrypt(migration_apps, None)

    assert stored(AuthorisationEvent, "reason", granted.pk) == encrypted_before
    assert decrypted(AuthorisationEvent, "reason", granted.pk) == "Lý do đã nêu trước đó"
    assert decrypted(AuthorisationEvent, "reason", event.pk) == REASON
    assert check_keys_read_existing_data() == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_both_ways():
    call_command("migrate", "authorisations", "0008", verbosity=0)
    call_command("migrate", "authorisations", verbosity=0)
