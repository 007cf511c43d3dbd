"""A redirect URI is one exact https:// address with a host (authorisations/services/registry.py):
django-oauth-toolkit keeps an application's URIs space-separated, so an item holding a space was stored
as two URIs, and "https://ok.example/cb http://plain.example/cb" registered a plain http:// redirect
that then received authorisation codes."""

from __future__ import annotations

import pytest
from oauth2_provider.models import get_application_model

from authorisations.models import ThirdParty
from core.errors import InvalidInput
from tests.authorisations.factories import register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "uri",
    [
        "https://ok.example/cb http://plain.example/cb",
        "https://ok.example/cb\thttp://plain.example/cb",
        "https://ok.example/cb\nhttp://plain.example/cb",
        "https:///cb",
        "https://",
        "https:ok.example/cb",
        "https://[::1/cb",
    ],
)
def test_a_redirect_uri_that_is_not_one_https_address_with_a_host_is_refused(uri):
    with pytest.raises(InvalidInput) as refused:
        register(redirect_uris=[uri])
    assert refused.value.field == "redirect_uris"
    assert not ThirdParty.objects.exists()


def test_the_api_answers_400_on_redirect_uris_and_registers_no_plain_http(dpo, as_user):
    answer = as_user(dpo).post(
        "/api/v1/third-parties/",
        {
            "legal_name": "Cty Thử",
            "tax_code": "0312345689",
            "licence_ref": "L9",
            "contact_email": "a@b.vn",
            "country": "VN",
            "redirect_uris": ["https://ok.example/cb http://plain.example/cb"],
            "scopes": ["accounts:read"],
            "purpose": "Thử",
            "purpose_en": "Test",
            "fetch_type": "periodic",
            "frequency_per_day": 4,
            "max_duration_days": 30,
        },
        format="json",
    )
    assert answer.status_code == 400, answer.content
    assert list(answer.json()) == ["redirect_uris"]
    assert not any(
        application.redirect_uri_allowed("http://plain.example/cb")
        for application in get_application_model().objects.all()
    )


def test_an_exact_https_address_is_registered():
    registration = register(redirect_uris=["https://ok.example/cb?app=1", "https://ok.example:8443/cb"])
    assert registration.third_party.redirect_uris == [
        "https://ok.example/cb?app=1",
        "https://ok.example:8443/cb",
    ]
