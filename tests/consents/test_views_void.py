"""The pages of a consent recorded in error: the staff customer page offers "Recorded in error…" to whom
the service allows, the confirmation form asks the reason and a note (posted once, errors on their
fields), the consent's page then says when, by whom and why; the customer's own page shows the purpose
simply off, never as something they did."""

from __future__ import annotations

import pytest

from consents import services
from consents.models import ConsentEvent, ConsentStatus
from core.access import subject_for_user
from core.actors import actor_for_user
from tests.consents.factories import STAFF, grant, make_purpose
from tests.factories import make_subject, signed_in
from tests.html_tree import ids, parse
from tests.pages import hidden_fields, in_either_language

pytestmark = pytest.mark.django_db
NOTE = "CIF mistyped at the counter: the signed form is another customer's."


def _void_links(page_html: bytes) -> list:
    return [a for a in parse(page_html).find_all("a") if "/void/" in (a.get("href") or "")]


def test_the_customer_page_offers_the_correction_only_to_whom_the_service_allows(
    officer, privacy_officer, dpo, auditor
):
    subject = make_subject()
    consent = grant(subject, make_purpose("marketing", name_en="Product marketing"),
                    actor=actor_for_user(privacy_officer))
    page = f"/en/portal/customers/{subject.pk}/"
    (link,) = _void_links(signed_in(dpo).get(page).content)
    assert link.get("href") == f"/en/portal/consents/{consent.pk}/void/"
    assert "Recorded in error" in link.text() and "Product marketing" in link.text()  # names its row
    for user in (officer, auditor, privacy_officer):  # the privacy officer recorded it: four eyes
        assert _void_links(signed_in(user).get(page).content) == []


def test_the_form_asks_reason_and_note_and_ties_each_error_to_its_field(dpo):
    consent = grant(make_subject(), make_purpose("marketing"))
    client = signed_in(dpo)
    url = f"/en/portal/consents/{consent.pk}/void/"
    response = client.post(url, {**hidden_fields(client.get(url).content), "note": " "})
    assert response.status_code == 400
    page = parse(response.content)
    by_id = ids(page)
    reasons = page.find_all("fieldset")[0]
    assert "Why is the record wrong" in reasons.find_all("legend")[0].text()
    assert reasons.get("aria-describedby") and "id_reason_error" in reasons.get("aria-describedby")
    note = next(e for e in page.find_all("textarea") if e.get("name") == "note")
    assert note.get("aria-invalid") == "true" and "id_note_error" in note.get("aria-describedby")
    assert by_id["id_note_error"].text().strip() and by_id["id_reason_error"].text().strip()
    assert page.find_all(**{"data-testid": "error-summary"})
    assert ConsentEvent.objects.filter(kind=ConsentStatus.VOIDED).count() == 0


def test_an_answer_the_app_reported_is_offered_for_voiding_only_as_another_customers(dpo):
    """The app's report of the customer's own act is voided only as recorded on the wrong customer: the
    form offered every reason, and refused the others only once sent."""
    consent = grant(make_subject(), make_purpose("marketing"), channel="mobile_app")
    page = parse(signed_in(dpo).get(f"/en/portal/consents/{consent.pk}/void/").content)
    offered = [e.get("value") for e in page.find_all("input") if e.get("name") == "reason"]
    assert offered == ["wrong_customer"]
    assert page.find_all(**{"data-testid": "reasons-limited"})


def test_the_void_is_recorded_once_and_the_consent_page_says_when_by_whom_and_why(dpo):
    # A customer reading English: the receipt is in the customer's language, the void's facts the staff's.
    consent = grant(make_subject(preferred_language="en"), make_purpose("marketing"))
    client = signed_in(dpo)
    url = f"/en/portal/consents/{consent.pk}/void/"
    form = {**hidden_fields(client.get(url).content), "reason": "duplicate_entry", "note": NOTE}
    first = client.post(url, form)
    assert first.status_code == 302 and first["Location"] == f"/en/portal/consents/{consent.pk}/receipt/"
    again = client.post(url, form, follow=True)  # a double click
    assert ConsentEvent.objects.filter(consent=consent, kind=ConsentStatus.VOIDED).count() == 1
    assert "flash--error" not in again.content.decode()

    page = parse(client.get(f"/en/portal/consents/{consent.pk}/receipt/").content)
    (facts,) = page.find_all(**{"data-testid": "consent-voided"})
    said = facts.text()
    assert "Recorded twice" in said and "dpo_t" in said and "Data protection officer" in said
    (status,) = page.find_all(**{"data-testid": "receipt-status"})
    assert status.text() == "Recorded in error (voided)"
    assert _void_links(client.get(f"/en/portal/consents/{consent.pk}/receipt/").content) == []
    # The customer's history shows the grant and its correction.
    customer = parse(client.get(f"/en/portal/customers/{consent.subject_id}/").content)
    (timeline,) = customer.find_all(**{"data-testid": "consent-timeline"})
    lines = [item.text() for item in timeline.find_all("li")]
    assert "Recorded in error (voided)" in lines[0] and "Recorded twice" in lines[0] and "Granted" in lines[1]


