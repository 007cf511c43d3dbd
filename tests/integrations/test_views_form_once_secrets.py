"""The staff forms that issue a secret shown once (a webhook endpoint registered or its secret rotated,
a third party registered or given a new client secret) are posted once too: a double click, or the same
form sent again, issues one secret. The second post goes where the secret page leads, told the secret
was shown once and what to do if it was lost, and neither it nor the idempotency store holds the secret
(integrations.form_once)."""
from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import check_password
from oauth2_provider.models import get_application_model

from audit.models import AuditEntry
from authorisations.models import ThirdParty
from core.roles import Role
from integrations.form_once import FIELD
from integrations.models import IdempotencyRecord, WebhookEndpoint
from tests.authorisations.factories import register
from tests.factories import UserFactory, signed_in
from tests.pages import hidden_fields, in_either_language

pytestmark = pytest.mark.django_db

ENDPOINT_REGISTERED = (
    "This endpoint was already registered by this form. Its signing secret was shown once, after the "
    "first sending, and is not shown again. If it was not kept, open the endpoint and rotate its secret: "
    "a new one is shown once and the lost one stops signing notices."
)
SECRET_ROTATED = (
    "The secret was already rotated by this form. The new secret was shown once, after the first "
    "sending, and is not shown again. If it was not kept, rotate the secret again: another one is shown "
    "once and the lost one stops signing notices."
)
THIRD_PARTY_REGISTERED = (
    "This third party was already registered by this form. Its secrets were shown once, after the first "
    "sending, and are not shown again. If its client secret was not kept, give it a new one here (New "
    "client secret): the lost one stops working at once. Its webhook secret can be rotated on the Webhook "
    "endpoints page."
)
OTHER_ANSWERS = (
    "This form had already been sent with other answers, and nothing was changed: what it recorded the "
    "first time is shown here. To record something else, open the form again."
)


def _posted_twice(client, url: str, form: dict, post_to: str = ""):
    """The form posted, then posted again (a double click): both answers."""
    assert FIELD in form
    first = client.post(post_to or url, form)
    assert first.status_code == 200
    return first, client.post(post_to or url, form)


def _replayed_without_secrets(again, secrets: list[str], to: str) -> None:
    """The second answer goes to `to` and neither it nor the idempotency store holds any of the secrets."""
    assert again.status_code == 302 and again["Location"] == to
    assert all(secret and secret not in again.content.decode() for secret in secrets)
    stored = [record.response_body for record in IdempotencyRecord.objects.all()]
    assert stored and all(secret not in body for body in stored for secret in secrets)


def _landing(client, again) -> str:
    return client.get(again["Location"]).content.decode()


@pytest.fixture
def corebank(db):
    return UserFactory(username="corebank_once", role=Role.CLIENT)


def _endpoint_form(client, corebank, name="Cards") -> dict:
    return {**hidden_fields(client.get("/en/portal/webhooks/").content),
            "name": name, "url": "https://cards.example/hook", "client": corebank.pk, "events": ""}


def test_an_endpoint_registered_twice_is_registered_once_and_its_secret_not_shown_again(dpo, corebank):
    client = signed_in(dpo)
    first, again = _posted_twice(client, "/en/portal/webhooks/", _endpoint_form(client, corebank))
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in first.content.decode()
    _replayed_without_secrets(again, [endpoint.secret], "/en/portal/webhooks/")
    landing = _landing(client, again)
    assert in_either_language(ENDPOINT_REGISTERED, landing) and endpoint.secret not in landing
    assert AuditEntry.objects.filter(action="integrations.webhook.created").count() == 1


def test_the_registration_sent_again_with_other_answers_says_so_and_that_the_secret_was_shown(dpo, corebank):
    client = signed_in(dpo)
    form = _endpoint_form(client, corebank)
    assert client.post("/en/portal/webhooks/", form).status_code == 200
    again = client.post("/en/portal/webhooks/", {**form, "name": "Cards renamed"})
    assert list(WebhookEndpoint.objects.values_list("name", flat=True)) == ["Cards"]
    landing = _landing(client, again)
    assert in_either_language(OTHER_ANSWERS, landing) and in_either_language(ENDPOINT_REGISTERED, landing)


def test_a_secret_rotated_twice_is_rotated_once_and_not_shown_again(dpo, corebank):
    client = signed_in(dpo)
    client.post("/en/portal/webhooks/", _endpoint_form(client, corebank))
    endpoint = WebhookEndpoint.objects.get()
    page = f"/en/portal/webhooks/{endpoint.pk}/"
    form = hidden_fields(client.get(page).content)
    first, again = _posted_twice(client, page, form, post_to=f"{page}rotate/")
    rotated = WebhookEndpoint.objects.get()
    assert rotated.secret in first.content.decode()
    # Rotated once: the secret it replaced is the one the endpoint was registered with.
    assert rotated.previous_secret == endpoint.secret
    assert AuditEntry.objects.filter(action="integrations.webhook.secret_rotated").count() == 1
    _replayed_without_secrets(again, [rotated.secret, endpoint.secret], page)
    landing = _landing(client, again)
    assert in_either_language(SECRET_ROTATED, landing) and rotated.secret not in landing


CLIENT_SECRET_ISSUED = (
    "A new client secret was already issued by this form. It was shown once, after the first sending, and "
    "is not shown again. If it was not kept, issue another one here: the lost one stops working at once."
)


def test_a_client_secret_issued_twice_is_issued_once_and_not_shown_again(dpo):
    registration = register()
    client = signed_in(dpo)
    page = f"/en/portal/third-parties/{registration.third_party.pk}/secret/"
    first, again = _posted_twice(client, page, hidden_fields(client.get(page).content))
    secret = re.search(r'data-testid="client-secret">([^<]+)<', first.content.decode()).group(1)
    application = get_application_model().objects.get(pk=registration.third_party.application_id)
    assert check_password(secret, application.client_secret)
    assert AuditEntry.objects.filter(action="authorisations.third_party.secret_rotated").count() == 1
    _replayed_without_secrets(again, [secret], page)
    landing = _landing(client, again)
    assert in_either_language(CLIENT_SECRET_ISSUED, landing) and secret not in landing


def test_a_third_party_registered_twice_is_registered_once_and_its_secrets_not_shown_again(dpo):
    client = signed_in(dpo)
    form = {**hidden_fields(client.get("/en/portal/third-parties/new/").content),
            "legal_name": "Sổ Sách Online", "tax_code": "0109998887", "licence_ref": "GP-5",
            "contact_email": "it@sosach.example.vn", "country": "VN", "purpose": "Kế toán",
            "redirect_uris": "https://sosach.example.vn/cb\n", "scopes": ["balances:read"],
            "fetch_type": "periodic", "frequency_per_day": 2, "max_duration_days": 180,
            "confidential": "on", "webhook_url": "https://sosach.example.vn/hooks"}
    first, again = _posted_twice(client, "/en/portal/third-parties/new/", form)
    third_party = ThirdParty.objects.get()
    shown = first.content.decode()
    secrets = [re.search(r'data-testid="client-secret">([^<]+)<', shown).group(1), third_party.webhook.secret]
    assert all(secret in shown for secret in secrets)
    assert WebhookEndpoint.objects.count() == 1
    _replayed_without_secrets(again, secrets, "/en/portal/third-parties/")
    landing = _landing(client, again)
    assert in_either_language(THIRD_PARTY_REGISTERED, landing)
    assert not any(secret in landing for secret in secrets)
