"""A third party's new OAuth client secret (`third_party_rotate_secret`, the DPO's answer to a leaked one):
shown once and stored hashed; the old secret is refused at /oauth/token/ from then on; the tokens already
issued keep working unless the DPO asks to revoke them too, in the same transaction. The first secret, the
registration's, is hashed as a new one is: before any transaction opens."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, get_hasher
from django.db import connection
from oauth2_provider.models import AccessToken, Grant, RefreshToken, get_application_model

from audit.models import AuditEntry
from authorisations import services
from core.errors import Conflict, NotFound
from tests.authorisations.factories import DPO, approve, credentials, exchange, pkce_pair, refresh, register

pytestmark = pytest.mark.django_db
ROTATED = "authorisations.third_party.secret_rotated"


def _introspect(gateway, token) -> bool:
    return gateway.post("/oauth/introspect/", {"token": token}).json()["active"]


def _rotated(registration, **options) -> str:
    """The new secret the service gives the registered third party's client."""
    return services.third_party_rotate_secret(
        actor=DPO, third_party_id=registration.third_party.pk, **options
    ).client_secret


def _stored_secret(registration) -> str:
    return get_application_model().objects.get(pk=registration.third_party.application_id).client_secret


def test_a_new_secret_is_shown_once_and_stored_hashed(registration):
    rotation = services.third_party_rotate_secret(actor=DPO, third_party_id=registration.third_party.pk)

    stored = _stored_secret(registration)
    assert rotation.client_secret and rotation.client_secret != registration.client_secret
    assert rotation.third_party == registration.third_party
    assert stored != rotation.client_secret and check_password(rotation.client_secret, stored)
    assert not check_password(registration.client_secret, stored)
    entry = AuditEntry.objects.get(action=ROTATED)
    assert entry.actor_label == "dpo_t"
    client_id = registration.third_party.application.client_id
    assert entry.data == {"client_id": client_id, "tokens_revoked": False}
    assert rotation.client_secret not in str(entry.data)


def _rotation(watch) -> tuple[services.Registration, str]:
    registration = register()
    watch()
    return registration, _rotated(registration)


def _registration(watch) -> tuple[services.Registration, str]:
    watch()
    registration = register()
    return registration, registration.client_secret


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("issue", [_rotation, _registration], ids=["rotation", "registration"])
def test_a_new_secret_is_hashed_once_before_any_transaction_opens(monkeypatch, issue):
    """Hashing a secret is slow on purpose (PBKDF2, a good part of a second): done in the transaction, it
    held the third party's row (rotation) or the audit chain's head (registration) meanwhile, keeping
    that third party's grants, or every audited write, waiting."""
    hasher = type(get_hasher("default"))
    encode = hasher.encode
    hashed_in_a_transaction = []

    def watched_encode(self, *args, **kwargs):
        hashed_in_a_transaction.append(connection.in_atomic_block)
        return encode(self, *args, **kwargs)

    registration, client_secret = issue(lambda: monkeypatch.setattr(hasher, "encode", watched_encode))
    monkeypatch.undo()

    assert hashed_in_a_transaction == [False]
    assert check_password(client_secret, _stored_secret(registration))


def test_the_old_secret_is_refused_and_issued_tokens_keep_working(authorised, registration, api, gateway):
    _authorisation, tokens = authorised
    client_id, old = credentials(registration)

    new = _rotated(registration)

    refused = refresh(api, client_id, old, tokens["refresh_token"])
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    assert _introspect(gateway, tokens["access_token"]) is True
    assert refresh(api, client_id, new, tokens["refresh_token"]).status_code == 200


def test_a_code_is_exchanged_with_the_new_secret_only(registration, browser1, api):
    client_id, old = credentials(registration)
    new = _rotated(registration)
    verifier, challenge = pkce_pair()
    code = approve(browser1, client_id, challenge)

    assert exchange(api, client_id, old, code, verifier).status_code == 401
    assert exchange(api, client_id, new, code, verifier).status_code == 200


def test_asked_to_the_issued_tokens_end_with_the_old_secret(authorised, registration, api, gateway):
    _authorisation, tokens = authorised
    client_id, _old = credentials(registration)

    new = _rotated(registration, revoke_tokens=True)

    assert _introspect(gateway, tokens["access_token"]) is False
    assert refresh(api, client_id, new, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists() and not Grant.objects.exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    assert AuditEntry.objects.get(action=ROTATED).data["tokens_revoked"] is True


def test_another_third_partys_tokens_are_left_alone(authorised, registration, gateway):
    _authorisation, tokens = authorised
    other = register()

    services.third_party_rotate_secret(actor=DPO, third_party_id=other.third_party.pk, revoke_tokens=True)

    assert _introspect(gateway, tokens["access_token"]) is True
    assert check_password(registration.client_secret, _stored_secret(registration))


def test_the_secret_and_the_tokens_change_with_the_audit_entry_or_not_at_all(
    authorised, registration, gateway, monkeypatch
):
    _authorisation, tokens = authorised

    def fails(**_kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr("authorisations.services.registry.audit_record", fails)
    with pytest.raises(RuntimeError):
        services.third_party_rotate_secret(
            actor=DPO, third_party_id=registration.third_party.pk, revoke_tokens=True
        )

    assert check_password(registration.client_secret, _stored_secret(registration))
    assert _introspect(gateway, tokens["access_token"]) is True


def test_a_public_client_has_no_secret_to_replace(db):
    public = register(confidential=False)
    before = _stored_secret(public)

    with pytest.raises(Conflict) as refused:
        services.third_party_rotate_secret(actor=DPO, third_party_id=public.third_party.pk)

    assert refused.value.code == "public_client"
    assert _stored_secret(public) == before
    assert not AuditEntry.objects.filter(action=ROTATED).exists()


def test_an_unknown_third_party_is_not_found(db):
    with pytest.raises(NotFound):
        services.third_party_rotate_secret(actor=DPO, third_party_id="00000000-0000-0000-0000-000000000000")
