"""A wrong or missing key stops the platform at start-up instead of writing unreadable data."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from subjects.checks import check_keys_read_existing_data, refuse_to_start_on_errors
from tests.consents.factories import grant
from tests.factories import make_subject

ROOT = Path(__file__).resolve().parents[2]


def ids(messages):
    return sorted({m.id for m in messages})


@pytest.mark.django_db
def test_no_data_no_complaint():
    assert check_keys_read_existing_data() == []


@pytest.mark.django_db
def test_the_right_keys_pass(use_keys, settings):
    make_subject()
    assert check_keys_read_existing_data() == []
    # Mid-rotation: a new key first, the old one still listed, the old blind key as previous.
    use_keys(field_keys=[Fernet.generate_key().decode(), settings.FIELD_ENCRYPTION_KEY[0]],
                 blind="a-brand-new-blind-index-key-0123456789", previous=settings.BLIND_INDEX_KEY)
    assert check_keys_read_existing_data() == []


@pytest.mark.django_db
def test_a_field_key_that_cannot_read_the_data_is_an_error(use_keys):
    make_subject()
    use_keys(field_keys=[Fernet.generate_key().decode()])
    errors = check_keys_read_existing_data()
    assert ids(errors) == ["core.E101"]
    assert "FIELD_ENCRYPTION_KEY" in errors[0].msg
    with pytest.raises(SystemCheckError, match="FIELD_ENCRYPTION_KEY"):
        call_command("check")


@pytest.mark.django_db
def test_an_encrypted_column_a_pending_migration_adds_is_not_read_yet():
    """`migrate` runs the check before it adds the column: SQLite would read a missing quoted column as
    the string of its name (a ciphertext no key reads), PostgreSQL would fail the whole check."""
    grant()  # a consent event, whose encrypted note the test's database has not added yet
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no ALTER with the grant's checks pending
        cursor.execute("ALTER TABLE consents_consentevent DROP COLUMN note")
    assert check_keys_read_existing_data() == []


@pytest.mark.django_db
def test_a_changed_blind_index_key_without_the_previous_one_is_an_error(use_keys):
    make_subject()
    use_keys(blind="a-brand-new-blind-index-key-0123456789")
    errors = check_keys_read_existing_data()
    assert ids(errors) == ["core.E102"]
    assert "BLIND_INDEX_KEY" in errors[0].msg


@pytest.mark.django_db
def test_celery_refuses_to_start_with_a_wrong_key(use_keys):
    make_subject()
    refuse_to_start_on_errors()  # the right key: nothing happens
    use_keys(field_keys=[Fernet.generate_key().decode()])
    with pytest.raises(SystemCheckError, match="core.E101"):
        refuse_to_start_on_errors(sender=None)


def _start(**env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in env_overrides}
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    env["DATABASE_URL"] = "sqlite:////tmp/keys-canary-nonexistent.sqlite3"
    code = "import django; django.setup()"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"FIELD_ENCRYPTION_KEY": "not-a-fernet-key"}, "FIELD_ENCRYPTION_KEY key #1 is not a valid Fernet key"),
    ({"FIELD_ENCRYPTION_KEY": f"{Fernet.generate_key().decode()},short"}, "key #2 is not a valid Fernet key"),
    ({"BLIND_INDEX_KEY": "too-short"}, "BLIND_INDEX_KEY must be at least 32 characters"),
    ({"BLIND_INDEX_KEY_PREVIOUS": "too-short"}, "BLIND_INDEX_KEY_PREVIOUS must be at least 32 characters"),
    ({"AUDIT_MAC_KEY": f"{'a' * 32},too-short"}, "AUDIT_MAC_KEY key #2 must be at least 32 characters"),
])
def test_malformed_keys_stop_the_process_with_a_clear_message(overrides, message):
    result = _start(**overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize("name", ["FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY", "AUDIT_MAC_KEY"])
def test_missing_keys_stop_the_process(name, tmp_path):
    # Run outside the project directory's .env: copy nothing, point the settings at an empty one.
    env = {k: v for k, v in os.environ.items() if k != name}
    env["DATABASE_URL"] = "sqlite:////tmp/keys-canary-nonexistent.sqlite3"
    code = ("import os, environ; environ.Env.read_env = staticmethod(lambda *a, **k: None); "
            "import django; django.setup()")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


@pytest.mark.parametrize("secret", ["", "x", "changeme", "s" * 31])
def test_a_production_node_refuses_a_weak_secret_key(secret):
    result = _start(SECRET_KEY=secret, DEBUG="false", DJANGO_READ_DOT_ENV_FILE="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 32 characters" in result.stderr


def test_a_secret_key_of_32_characters_starts_and_a_debug_machine_takes_any():
    assert _start(SECRET_KEY="s" * 32, DEBUG="false", DJANGO_READ_DOT_ENV_FILE="false").returncode == 0
    assert _start(SECRET_KEY="x", DEBUG="true", DJANGO_READ_DOT_ENV_FILE="false").returncode == 0
