"""The portal's customer look-up: identifiers travel in a POST body, never in the URL (access logs)."""
import pytest
from django.urls import reverse

from audit.models import AuditEntry
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_lookup_posts_the_identifier_and_opens_the_one_match(client, officer):
    subject = make_subject(national_id="001199000123", phone="0912000111")
    client.force_login(officer)

    for query in ("001199000123", "０９１２０００１１１", subject.external_ref):
        response = client.post(reverse("subjects:customer_lookup"), {"q": query})
        assert response.status_code == 302, query
        assert response["Location"] == reverse("subjects:customer_detail", args=[subject.pk])


def test_lookup_finds_a_customer_number_typed_in_lower_case(client, officer):
    """A CIF typed as "cif0000002" is the customer CIF0000002, not a stranger to register again."""
    subject = make_subject(external_ref="CIF7700001")
    client.force_login(officer)

    response = client.post(reverse("subjects:customer_lookup"), {"q": " cif7700001 "})

    assert response.status_code == 302
    assert response["Location"] == reverse("subjects:customer_detail", args=[subject.pk])


def test_lookup_ignores_an_identifier_in_the_url(client, officer):
    """An old bookmark or a typed `?q=` must not search: the number would be in the access log."""
    make_subject(national_id="001199000123")
    client.force_login(officer)
    before = AuditEntry.objects.filter(action="core.subject.viewed").count()

    response = client.get(reverse("subjects:customer_lookup"), {"q": "001199000123"})

    assert response.status_code == 200
    assert response.context["results"] is None
    assert AuditEntry.objects.filter(action="core.subject.viewed").count() == before


def test_lookup_forms_post(client, officer):
    client.force_login(officer)
    for name in ("subjects:customer_lookup", "portal:dashboard"):
        page = client.get(reverse(name)).content.decode()
        form = page[page.index('role="search"') - 200:page.index('role="search"')]
        assert 'method="post"' in form, name
