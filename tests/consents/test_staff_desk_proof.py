"""The staff consent pages at the branch desk and the call centre: the proof says what happened.

A channel the agent did not choose is not recorded for them; a withdrawal's line and receipt show the
withdrawal's own channel, actor, evidence and guardian, never the grant's; the page shows no form for
what cannot be done (a consent already withdrawn, a purpose barred to a child) and says why.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import ConsentEvent, ConsentStatus
from core.actors import actor_for_user
from tests.consents.factories import child_of, grant, make_purpose, make_recipient, publish_notice
from tests.factories import make_subject, signed_in
from tests.pages import hidden_fields

pytestmark = pytest.mark.django_db


def _select(page: str, name: str) -> tuple[list[str], list[str]]:
    """The option values of the select `name`, and those marked selected."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select), re.findall(
        r'<option value="([^"]*)"[^>]*selected', select
    )


def _paper_form_consent(subject=None, **fields):
    purpose = make_purpose("share-p", category="sharing", recipients=[make_recipient("Đối tác P")])
    return grant(
        subject or make_subject(), purpose, channel="paper_form", evidence="PAPER-FORM-2026-77", **fields
    )


@pytest.mark.parametrize("form", ["grant", "withdraw"])
def test_staff_forms_choose_no_channel_for_the_agent(officer, form):
    """A call-centre agent who does not touch the field must not record a phone call as a branch visit."""
    subject = make_subject()
    consent = grant(subject, make_purpose("svc-a"))
    url = {
        "grant": f"/en/portal/customers/{subject.pk}/consents/new/",
        "withdraw": f"/en/portal/consents/{consent.pk}/withdraw/",
    }[form]
    values, selected = _select(signed_in(officer).get(url).content.decode(), "channel")
    assert values == ["", "branch", "call_centre", "paper_form"]
    assert selected in ([], [""]), f"{form}: {selected} pre-selected"


def test_a_withdrawal_left_without_a_channel_is_refused_and_records_nothing(officer):
    consent = grant(make_subject(), make_purpose("svc-a"))
    client = signed_in(officer)
    url = f"/en/portal/consents/{consent.pk}/withdraw/"
    response = client.post(url, {**hidden_fields(client.get(url).content), "channel": "", "reason": ""})
    assert response.status_code == 200 and 'name="channel"' in response.content.decode()
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED


def _withdraw_by_phone(officer, consent, evidence="CALL-REC-551"):
    client = signed_in(officer)
    url = f"/en/portal/consents/{consent.pk}/withdraw/"
    client.post(
        url, {**hidden_fields(client.get(url).content), "channel": "call_centre", "evidence": evidence,
            "asked_by": "customer"}
    )
    return ConsentEvent.objects.get(consent=consent, kind="withdrawn")


def _timeline_lines(officer, subject) -> list[str]:
    page = html.unescape(signed_in(officer).get(f"/en/portal/customers/{subject.pk}/").content.decode())
    timeline = page.split('data-testid="consent-timeline"')[1].split("</ol>")[0]
    return [" ".join(re.sub(r"<[^>]+>", "", line).split()) for line in timeline.split("<li>")[1:]]


def test_a_phone_withdrawal_keeps_its_own_evidence_and_is_audited_with_it(officer):
    consent = _paper_form_consent()
    withdrawal = _withdraw_by_phone(officer, consent)
    assert (withdrawal.channel, withdrawal.evidence) == ("call_centre", "CALL-REC-551")
    entry = AuditEntry.objects.get(action="consents.consent.withdrawn", target_id=str(consent.pk))
    assert entry.data["evidence"] == "CALL-REC-551"


def test_the_withdrawal_line_shows_its_own_proof_not_the_grants(officer):
    consent = _paper_form_consent()
    _withdraw_by_phone(officer, consent)
    withdrawn, granted = _timeline_lines(officer, consent.subject)
    assert "Withdrawn" in withdrawn and "Call centre" in withdrawn
    assert "CALL-REC-551" in withdrawn and "PAPER-FORM-2026-77" not in withdrawn, withdrawn
    assert "PAPER-FORM-2026-77" in granted and "CALL-REC-551" not in granted, granted


def test_a_withdrawal_recorded_by_staff_is_not_by_the_guardian(officer):
    """The guardian gave the child's consent; the bank's staff recorded its withdrawal."""
    guardian = make_subject()
    child = child_of(guardian, age=5)
    consent = grant(child, make_purpose("svc-a"), guardian=guardian)
    _withdraw_by_phone(officer, consent)
    withdrawn, granted = _timeline_lines(officer, child)
    assert "by guardian" not in withdrawn, withdrawn
    assert f"by guardian {guardian.external_ref}" in granted, granted


