"""On the staff consent form in Vietnamese the answer left as it is ("Not asked", the default) read
"Không hỏi", beginning with the same word as the refusal beside it ("Không, từ chối"): an officer
scanning the form could take the default for a "no" already marked, and leave a customer's real "no"
unrecorded. It reads "Chưa hỏi" (not asked yet), which no answer begins with."""

from __future__ import annotations

import re

import pytest

from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def test_the_default_answer_does_not_begin_like_the_refusal(officer, customer_a, catalogue):
    subject = customer_a.customer_account.subject
    page = signed_in(officer).get(f"/portal/customers/{subject.pk}/consents/new/").content.decode()

    section = page.split('data-testid="purpose-marketing"', 1)[1]
    labels = [
        label.strip()
        for label in re.findall(r'name="answer_marketing"[^>]*>\s*([^<]+)', section)
    ]
    assert len(labels) == 3, labels
    not_asked, yes, no = labels
    assert not_asked == "Chưa hỏi"
    assert not_asked.split()[0] not in (yes.split()[0].rstrip(","), no.split()[0].rstrip(","))
