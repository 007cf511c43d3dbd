"""A guarantor asking what the bank holds about them is told in what capacity it holds it: their access
answer says they are a guarantor, not a customer, in the JSON (the code) and on the readable page."""

import pytest
from django.utils import translation

from dsr.services.export_formats import export_readable
from dsr.services.exports import export_content
from tests.dsr.factories import MONDAY, verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_a_guarantors_access_answer_says_they_are_a_guarantor():
    guarantor = make_subject(external_ref="", relationship="guarantor")
    content = export_content(verified_request(guarantor), now=MONDAY)

    assert content["subject"]["relationship"] == "guarantor"
    with translation.override("en"):
        rows = {row["label"]: row["value"] for row in export_readable(content)["subject"]}
    assert rows["The bank holds my data as"] == "Guarantor or co-borrower"
