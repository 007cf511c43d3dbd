"""The staff customer page is what the DPO shows an inspector: every consent event, withdrawn, expired
or refused as well as live, leads to its own receipt, and carries the notice version and the evidence
reference; a timeline cut short says so and leads to the rest."""
from __future__ import annotations

import pytest
from django.urls import reverse

from consents import services
from consents.models import ConsentEvent
from consents.views import staff as staff_views
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.pages import in_either_language

pytestmark = pytest.mark.django_db


def _withdrawn(subject):
    partner = make_recipient("Doi tac Bao hiem")
    purpose = make_purpose("sharing", category="sharing", recipients=[partner])
    consent = grant(subject, purpose, evidence="FORM-SCAN-7781")
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    return consent


def _timeline(page: str) -> str:
    section = page[page.index('data-testid="consent-timeline"'):]
    return section[:section.index("</ol>")]


def _page(client, subject) -> str:
    response = client.get(reverse("subjects:customer_detail", args=[subject.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_every_timeline_event_links_to_its_own_receipt(logged_in, dpo, subject):
    consent = _withdrawn(subject)
    client = logged_in(dpo)
    timeline = _timeline(_page(client, subject))
    receipt = reverse("consents:staff_receipt", args=[consent.pk])
    for event in ConsentEvent.objects.filter(consent=consent):
        link = f"{receipt}?event={event.pk}"
        assert link in timeline, (event.kind, timeline)
        assert client.get(link).status_code == 200


def test_a_refusal_in_the_timeline_links_to_its_receipt(logged_in, dpo, subject):
    purpose = make_purpose("ask", category="support")
    services.consent_refuse(actor=STAFF, request=services.GrantRequest(
        subject=subject, purpose=purpose, notice_version="v1", channel="branch", evidence="FORM-NO-12",
    ))
    event = ConsentEvent.objects.get(subject=subject, kind=ConsentEvent.Kind.REFUSED)
    client = logged_in(dpo)
    timeline = _timeline(_page(client, subject))
    link = f"{reverse('consents:staff_receipt', args=[event.consent_id])}?event={event.pk}"
    assert link in timeline
    assert client.get(link).status_code == 200


def test_the_timeline_shows_the_notice_version_and_the_evidence_of_a_withdrawn_consent(
    logged_in, dpo, subject
):
    consent = _withdrawn(subject)
    timeline = _timeline(_page(logged_in(dpo), subject))
    assert "FORM-SCAN-7781" in timeline
    assert consent.notice.version in timeline
    # The grant's line carries it; the withdrawal's shows its own proof, never the grant's.
    assert timeline.count("FORM-SCAN-7781") == 1


def test_a_cut_timeline_says_how_much_is_shown_and_leads_to_the_audit_trail(
    logged_in, dpo, subject, monkeypatch
):
    _withdrawn(subject)
    grant(subject, make_purpose("other"))
    monkeypatch.setattr(staff_views, "TIMELINE_LIMIT", 2)
    page = _page(logged_in(dpo), subject)
    assert _timeline(page).count("<li>") == 2
    assert 'data-testid="consent-timeline-more"' in page
    more = page[page.index('data-testid="consent-timeline-more"'):]
    more = more[:more.index("</p>")]
    assert in_either_language("%(shown)s of %(total)s events shown.", more, shown=2, total=3)
    trail = f"{reverse('audit:trail')}?subject={subject.external_ref}"
    assert trail in more
    assert "consents.consent.withdrawn" in logged_in(dpo).get(trail).content.decode()


def test_a_whole_timeline_has_no_more_link(logged_in, dpo, subject):
    _withdrawn(subject)
    page = _page(logged_in(dpo), subject)
    assert 'data-testid="consent-timeline-more"' not in page


def test_the_dpos_page_leads_to_the_proof_bundle_for_an_inspection(logged_in, dpo, officer, privacy_officer,
                                                                   subject):
    """One document answers the inspector (docs/regulator.md): the page offers it to the DPO, not to
    the officers, who may not take it."""
    bundle = reverse("regulator:proof_bundle", args=[subject.pk])
    page = _page(logged_in(dpo), subject)
    assert 'data-testid="proof-bundle"' in page and f'href="{bundle}"' in page
    assert in_either_language("Proof bundle for an inspection", page)
    for user in (officer, privacy_officer):
        assert 'data-testid="proof-bundle"' not in _page(logged_in(user), subject)
