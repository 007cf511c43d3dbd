"""The nightly cleanup of OAuth codes and tokens that ran out, audited. Before it, an expired unused code
or an expired token stayed until its authorisation ended (`moves.end_tokens`).

It deletes what the toolkit's `cleartokens` (`clear_expired`) deletes, but not as the toolkit does: that
counts every matching row before and after each batch, and deletes everything due in one call, which
ran here in one transaction. Third parties refreshing 15-minute access tokens leave millions of rows a
month, so a run would hold its locks over all of them and read each table again for every batch. A run
here deletes at most `limit` rows of each kind in one transaction and counts nothing; the task queues
itself again while a batch was full."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
    refresh_token_expire_timedelta,
)
from oauth2_provider.settings import oauth2_settings

from audit.services import audit_record
from core.actors import Actor

OAUTH_TOKENS_PURGE_BATCH = 5000


def _expired(now: datetime) -> list[tuple[str, type[Model], Q]]:
    """What `clear_expired` deletes, kind by kind, in its order: refresh tokens first, since an access
    token goes only once no refresh token holds it. Refresh tokens are kept REFRESH_TOKEN_EXPIRE_SECONDS
    after they were revoked (so a rotated token presented again is caught) or after their access token
    expired unused; orphans (their access token deleted out of band) go at once."""
    # The toolkit's own reading of the setting: seconds or a timedelta, unset or 0 for no idle expiry.
    refresh_kept = refresh_token_expire_timedelta()
    idle_before = now - refresh_kept if refresh_kept else None
    revoked_before = (
        idle_before if oauth2_settings.REFRESH_TOKEN_REUSE_PROTECTION
        else now - timedelta(seconds=oauth2_settings.REFRESH_TOKEN_GRACE_PERIOD_SECONDS or 0)
    )
    refresh = Q(revoked__isnull=True, access_token__isnull=True)
    if revoked_before is not None:
        refresh |= Q(revoked__lte=revoked_before)
    if idle_before is not None:
        refresh |= Q(revoked__isnull=True, access_token__expires__lte=idle_before)
    return [
        ("refresh_tokens", get_refresh_token_model(), refresh),
        ("access_tokens", get_access_token_model(), Q(refresh_token__isnull=True, expires__lt=now)),
        ("id_tokens", get_id_token_model(), Q(access_token__isnull=True, expires__lt=now)),
        ("codes", get_grant_model(), Q(expires__lt=now)),
    ]


def oauth_tokens_clear_expired(
    *, now: datetime | None = None, limit: int = OAUTH_TOKENS_PURGE_BATCH
) -> dict[str, int]:
    """Delete up to `limit` each of expired authorisation codes, expired access and ID tokens, and refresh
    tokens revoked or idle for REFRESH_TOKEN_EXPIRE_SECONDS, with one audit entry for the run when any
    went. Idempotent; returns how many of each went (one at `limit`: more may be due)."""
    now = now or timezone.now()
    gone = {}
    with transaction.atomic(durable=True):
        for name, model, due in _expired(now):
            batch = list(model.objects.filter(due).values_list("pk", flat=True)[:limit])
            # Only this kind's own rows in its count: what a delete sets null elsewhere is not deleted.
            deleted = model.objects.filter(pk__in=batch).delete()[1] if batch else {}
            gone[name] = deleted.get(model._meta.label, 0)
        if any(gone.values()):
            audit_record(
                action="authorisations.oauth_tokens.purged",
                actor=Actor.system("authorisations.oauth_tokens_clear_expired"),
                data={name: gone[name] for name in ("codes", "access_tokens", "refresh_tokens", "id_tokens")},
                now=now,
            )
    return gone
