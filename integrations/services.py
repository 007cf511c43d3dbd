"""Writes on API tokens (issuing and revoking, each with its audit entry in one durable transaction)
and on idempotency records (the claim of an `Idempotency-Key` and the answer replayed to retries)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from core.actors import Actor
from integrations import principals
from integrations.models import ApiToken, IdempotencyRecord

IDEMPOTENCY_KEYS_KEPT_FOR = timedelta(days=7)


def token_issue(
    *, actor: Actor, user, name: str = "", scopes: list[str] | None = None
) -> tuple[ApiToken, str]:
    """Create an API token; the clear key is returned once and only its hash is stored."""
    key = secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        token = ApiToken.objects.create(
            user=user, name=name, key_hash=hashlib.sha256(key.encode()).hexdigest(), prefix=key[:8],
            scopes=scopes if scopes is not None else ["*"],
        )
        audit_record(action="core.token.issued", actor=actor, target=token,
                     data={"user_id": user.pk, "scopes": token.scopes, "prefix": token.prefix})
    return token, key


def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Stop a token: refused at once by this process, by every other worker within
    API_TOKEN_CACHE_SECONDS (core/principals.py). Revoking twice changes nothing."""
    with transaction.atomic(durable=True):
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(action="core.token.revoked", actor=actor, target=token,
                         data={"user_id": token.user_id, "prefix": token.prefix})
        key_hash = token.key_hash
        transaction.on_commit(lambda: principals.forget(key_hash))
    return token


def idempotency_claim(*, owner, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Claim a key in its own short transaction; None when another request holds it already."""
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(owner=owner, key=key, request_fingerprint=fingerprint)
    except IntegrityError:
        return None


def idempotency_answer_store(*, record_id, status: int, body: Any) -> None:
    """Keep the first answer, replayed to every retry with the same key."""
    IdempotencyRecord.objects.filter(pk=record_id).update(response_status=status, response_body=body)


def idempotency_release(*, record_id) -> None:
    """Give a key back after a failed attempt, so that a retry runs the operation."""
    IdempotencyRecord.objects.filter(pk=record_id).delete()


def idempotency_keys_expire(*, now: datetime | None = None) -> int:
    """Forget keys older than a week (run by a periodic job)."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_KEYS_KEPT_FOR
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
