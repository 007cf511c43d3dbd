"""Follow-up review: on *My consents* a ward's rows linked "Object to this processing" to the new-request
page, which files for the signed-in customer only (`dsr.selectors.request_filer`): the guardian's
objection to their child's processing would have been filed as the guardian's own request, about the
guardian. The page files a ward's request only as the complaint about a ward's answer, so a ward's row
offers no link: it says the objection is made for the child at a branch or the call centre, where staff
file it for the child with the guardian named."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.consents.factories import child_of, make_purpose
from tests.factories import signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "branch"), [("en", "branch"), ("vi", "chi nhánh")])
def test_a_wards_row_does_not_file_the_objection_as_the_guardians_own(customer_a, language, branch):
    child = child_of(customer_a.customer_account.subject, age=10)
    make_purpose("fraud-rules", category="security", automated_processing="automated_decision")
    with translation.override(language):
        objection_link = reverse("dsr:me_new") + "?type=object&purpose=fraud-rules"
        page = parse(signed_in(customer_a).get(reverse("consents:me_consents")).content)

    own = page.find(**{"data-testid": "consent-list"})
    ward = page.find(**{"data-testid": f"consent-list-{child.external_ref}"})
    assert own.find(**{"href": objection_link}) is not None
    assert ward.find(**{"data-testid": "automated-fraud-rules"}) is not None
    assert ward.find(**{"href": objection_link}) is None
    assert branch in ward.find(**{"data-testid": "ward-object-fraud-rules"}).text()