def test_the_receipt_of_a_withdrawal_heads_with_the_withdrawal(officer):
    consent = _paper_form_consent(make_subject(preferred_language="en"))  # the receipt is in their language
    withdrawal = _withdraw_by_phone(officer, consent)
    page = signed_in(officer).get(f"/en/portal/consents/{consent.pk}/receipt/?event={withdrawal.pk}")
    facts = " ".join(html.unescape(page.content.decode()).split('class="facts"')[1].split("</dl>")[0].split())
    assert "<dt>Channel</dt><dd>Call centre</dd>" in facts, facts
    assert '<dt lang="en">Evidence reference</dt><dd>CALL-REC-551</dd>' in facts, facts
    assert re.search(r'data-testid="receipt-recorded-by">bank staff \([^)]+\)<', facts), facts
    # The grant it ended is still named, with its own proof.
    assert "Paper form" in facts and "PAPER-FORM-2026-77" in facts


def test_the_staff_copy_of_the_receipt_document_carries_the_withdrawals_evidence(officer):
    consent = _paper_form_consent()
    withdrawal = _withdraw_by_phone(officer, consent)
    document = signed_in(officer).get(
        f"/en/portal/consents/{consent.pk}/receipt/?event={withdrawal.pk}&format=json"
    )
    events = {e["type"]: e for e in document.json()["events"]}
    assert events["withdrawn"]["evidence"] == "CALL-REC-551"
    assert document.json()["collection"]["evidence"] == "PAPER-FORM-2026-77"


def test_the_api_withdrawal_may_name_its_evidence(as_user, officer):
    consent = _paper_form_consent()
    response = as_user(officer, scopes=["consents:read", "consents:write"]).post(
        f"/api/v1/consents/{consent.pk}/withdraw/",
        {"channel": "call_centre", "reason": "", "evidence": "CALL-REC-9"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert ConsentEvent.objects.get(consent=consent, kind="withdrawn").evidence == "CALL-REC-9"


def test_the_withdraw_page_of_a_withdrawn_consent_says_so_and_offers_no_form(officer):
    consent = grant(make_subject(), make_purpose("svc-a"))
    services.consent_withdraw(actor=actor_for_user(officer), consent_id=consent.pk, channel="branch")
    page = signed_in(officer).get(f"/en/portal/consents/{consent.pk}/withdraw/").content.decode()
    assert 'name="channel"' not in page and '<form method="post" class="card">' not in page
    assert 'data-testid="withdraw-not-live"' in page and "withdrawn" in page


def test_the_void_page_goes_back_with_a_word_that_is_not_the_submit(dpo):
    consent = grant(make_subject(), make_purpose("svc-a"))
    page = signed_in(dpo).get(f"/portal/consents/{consent.pk}/void/").content.decode()
    form = page.split('<form method="post" class="card">')[1].split("</form>")[0]
    assert re.search(r'<a class="btn btn--ghost"[^>]*>Quay lại</a>', form), form


def test_the_form_summary_is_not_an_older_versions_description(officer):
    make_purpose("svc-a", description_en="Old summary of version one")
    past = timezone.now() - timedelta(days=1)
    publish_notice("svc-a", "v2", effective_at=past, now=past - timedelta(days=10), text_en="Version two")
    subject = make_subject(preferred_language="en")
    page = signed_in(officer).get(f"/en/portal/customers/{subject.pk}/consents/new/").content.decode()
    assert "Version two" in page
    assert "Old summary of version one" not in page


def test_a_childs_form_does_not_offer_purposes_barred_to_children_and_says_why(officer):
    guardian = make_subject()
    child = child_of(guardian, age=10)
    make_purpose("svc-a", category="service")
    make_purpose("mkt-a", category="marketing", name_en="Card offers")
    make_purpose("bio-a", sensitive=True, name_en="Face check")
    page = signed_in(officer).get(f"/en/portal/customers/{child.pk}/consents/new/").content.decode()
    assert 'name="answer_svc-a"' in page
    assert 'name="answer_mkt-a"' not in page and 'name="answer_bio-a"' not in page
    barred = page.split('data-testid="barred-for-child"')[1].split("</p>")[0]
    assert "Card offers" in barred and "Face check" in barred


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_withdraw_page_asks_the_call_reference_as_the_grant_form_does(officer, language):
    """A consent given on the phone needs the call recording's id; its withdrawal on the phone was taken
    with none, so nothing tied the withdrawal to the call that asked for it. The page now asks it as the
    grant form does, no more (the API keeps `evidence` optional, contract)."""
    consent = grant(make_subject(), make_purpose("svc-a"))
    client = signed_in(officer)
    url = f"/{'' if language == 'vi' else 'en/'}portal/consents/{consent.pk}/withdraw/"
    response = client.post(url, {**hidden_fields(client.get(url).content), "channel": "call_centre"})
    assert response.status_code == 200 and 'name="evidence"' in response.content.decode()
    said = {
        "en": "Give the evidence reference of this withdrawal",
        "vi": "Hãy nhập mã bằng chứng của việc rút lại này",
    }
    assert said[language] in html.unescape(
        response.content.decode()
    )
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED
    assert _withdraw_by_phone(officer, consent).evidence == "CALL-REC-551"
