"""A guardian reads their ward's switches in a section of their own page: why the bank does not use a
consent there is said of the ward, by name, not as if of the guardian's own data ("you objected")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from tests.consents.factories import SYSTEM, child_of, grant, make_purpose
from tests.factories import signed_in
from tests.html_tree import parse
from tests.pages import translated

pytestmark = pytest.mark.django_db

FOR_THE_GUARDIAN = {
    "restrict": "Paused: you asked the bank to restrict this processing.",
    "object": "Stopped: you objected to this processing.",
    "legal_hold": "Paused: your data is kept under a legal hold and serves only that legal obligation.",
    "expired": "Your consent expired: switch it on again if you still agree.",
}
FOR_THE_WARD = {
    "restrict": "Paused: a restriction of this processing was asked for %(ward)s.",
    "object": "Stopped: an objection to this processing was made for %(ward)s.",
    "legal_hold": "Paused: the data of %(ward)s is kept under a legal hold and serves only that legal "
    "obligation.",
    "expired": "The consent given for %(ward)s expired: switch it on again if you still agree.",
}


def _ward_why(client, child, code: str, *, language: str) -> str:
    prefix = "/en" if language == "en" else ""
    page = parse(client.get(f"{prefix}/me/consents/").content)
    section = page.find(**{"data-testid": f"ward-{child.external_ref}"})
    why = section.find(**{"data-testid": f"ward-why-{code}"})
    assert why is not None, code
    return why.text()


@pytest.mark.parametrize("case", FOR_THE_WARD)
def test_a_wards_reason_names_the_ward_in_both_languages(customer_a, case):
    parent = customer_a.customer_account.subject
    child = child_of(parent, age=5)
    sharing = make_purpose("sharing", category="sharing")
    now = timezone.now()
    if case == "expired":
        grant(child, sharing, guardian=parent, now=now - timedelta(days=2),
              expires_at=now - timedelta(minutes=1))
    else:
        grant(child, sharing, guardian=parent)
        services.restrictions_apply(actor=SYSTEM, subject=child, purposes=None, kind=case, source="dsr:1")
    client = signed_in(customer_a)

    for language in ("en", "vi"):
        why = _ward_why(client, child, "sharing", language=language)
        expected = translated(FOR_THE_WARD[case], language) % {"ward": child.external_ref}
        assert why == expected, language
        assert translated(FOR_THE_GUARDIAN[case], language) not in why
    assert translated(FOR_THE_WARD[case], "vi") != FOR_THE_WARD[case]
