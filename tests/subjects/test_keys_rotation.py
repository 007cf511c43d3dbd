"""rotate_keys: every encrypted column moves to the first key, blind indexes to the current key,
in batches, resumably, without overwriting the platform's own concurrent writes."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import Actor
from integrations.models import OutboxMessage, WebhookEndpoint
from subjects import keys, services
from subjects.crypto import blind_index
from subjects.models import DataSubject
from subjects.selectors import subject_filter_by_index, subject_search
from tests.factories import make_subject

OLD_BLIND = "old-blind-index-key-0123456789abcdefgh"
NEW_BLIND = "new-blind-index-key-0123456789abcdefgh"


def raw_values():
    """Every non-null ciphertext of every encrypted column, read straight from the tables."""
    found = []
    for spec in keys.encrypted_models():
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for f in spec.fields:
                cursor.execute(f"SELECT {quote(f.column)} FROM {quote(spec.model._meta.db_table)} "
                               f"WHERE {quote(f.column)} IS NOT NULL")
                found += [(spec.label, f.column, value) for (value,) in cursor.fetchall()]
    return found


def make_endpoint_and_message(subject):
    client = get_user_model().objects.create(username="client_keys")
    endpoint = WebhookEndpoint.objects.create(
        client=client, name="core", url="https://example.test/h", secret="s3cret"
    )
    OutboxMessage.objects.create(kind="email", topic="t", destination="khach@example.vn", payload='{"a": 1}',
                                 subject_id=subject.pk, next_attempt_at=timezone.now())
    return endpoint


@pytest.mark.django_db
def test_every_encrypted_model_is_found_by_introspection():
    labels = {spec.label: {f.name for f in spec.fields} for spec in keys.encrypted_models()}
    assert {"full_name", "national_id", "date_of_birth", "phone", "email", "address"} <= labels[
        "subjects.DataSubject"
    ]
    assert labels["integrations.WebhookEndpoint"] == {"secret", "previous_secret"}
    assert labels["integrations.OutboxMessage"] == {"destination", "payload"}
    assert labels["integrations.IdempotencyRecord"] == {"response_body"}
    indexes = {(spec.label, f.name): i.name for spec in keys.encrypted_models() for f, i in spec.indexes}
    assert indexes == {
        ("subjects.DataSubject", "national_id"): "national_id_index",
        # A foreign national is looked up by passport (`subjects.selectors.subject_search`).
        ("subjects.DataSubject", "passport_number"): "passport_number_index",
        ("subjects.DataSubject", "phone"): "phone_index",
        ("subjects.DataSubject", "email"): "email_index",
        # A representative's identity number is rotated with the customer's own (`subjects.representatives`).
        ("subjects.Representative", "id_number"): "id_number_index",
    }
    assert labels["subjects.Representative"] == {"full_name", "id_number", "document_reference"}


@pytest.mark.django_db
def test_rotation_reencrypts_every_column_under_the_new_key(use_keys, settings):
    old_key = settings.FIELD_ENCRYPTION_KEY[0]
    subjects = [make_subject() for _ in range(5)]
    endpoint = make_endpoint_and_message(subjects[0])
    new_key = Fernet.generate_key().decode()
    use_keys([new_key, old_key])

    call_command("rotate_keys", batch_size=2, stdout=open("/dev/null", "w"))

    values = raw_values()
    assert {label for label, _c, _v in values} >= {
        "subjects.DataSubject",
        "integrations.WebhookEndpoint",
        "integrations.OutboxMessage",
    }
    for _label, _column, token in values:
        Fernet(new_key).decrypt(token.encode())  # raises if any value were still under the old key
    use_keys([new_key])  # the old key is gone: everything still reads
    for original in subjects:
        fresh = DataSubject.objects.get(pk=original.pk)
        assert (fresh.full_name, fresh.national_id, fresh.date_of_birth) == (
            original.full_name, original.national_id, original.date_of_birth)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == "s3cret"
    assert OutboxMessage.objects.get().payload == '{"a": 1}'
    finished = AuditEntry.objects.filter(action="core.keys.rotation_finished").get()
    assert finished.data["models"]["subjects.DataSubject"]["reencrypted"] == 5
    assert AuditEntry.objects.filter(action="core.keys.rotation_started").count() == 1


@pytest.mark.django_db
def test_a_second_run_changes_nothing(use_keys, settings):
    make_subject()
    use_keys([Fernet.generate_key().decode(), settings.FIELD_ENCRYPTION_KEY[0]])
    call_command("rotate_keys", stdout=open("/dev/null", "w"))
    before = raw_values()
    call_command("rotate_keys", stdout=open("/dev/null", "w"))
    assert raw_values() == before
    last = AuditEntry.objects.filter(action="core.keys.rotation_finished").order_by("-sequence").first()
    assert last.data["models"]["subjects.DataSubject"] == {"scanned": 1, "reencrypted": 0, "reindexed": 0}


@pytest.mark.django_db
def test_blind_index_rotation_keeps_lookups_working_throughout(use_keys):
    use_keys(blind=OLD_BLIND)
    subject = make_subject(national_id="001203004005", phone="0912345678", email="an@example.vn")
    # Restart with the new key, the old one as previous: look-ups still find the customer.
    use_keys(blind=NEW_BLIND, previous=OLD_BLIND)
    assert list(subject_search("001203004005")) == [subject]
    assert list(subject_filter_by_index(DataSubject.objects.all(), field="email", value="an@example.vn")) == [
        subject
    ]

    call_command("rotate_keys", stdout=open("/dev/null", "w"))

    fresh = DataSubject.objects.get(pk=subject.pk)
    assert fresh.national_id_index == blind_index("001203004005", key=NEW_BLIND)
    assert fresh.phone_index == blind_index(subject.phone, key=NEW_BLIND)
    assert fresh.email_index == blind_index("an@example.vn", key=NEW_BLIND)
    use_keys(previous="")  # rotation done, the previous key removed
    assert list(subject_search("001203004005")) == [subject]
    assert list(subject_search("0912345678")) == [subject]


class ProcessKilled(Exception):
    pass


@pytest.mark.django_db
def test_an_interrupted_rotation_resumes_after_the_last_batch(use_keys, settings, monkeypatch):
    for _ in range(5):
        make_subject()
    use_keys([Fernet.generate_key().decode(), settings.FIELD_ENCRYPTION_KEY[0]])
    real = keys.rotate_batch
    seen = []
    crashed = []

    def crash_on_third(spec, *, after, size):
        seen.append((spec.label, after))
        # The third batch of the subjects' table, whichever tables come before it.
        subject_batches = [label for label, _after in seen if label == DataSubject._meta.label]
        if len(subject_batches) == 3 and not crashed:
            crashed.append(True)
            raise ProcessKilled
        return real(spec, after=after, size=size)

    monkeypatch.setattr("subjects.management.commands.rotate_keys.rotate_batch", crash_on_third)
    with pytest.raises(ProcessKilled):
        call_command("rotate_keys", batch_size=2, stdout=open("/dev/null", "w"))
    resumed_from = seen[-1]
    assert resumed_from[1] is not None

    seen.clear()
    call_command("rotate_keys", batch_size=2, stdout=open("/dev/null", "w"))
    # continued where it stopped, not from the start
    assert (seen[0][0], str(seen[0][1])) == (resumed_from[0], str(resumed_from[1]))
    for _label, _column, token in raw_values():
        Fernet(settings.FIELD_ENCRYPTION_KEY[0]).decrypt(token.encode())
    assert not (settings.VAR_DIR / "rotate_keys.checkpoint.json").exists()


@pytest.mark.django_db
def test_a_row_the_platform_rewrote_meanwhile_is_not_overwritten(use_keys, settings, monkeypatch):
    subject = make_subject(national_id="001203004005")
    use_keys([Fernet.generate_key().decode(), settings.FIELD_ENCRYPTION_KEY[0]])
    spec = next(s for s in keys.encrypted_models() if s.model is DataSubject)
    stale_rows = keys._select_batch(spec, after=None, size=10)
    # The platform rectifies the subject between the rotation's read and its write.
    services.subject_rectify(
        actor=Actor.system("tests"), subject_id=subject.pk, changes={"national_id": "079203004005"}
    )
    monkeypatch.setattr(keys, "_select_batch", lambda *a, **k: stale_rows)

    result = keys.rotate_batch(spec, after=None, size=10)

    assert result.reencrypted == 0
    assert DataSubject.objects.get(pk=subject.pk).national_id == "079203004005"


@pytest.mark.django_db
def test_values_no_configured_key_reads_are_left_alone_and_reported(use_keys, settings):
    subject = make_subject()
    foreign = Fernet(Fernet.generate_key()).encrypt(b"written elsewhere").decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_datasubject SET address = %s WHERE id = %s", [foreign, subject.pk.hex
                       if connection.vendor == "sqlite" else subject.pk])
    use_keys([Fernet.generate_key().decode(), settings.FIELD_ENCRYPTION_KEY[0]])

    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("rotate_keys", stdout=open("/dev/null", "w"))

    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM core_datasubject")
        assert cursor.fetchone()[0] == foreign


@pytest.mark.django_db
def test_batch_size_is_bounded():
    with pytest.raises(CommandError, match="batch-size"):
        call_command("rotate_keys", batch_size=0)
