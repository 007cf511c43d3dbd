"""The staff withdrawal form asks who asked for the withdrawal in words about asking, not the consent
form's about answering a notice read out: there is no notice on a withdrawal, and "helped to read the
notice" is no answer to who asked. The customer, or someone on their written authority."""

from __future__ import annotations

import pytest

from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


def test_who_asked_is_offered_in_words_about_asking(officer):
    consent = grant(make_subject(), make_purpose("marketing", category="marketing"))
    form = signed_in(officer).get(f"/en/portal/consents/{consent.pk}/withdraw/").context["form"]
    labels = dict(form.fields["asked_by"].choices)
    assert set(labels) == {"customer", "representative"}
    assert all("asked" in str(label) and "notice" not in str(label) for label in labels.values())
