"""The last guard of a consent import (consents.services.import_insert): an imported consent never
replaces a current-state row that holds a later answer, even if the judging missed that answer (a path
that forgot the customer's lock); the batch is undone instead. Both databases."""
from __future__ import annotations

import io

import pytest

from consents import services
from consents.models import Consent, ConsentEvent
from consents.selectors import consent_check
from consents.services import import_rows
from core.actors import Actor
from core.errors import Conflict
from tests.consents.factories import IMPORTED_ON, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
CUSTOMER = Actor(kind="customer", user_id=None, label="customer in the app")


def _lines(*rows: str) -> list[str]:
    header = "subject,purpose,notice_version,channel,evidence,granted_at"
    return io.StringIO("\n".join([header, *rows]) + "\n").readlines()


def test_an_imported_consent_never_replaces_a_later_answer_in_the_state_row(monkeypatch):
    purpose = make_purpose("guard-marketing", category="marketing")
    subject, other = make_subject(), make_subject()
    consent = grant(subject, purpose, actor=CUSTOMER, channel="mobile_app")
    services.consent_withdraw(actor=CUSTOMER, consent_id=consent.pk, channel="mobile_app")
    # Judging that does not see the withdrawal (as a batch would that read before it committed).
    monkeypatch.setattr(import_rows, "_answer_check", lambda *args, **kwargs: None)

    with pytest.raises(Conflict) as raised:
        services.consents_import_csv(
            actor=Actor.system("tests"),
            lines=_lines(
                f"{other.external_ref},{purpose.code},v1,paper_form,scan-1,{IMPORTED_ON}",
                f"{subject.external_ref},{purpose.code},v1,paper_form,scan-2,{IMPORTED_ON}",
            ),
            filename="legacy.csv",
        )

    assert raised.value.code == "answered_meanwhile"
    answer = consent_check(subject_ref=subject.external_ref, purpose_code=purpose.code)
    assert (answer.allowed, answer.reason) == (False, "withdrawn")
    # The batch is undone whole: nothing of it stays, the other customer's row included.
    assert not Consent.objects.filter(import_key__isnull=False).exists()
    assert not ConsentEvent.objects.filter(source__startswith="import:").exists()

