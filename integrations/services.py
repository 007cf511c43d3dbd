"""Writes on API tokens (issuing and revoking, each with its audit entry in one durable transaction)
and on idempotency records (the claim of an `Idempotency-Key`, the answer replayed to retries, its
erasure with the customer's data and the expiry of old keys)."""
from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.db import lock_wait_limited, lock_wait_timed_out
from core.errors import Conflict, InvalidInput
from core.moments import last_day_check
from core.roles import Role
from integrations import principals
from integrations.errors import IdempotencyKeyBusy
from integrations.models import ApiToken, IdempotencyRecord

IDEMPOTENCY_KEYS_KEPT_FOR = timedelta(days=7)
IDEMPOTENCY_EXPIRE_BATCH = 5000


# What an auditor's token reads: the trail and the evidence it points to (consents, requests, third
# parties' authorisations, reports, the regulator's dossiers), nothing that changes anything and none
# of the work queues; the auditor's role already holds no write.
AUDITOR_TOKEN_SCOPES = (
    "audit:read", "consents:read", "requests:read", "authorisations:read", "reports:read", "regulator:read",
)
# An auditor's token ends within this, however long the audit: a longer one is issued again.
AUDITOR_TOKEN_LONGEST = timedelta(days=90)


def token_issue(
    *, actor: Actor, user, name: str = "", scopes: list[str] | None = None, last_day: date | None = None
) -> tuple[ApiToken, str]:
    """Create an API token; the clear key is returned once and only its hash is stored.

    `last_day`: the last day (in Vietnam) the token works, through its end (a contractor's, an
    auditor's); without one the token works until revoked. A day already past is refused."""
    last_day_check(last_day, field="last_day")
    whole_role = ["*"]
    with transaction.atomic(durable=True):
        return _token_create(actor=actor, user=user, name=name,
                             scopes=scopes if scopes is not None else whole_role, last_day=last_day)


def token_issue_to_auditor(
    *, actor: Actor, user, last_day: date | None, name: str = ""
) -> tuple[ApiToken, str]:
    """The DPO's read-only token for a login holding the auditor role and no other: AUDITOR_TOKEN_SCOPES,
    a last day required and at most AUDITOR_TOKEN_LONGEST away, audited as `token_issue`. The login is
    locked while the role is checked, so a role change at the same moment revokes the token or comes
    first and refuses it."""
    if last_day is None:
        raise InvalidInput(_("An auditor's token needs a last day."), field="last_day")
    last_day_check(last_day, field="last_day")
    if last_day > timezone.localdate() + AUDITOR_TOKEN_LONGEST:
        raise InvalidInput(_("An auditor's token lasts at most 90 days: choose an earlier last day."),
                           field="last_day")
    with transaction.atomic(durable=True):
        user = get_user_model().objects.select_for_update(no_key=True).get(pk=user.pk)
        held = set(user.groups.values_list("name", flat=True))
        if not user.is_active or user.is_superuser or held != {Role.AUDITOR.value}:
            raise Conflict(
                _("%(username)s does not hold the auditor role alone: an auditor's token is issued only to "
                  "a login whose one role is auditor.") % {"username": user.get_username()},
                code="not_auditor", field="login",
            )
        return _token_create(actor=actor, user=user, name=name, scopes=list(AUDITOR_TOKEN_SCOPES),
                             last_day=last_day)


def _token_create(*, actor: Actor, user, name: str, scopes: list[str], last_day: date | None
                  ) -> tuple[ApiToken, str]:
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hashlib.sha256(key.encode()).hexdigest(), prefix=key[:8],
        scopes=scopes, expires_at=_end_of_day(last_day),
    )
    audit_record(action="core.token.issued", actor=actor, target=token,
                 data={"user_id": user.pk, "scopes": token.scopes, "prefix": token.prefix,
                       "last_day": last_day and last_day.isoformat(),
                       "expires_at": token.expires_at and token.expires_at.astimezone(UTC).isoformat()})
    return token, key


def _end_of_day(day: date | None) -> datetime | None:
    """The moment a local day ends (the next one's midnight in TIME_ZONE), or None."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Stop a token: refused at once by this process, by every other worker within
    API_TOKEN_CACHE_SECONDS (integrations/principals.py). Revoking twice changes nothing."""
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


