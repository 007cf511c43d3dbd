"""A purpose that starts profiling its customers, or deciding about them by automated means, widens its
scope (`consents.scope`): the customers who consented are told of it ahead and asked again, and the
announcement must say that this is what changes (Law 91/2025 Art. 4, Decree 356/2025), not announce
"a change" with nothing listed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from consents.models import Purpose
from consents.selectors import notice_widenings_in_words
from tests.consents.factories import make_purpose, version_in_force_since

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "kind, said",
    [
        (
            "profiling",
            "Your data is used to profile you: an automated system evaluates your behaviour, interests or "
            "situation.",
        ),
        (
            "automated_decision",
            "Decisions about you are made by automated means, such as credit scoring or fraud rules.",
        ),
    ],
)
def test_the_announcement_says_the_purpose_starts_processing_by_automated_means(kind, said):
    make_purpose("segments", category="marketing")
    version_in_force_since("segments", {"automated_processing": kind}, ago=timedelta(hours=1))
    notice = Purpose.objects.get(code="segments").notices.order_by("-effective_at").first()

    with translation.override("en"):
        lines = notice_widenings_in_words(notice)

    # Said to the customer, once: not the catalogue's label about "the customer" repeating the sentence.
    assert lines == [said]
