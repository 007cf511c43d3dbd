"""Reads of API tokens (the per-request look-up by key hash and the operators' listings) and of
idempotency records."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import F, Max, Q, QuerySet

from audit.models import AuditEntry
from core.db import prepared_cursor, raw_moment
from core.roles import Role, staff_users
from integrations.models import ApiToken, IdempotencyRecord, OutboxMessage, WebhookEndpoint


def token_by_key_hash(key_hash: str) -> ApiToken | None:
    """A token not revoked, of an active user, or None: one prepared query on the unique hash. An
    expired token is returned with its `expires_at`: the caller refuses it saying why.

    Runs on every API call, so it skips the ORM (whose query building cost more than the query)
    and loads no user row; `integrations.principals` keeps tokens and users briefly per worker.
    """
    token_table, user_table = ApiToken._meta.db_table, get_user_model()._meta.db_table
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, t.user_id, t.scopes, t.prefix, t.expires_at FROM {token_table} t "  # noqa: S608 (names from models)
            f"JOIN {user_table} u ON u.id = t.user_id "
            "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active = %s",
            [key_hash, True],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    pk, user_id, scopes, prefix, expires_at = row
    # JSON arrives as text from SQLite and from Django's PostgreSQL adapters alike.
    scopes = json.loads(scopes) if isinstance(scopes, str) else scopes
    return ApiToken(pk=pk, user_id=user_id, scopes=scopes, prefix=prefix, key_hash=key_hash,
                    expires_at=raw_moment(expires_at))


# A token ending within this is flagged on the DPO's page, time to renew it or let it lapse.
TOKEN_ENDING_SOON_WITHIN = timedelta(days=14)


def token_standing(token: ApiToken, *, now: datetime) -> str:
    """How a token stands for the list: "revoked", "expired", "ending" (within
    TOKEN_ENDING_SOON_WITHIN) or "live"."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expired(now):
        return "expired"
    return "ending" if token.ends_within(TOKEN_ENDING_SOON_WITHIN, now) else "live"


def tokens_ending_count(*, now: datetime) -> int:
    """How many tokens `ApiToken.ends_within` TOKEN_ENDING_SOON_WITHIN would flag: live, and stopping
    within it (the DPO's dashboard card)."""
    return ApiToken.objects.filter(
        revoked_at__isnull=True, expires_at__gt=now, expires_at__lte=now + TOKEN_ENDING_SOON_WITHIN
    ).count()


def token_list(*, username: str | None = None, live_at: datetime | None = None) -> QuerySet[ApiToken]:
    """API tokens, newest first, with their users (for the list command and page): all of them, or with
    `live_at` only those neither revoked nor expired then."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
    if username:
        tokens = tokens.filter(user__username=username)
    if live_at is not None:
        not_expired = Q(expires_at__isnull=True) | Q(expires_at__gt=live_at)
        tokens = tokens.filter(not_expired, revoked_at__isnull=True)
    return tokens


def token_by_id(pk) -> ApiToken | None:
    return token_list().filter(pk=pk).first()


def token_with_prefix(prefix: str) -> QuerySet[ApiToken]:
    """The tokens whose key starts with `prefix` (the 8 characters shown in lists), live first."""
    return ApiToken.objects.select_related("user").filter(prefix=prefix).order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at"
    )


def idempotency_record(*, owner, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(owner=owner, key=key).first()


def audit_sequence_last() -> int:
    """The sequence number of the newest committed audit entry (0 for none)."""
    return AuditEntry.objects.aggregate(last=Max("sequence"))["last"] or 0


def audited_subject_since(sequence: int, *, request_id: str):
    """The customer of the first audit entry this request wrote after `sequence`, or None: the
    customer an idempotent answer is about."""
    return (
        AuditEntry.objects.filter(sequence__gt=sequence, request_id=request_id, subject_id__isnull=False)
        .order_by("sequence")
        .values_list("subject_id", flat=True)
        .first()
    )


def webhook_endpoint_list() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.select_related("client").order_by("name", "pk")


def webhook_endpoints_active() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(active=True)


def webhook_endpoint_by_id(pk) -> WebhookEndpoint | None:
    return webhook_endpoint_list().filter(pk=pk).first()


def integration_clients() -> QuerySet:
    """Active logins of integration clients (the bank's systems that call the API), by username."""
    clients = get_user_model().objects.filter(groups__name=Role.CLIENT.value, is_active=True)
    return clients.order_by("username")


def staff_logins() -> QuerySet:
    """Active logins holding a staff role, by username (the DPO picks an auditor among them)."""
    return staff_users().filter(is_active=True).order_by("username")


def webhook_deliveries(*, endpoint: WebhookEndpoint, limit: int = 100) -> list[OutboxMessage]:
    """The endpoint's notices, newest first: the delivery log (attempts, status, next try, error)."""
    return list(OutboxMessage.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")[:limit])
