"""A consent a guardian gave alone for a child then under 7 is asked again once the child is 7 (the check
answers `reconsent_required`): the staff "ask again" list names those customers too, with why, and the
answer is labelled by its real cause, not as a widening of the purpose."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.selectors import ask_again_counts, consent_check, purposes_catalogue, subjects_to_ask_again
from tests.consents.factories import announce_on_time, child_of, grant, make_purpose, publish_notice
from tests.factories import make_subject, signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db

WIDENED = "The purpose widened since the consent was given"


def _outgrown_and_kept(purpose):
    """A consent the guardian gave alone for a child now 7 (outgrown), one for a child of 5 and one a child
    of 10 agreed to beside the guardian (both standing)."""
    guardian = make_subject()
    seven = child_of(guardian, age=7)
    outgrown = grant(seven, purpose, guardian=guardian, now=timezone.now() - timedelta(days=20))
    grant(child_of(guardian, age=5), purpose, guardian=guardian)
    grant(child_of(guardian, age=10), purpose, guardian=guardian, child_agreed=True, child_evidence="signed")
    return seven, outgrown


def test_the_list_names_consents_outgrown_by_the_childs_age_and_why():
    purpose = make_purpose("svc-kid", category="service", effective_at=timezone.now() - timedelta(days=60))
    seven, outgrown = _outgrown_and_kept(purpose)

    listed = list(subjects_to_ask_again(purpose))

    answer = consent_check(subject_ref=seven.external_ref, purpose_code="svc-kid")
    assert answer.reason == "reconsent_required"
    assert [(c.pk, c.outgrown, c.widened) for c in listed] == [(outgrown.pk, True, False)]
    counts = ask_again_counts(purposes_catalogue(), now=timezone.now())
    assert counts[purpose.pk] == 1


def test_a_consent_outgrown_and_widened_too_is_listed_and_counted_once():
    now = timezone.now()
    purpose = make_purpose("svc-kid", category="service", effective_at=now - timedelta(days=60))
    _seven, outgrown = _outgrown_and_kept(purpose)
    publish_notice("svc-kid", "v2", effective_at=now - timedelta(days=1), material=True,
                   now=now - timedelta(days=31))
    announce_on_time("svc-kid")

    listed = [c for c in subjects_to_ask_again(purpose) if c.pk == outgrown.pk]

    assert [(c.outgrown, c.widened) for c in listed] == [(True, True)]
    # The three consents were given to v1: all widened, one outgrown too, each counted once.
    assert subjects_to_ask_again(purpose).count() == 3
    assert ask_again_counts(purposes_catalogue(), now=timezone.now())[purpose.pk] == 3


def test_staff_read_the_real_cause_on_the_list_and_the_customers_panel(dpo):
    purpose = make_purpose("svc-kid", category="service", name_en="Kid service",
                           effective_at=timezone.now() - timedelta(days=60))
    seven, _outgrown = _outgrown_and_kept(purpose)
    client = signed_in(dpo)

    page = parse(client.get("/en/portal/purposes/svc-kid/ask-again/").content)
    panel = parse(client.get(f"/en/portal/customers/{seven.pk}/").content).find(
        **{"data-testid": "consent-answer-svc-kid"}
    )

    assert "notice outdated" not in page.text() and "consent must be asked again" in page.text()
    why = page.find(**{"data-testid": "ask-again-why"}).text()
    assert "under 7" in why and WIDENED not in why
    assert "under 7" in panel.text() and "widened" not in panel.text()
