"""What a customer is told before withdrawing follows the data the purpose processes, not the category
it is filed under: Decision 2345/QĐ-NHNN makes online transfers above 10 million VND (or 20 million VND a
day) need biometric authentication, so withdrawing a consent to biometric data sends those transfers to a
branch, whatever the category, and the text must say so (domain notes), after the DPO's own text rather
than replaced by it. A "security" purpose processing no biometric data must not claim biometrics stop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from consents import selectors
from tests.consents.factories import grant, make_purpose, make_recipient, version_in_force_since
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

BRANCH = {"vi": "quầy giao dịch", "en": "branch"}


def _told(purpose, lang: str) -> str:
    consent = grant(make_subject(), purpose, sensitive_acknowledged=True)
    with translation.override(lang):
        return " ".join(str(line) for line in selectors.withdrawal_consequences(consent))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_biometric_purpose_of_another_category_names_the_branch_and_decision_2345(lang):
    purpose = make_purpose("face-login", category="service", data_categories=["biometric"])

    told = _told(purpose, lang)

    assert "2345/QĐ-NHNN" in told and BRANCH[lang] in told


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_security_purpose_without_biometric_data_does_not_claim_biometrics_stop(lang):
    purpose = make_purpose("fraud-location", category="security", data_categories=["location"])

    told = _told(purpose, lang)

    assert "2345" not in told and BRANCH[lang] not in told


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_dpos_own_text_comes_first_and_the_legal_sentence_still_follows(lang):
    purpose = make_purpose(
        "face-pay",
        category="security",
        data_categories=["biometric"],
        consequences_vi="Ứng dụng không còn nhận diện khuôn mặt của bạn.",
        consequences_en="The app no longer recognises your face.",
    )

    lines = _told(purpose, lang)

    own = {
        "vi": "Ứng dụng không còn nhận diện khuôn mặt của bạn.",
        "en": "The app no longer recognises your face.",
    }
    assert lines.startswith(own[lang])
    assert "2345/QĐ-NHNN" in lines and BRANCH[lang] in lines


def test_the_sentence_follows_the_data_categories_of_the_version_in_force():
    """A version adding biometric data took effect an hour ago; the job has not copied it onto the row."""
    purpose = make_purpose("card-guard", category="service", data_categories=["location"])
    version_in_force_since(
        "card-guard", {"data_categories": ["location", "biometric"]}, ago=timedelta(hours=1)
    )
    purpose.refresh_from_db()
    assert "biometric" not in purpose.data_categories  # the row lags the version

    assert "2345/QĐ-NHNN" in _told(purpose, "en")


def test_the_vietnamese_sentence_names_the_thresholds_and_the_branch():
    """A translation update that drops the amounts or the branch would leave the customer uninformed."""
    purpose = make_purpose("face-auth", category="security", data_categories=["biometric"])

    told = _told(purpose, "vi")

    assert "10 triệu đồng" in told and "20 triệu đồng" in told
    assert "quầy giao dịch" in told and "Quyết định 2345/QĐ-NHNN" in told


def test_the_consequences_of_a_subjects_withdrawal_read_no_notice_texts():
    subject = make_subject()
    grant(subject, make_purpose("offers-texts", recipients=[make_recipient("Partner")]))
    with CaptureQueriesContext(connection) as queries:
        consequences = selectors.withdrawal_consequences_of_subject(subject)
    assert [consent.purpose.code for consent, _lines in consequences] == ["offers-texts"]
    # The purposes' versions, read to judge each by the one in force: their texts are not needed.
    versions_read = [
        q["sql"] for q in queries.captured_queries
        if 'FROM "consents_noticeversion"' in q["sql"] and '"purpose_id" IN' in q["sql"]
    ]
    assert len(versions_read) == 1 and "text_vi" not in versions_read[0], versions_read
