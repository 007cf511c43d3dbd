"""A "yes" on the staff consent form to a purpose whose consent is already in force on the notice
version in force: the officer re-confirms the customer's wish. The form refused the whole of it (409
`already_granted`), every other answer lost. Now that purpose records nothing new, the summary says since
when the consent has been in force, and the rest of the form is recorded. The API's single grant still
answers 409 `already_granted` (the contract)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import Consent, ConsentEvent
from core.errors import Conflict
from tests.consents.factories import STAFF, consent_form_body, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_a_yes_to_a_consent_in_force_records_nothing_new_and_the_rest_of_the_form_is_recorded():
    marketing = make_purpose("marketing", category="marketing")
    sharing = make_purpose("sharing")
    subject = make_subject()
    in_force = grant(subject, marketing)

    recorded = services.consent_form_record(
        actor=STAFF,
        subject=subject,
        answers=[
            services.FormAnswer(purpose=marketing, notice_version="v1", agreed=True),
            services.FormAnswer(purpose=sharing, notice_version="v1", agreed=False),
        ],
        channel="paper_form",
        evidence="PF-2026-12",
    )

    assert [c.pk for c in recorded][0] == in_force.pk
    assert [c.status for c in recorded] == ["granted", "refused"]
    assert Consent.objects.filter(subject=subject, purpose=marketing).count() == 1
    assert ConsentEvent.objects.filter(consent=in_force).count() == 1


def test_the_summary_says_since_when_the_consent_re_confirmed_has_been_in_force(client, officer):
    marketing = make_purpose("marketing", category="marketing")
    sharing = make_purpose("sharing")
    subject = make_subject()
    since = timezone.localtime() - timedelta(days=40)
    Consent.objects.filter(pk=grant(subject, marketing).pk).update(granted_at=since)
    client.force_login(officer)

    response = client.post(
        f"/en/portal/customers/{subject.pk}/consents/new/",
        consent_form_body({"marketing": "yes", "sharing": "yes"}, channel="paper_form", evidence="PF-9"),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Consent.objects.get(subject=subject, purpose=sharing).status == "granted"
    summary = client.get(response.url).content.decode()
    row = summary[summary.index('data-testid="recorded-marketing"') :]
    row = row[: row.index("</tr>")]
    assert f"already in force since {since:%d/%m/%Y}" in row


def test_the_api_grant_still_answers_already_granted():
    marketing = make_purpose("marketing", category="marketing")
    subject = make_subject()
    grant(subject, marketing)
    with pytest.raises(Conflict) as error:
        grant(subject, marketing)
    assert error.value.code == "already_granted"
