"""A bank customer's identification (name, date of birth, identity document) is sensitive data: Decree
13/2023 Art. 2.4 names the customer information a credit institution holds, identification included,
carried into Law 91/2025. A purpose an earlier release judged not sensitive gets the widening version
through the upgrade; consents to the older version answer as before until its date."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from consents import services
from consents.selectors import consent_check
from core.errors import InvalidInput
from tests.consents.factories import SYSTEM, announce_on_time, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_a_purpose_using_identity_data_needs_explicit_consent():
    purpose = make_purpose(
        "share-id", category="sharing", recipients=[make_recipient("Partner Insurance X")],
        data_categories=["identity", "contact"],
    )
    assert purpose.sensitive and purpose.notices.get().scope["sensitive"]
    with pytest.raises(InvalidInput) as refused:
        grant(purpose=purpose)
    assert refused.value.field == "sensitive_acknowledged"
    assert grant(purpose=purpose, sensitive_acknowledged=True).status == "granted"


def test_the_upgrade_makes_an_identity_purpose_sensitive_through_an_announced_version():
    purpose = make_purpose(
        "share-id", category="sharing", recipients=[make_recipient("Partner Insurance X")],
        data_categories=["identity", "contact"], effective_at=NOW - timedelta(days=60),
    )
    # As an earlier release stored it: identity was not a sensitive category.
    notice = purpose.notices.get()
    notice.scope = {**notice.scope, "sensitive": False}
    notice.save(update_fields=["scope"])
    purpose.sensitive = False
    purpose.save(update_fields=["sensitive"])
    subject = make_subject()
    consent = grant(subject, purpose, now=NOW - timedelta(days=1))
    assert not consent.sensitive_acknowledged

    assert services.purpose_scopes_refresh(actor=SYSTEM, now=NOW) == {
        "share-id": purpose.notices.latest("effective_at").version
    }

    version = purpose.notices.latest("effective_at")
    assert version.material and version.scope["sensitive"]
    assert version.effective_at == NOW + timedelta(days=30)
    announce_on_time("share-id")

    def check(at):
        answer = consent_check(subject_ref=subject.external_ref, purpose_code="share-id", now=at)
        return answer.allowed, answer.reason

    assert check(NOW + timedelta(days=29)) == (True, "granted")
    assert check(NOW + timedelta(days=30, minutes=1)) == (False, "reconsent_required")