def test_the_customer_page_offers_the_correction_of_a_refusal_as_of_a_consent(privacy_officer, dpo):
    """A "no" recorded on the wrong customer is voided the same way: the customer page offers it on the
    refusal's line, to whom the service allows (not to the person who recorded it), by the same rule."""
    subject = make_subject()
    refusal = services.consent_refuse(actor=actor_for_user(privacy_officer), request=services.GrantRequest(
        subject=subject, purpose=make_purpose("marketing", name_en="Product marketing"), notice_version="v1",
        channel="branch", evidence="form-7",
    ))
    page = f"/en/portal/customers/{subject.pk}/"

    (link,) = _void_links(signed_in(dpo).get(page).content)
    assert link.get("href") == f"/en/portal/consents/{refusal.pk}/void/"
    assert "Recorded in error" in link.text() and "Product marketing" in link.text()
    assert _void_links(signed_in(privacy_officer).get(page).content) == []
    services.consent_void(actor=actor_for_user(dpo), consent_id=refusal.pk, reason="wrong_customer",
                          note=NOTE)
    assert _void_links(signed_in(dpo).get(page).content) == []


def _refusal_shown_without_form(response, text: str, **values) -> None:
    page = parse(response.content)
    (refusal,) = page.find_all(**{"data-testid": "refusal"})
    assert in_either_language(text, refusal.text(), **values)
    assert not [e for e in page.find_all("textarea") if e.get("name") == "note"]
    assert not [b for b in page.find_all("button") if "btn--danger" in (b.get("class") or "")]


def test_who_recorded_it_is_told_why_before_any_form_and_a_post_is_refused(privacy_officer):
    consent = grant(make_subject(), make_purpose("marketing"), actor=actor_for_user(privacy_officer))
    client = signed_in(privacy_officer)
    url = f"/en/portal/consents/{consent.pk}/void/"
    said = ("You recorded this consent: another responsible person (the DPO or a privacy officer) "
            "must void it.")
    _refusal_shown_without_form(client.get(url), said)
    response = client.post(url, {**hidden_fields(client.get(url).content), "reason": "other", "note": NOTE})
    assert response.status_code in (400, 403)
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED


def test_a_consent_already_withdrawn_shows_why_it_cannot_be_voided_and_no_form(dpo):
    consent = grant(make_subject(), make_purpose("marketing"))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    response = signed_in(dpo).get(f"/en/portal/consents/{consent.pk}/void/")
    said = "Only a consent in force or a refusal can be voided; this one is %(status)s."
    _refusal_shown_without_form(response, said, status="withdrawn")


def test_officers_do_not_reach_the_form(officer):
    consent = grant(make_subject(), make_purpose("marketing"))
    assert signed_in(officer).get(f"/en/portal/consents/{consent.pk}/void/").status_code == 403


def test_the_customer_sees_the_purpose_simply_off(customer_a, dpo):
    subject = subject_for_user(customer_a)
    consent = grant(subject, make_purpose("marketing", category="marketing"))
    client = signed_in(dpo)
    url = f"/en/portal/consents/{consent.pk}/void/"
    client.post(url, {**hidden_fields(client.get(url).content), "reason": "wrong_customer", "note": NOTE})

    page = parse(signed_in(customer_a).get("/en/me/consents/").content)
    (row,) = page.find_all(**{"data-testid": "purpose-marketing"})
    switch = next(e for e in row.find_all("input") if e.get("name") == "on")
    assert "checked" not in switch.attrs
    said = row.text()
    assert "Off" in said and "withdr" not in said.lower()
    assert not [a for a in row.find_all("a") if "/receipt/" in (a.get("href") or "")]

    receipt = signed_in(customer_a).get(f"/en/me/consents/{consent.pk}/receipt/").content.decode()
    assert in_either_language(
        "The bank recorded this consent in error and cancelled it: you did not give it.", receipt
    )
    assert not in_either_language("Notice you agreed to", receipt)
