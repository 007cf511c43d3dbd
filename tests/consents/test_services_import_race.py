"""A consent import must never overturn a later answer of the customer (consents.services.imports:
"A consent from a file is older evidence and may not overturn a later answer"), also when that answer is
given in the app while the import's batch runs: the check must not say `allowed` again. A batch locks its
customers before judging them, and a grant or refusal takes the same lock, so the two take turns."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from consents import services
from consents.models import Consent
from consents.selectors import consent_check
from consents.services import grants, import_rows
from core.actors import Actor
from core.errors import Conflict
from tests.concurrency import lock_waited_for, started_in_other_connection
from tests.consents.factories import IMPORTED_ON, grant, make_purpose
from tests.factories import make_subject

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]
CUSTOMER = Actor(kind="customer", user_id=None, label="customer in the app")


def _import(subject, purpose):
    return services.consents_import_csv(
        actor=Actor.system("tests"),
        lines=[
            "subject,purpose,notice_version,channel,evidence,granted_at\n",
            f"{subject.external_ref},{purpose.code},v1,paper_form,scan-7,{IMPORTED_ON}\n",
        ],
        filename="legacy.csv",
    )


def test_a_withdrawal_made_while_a_batch_is_imported_stays_in_force(monkeypatch):
    purpose = make_purpose("race-marketing", category="marketing")
    subject = make_subject()
    real_insert = import_rows.consents_insert
    app: dict = {}

    def app_meanwhile() -> None:
        # The customer switches the purpose on, then off, as the page does: the live consent is withdrawn.
        try:
            grant(subject, purpose, actor=CUSTOMER, channel="mobile_app")
        except Conflict as error:  # the batch committed first: its paper form is the live consent
            assert error.code == "already_granted"
        live = Consent.objects.get(subject=subject, purpose=purpose, status="granted")
        services.consent_withdraw(actor=CUSTOMER, consent_id=live.pk, channel="mobile_app")

    def insert_while_the_customer_answers(*args, **kwargs):
        # The batch has judged its rows; the customer consents and withdraws in the app meanwhile. With
        # the batch's lock the app waits for it (and comes after it); without, it goes through at once.
        thread, app["out"] = started_in_other_connection(app_meanwhile)
        app["thread"] = thread
        app["waited"] = lock_waited_for(until=lambda: not thread.is_alive())
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(import_rows, "consents_insert", insert_while_the_customer_answers)
    _import(subject, purpose)
    app["thread"].join(60)
    assert not app["thread"].is_alive() and "error" not in app["out"], app

    answer = consent_check(subject_ref=subject.external_ref, purpose_code=purpose.code)
    assert (answer.allowed, answer.reason) == (False, "withdrawn")
    assert app["waited"]  # the customer's grant waited for the batch's lock


def test_a_batch_waits_for_an_answer_being_recorded_and_judges_its_row_against_it(monkeypatch):
    purpose = make_purpose("race-sharing", category="marketing")
    subject = make_subject()
    recording, go = threading.Event(), threading.Event()
    real_validate = grants.grant_validate

    def grant_held_open(*args, **kwargs):
        # The app's grant has started (its transaction is open) when the batch starts.
        recording.set()
        go.wait(30)
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(grants, "grant_validate", grant_held_open)
    app_thread, app = started_in_other_connection(
        lambda: grant(subject, purpose, actor=CUSTOMER, channel="mobile_app")
    )
    assert recording.wait(30)
    batch_thread, batch = started_in_other_connection(lambda: _import(subject, purpose))
    waited = lock_waited_for(until=lambda: not batch_thread.is_alive())
    go.set()
    app_thread.join(60)
    batch_thread.join(60)

    assert "error" not in app and "error" not in batch, (app, batch)
    assert waited
    run = batch["value"]
    assert (run.imported, run.refused) == (0, 1)
    assert "live consent" in run.errors[0]["reason"]
    answer = consent_check(subject_ref=subject.external_ref, purpose_code=purpose.code)
    assert (answer.allowed, answer.reason, answer.consent) == (True, "granted", app["value"].pk)