def tokens_revoke_for_user_locked(*, actor: Actor, user_id: int) -> int:
    """In the caller's transaction, the user's row locked by it (a role change): revoke every live
    token of that user, each audited as `token_revoke` does, forgotten by this process on commit.
    Returns how many were revoked."""
    with transaction.atomic(savepoint=False):
        now = timezone.now()
        live = _live_tokens_locked(user_id)
        for token in live:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            audit_record(action="core.token.revoked", actor=actor, target=token,
                         data={"user_id": token.user_id, "prefix": token.prefix, "role_changed": True})
        hashes = [token.key_hash for token in live]
        if hashes:
            transaction.on_commit(lambda: principals.forget_many(hashes))
    return len(live)


def tokens_lock_on_role_change(sender, *, user_id: int, **kwargs) -> None:
    """Receiver of `accounts.signals.role_changing`: the user's live tokens locked before any receiver
    of `role_changed` writes an audit entry (the one lock order)."""
    _live_tokens_locked(user_id)


def _live_tokens_locked(user_id: int) -> list[ApiToken]:
    """The user's tokens not yet revoked, locked in primary-key order (one order for every locker)."""
    return list(ApiToken.objects.select_for_update().filter(user_id=user_id, revoked_at__isnull=True)
                .order_by("pk"))


def tokens_revoke_on_role_change(sender, *, user_id: int, actor: Actor, **kwargs) -> None:
    """Receiver of `accounts.signals.role_changed`."""
    tokens_revoke_for_user_locked(actor=actor, user_id=user_id)


def idempotency_claim(
    *, owner, key: str, fingerprint: str, wait_seconds: float, access_fingerprint: str = ""
) -> IdempotencyRecord | None:
    """Claim a key inside the caller's unit of work (`core.db.UnitOfWork`); None when it was used.

    The claim is not committed here: it commits with the write and its answer, or disappears with
    them. While another attempt holds the key, the insert waits on the unique index (at most
    `wait_seconds` on PostgreSQL, then `IdempotencyKeyBusy`); when that attempt commits it fails and
    None sends the caller to the stored answer, when it rolls back the claim goes through.
    """
    try:
        with transaction.atomic(), lock_wait_limited(wait_seconds):
            return IdempotencyRecord.objects.create(
                owner=owner, key=key, request_fingerprint=fingerprint, access_fingerprint=access_fingerprint
            )
    except IntegrityError:
        return None
    except OperationalError as error:
        if lock_wait_timed_out(error):
            raise IdempotencyKeyBusy() from None
        raise


def idempotency_answer_store(*, record: IdempotencyRecord, status: int, body: Any, subject_id=None) -> None:
    """Keep the first definitive answer (encrypted), in the same transaction as the claim and, for a
    success, the write; a refusal is kept without anything written before it."""
    record.response_status = status
    record.response_body = json.dumps(body, cls=DjangoJSONEncoder)
    record.subject_id = subject_id
    record.save(update_fields=["response_status", "response_body", "subject_id"])


def idempotency_claim_release(*, record: IdempotencyRecord) -> None:
    """Give a claim up inside the caller's unit of work, keeping what else it wrote: a page's form whose
    post recorded nothing (the form refused, the person corrects it and sends it again)."""
    record.delete()


def idempotency_answers_erase(*, subject_id) -> int:
    """Erase the stored answers about a customer whose personal data is erased, and the fingerprints of
    the requests (a plain hash of what was sent: the customer's details, a void's note, which a guess
    could match).

    The records stay, without either, so that a late retry is told the answer was erased instead of
    running the operation again. Runs in the erasure's transaction.
    """
    kept = Q(response_body__isnull=False) | ~Q(request_fingerprint="") | ~Q(access_fingerprint="")
    return IdempotencyRecord.objects.filter(kept, subject_id=subject_id).update(
        response_body=None, request_fingerprint="", access_fingerprint=""
    )


def idempotency_keys_expire(*, now: datetime | None = None, limit: int = IDEMPOTENCY_EXPIRE_BATCH) -> int:
    """Forget keys older than a week, a bounded batch at a time (the hourly job re-runs on a full one)."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_KEYS_KEPT_FOR
    due = list(IdempotencyRecord.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:limit])
    deleted, _ = IdempotencyRecord.objects.filter(pk__in=due).delete()
    return deleted
