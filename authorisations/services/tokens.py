"""The nightly cleanup of OAuth codes and tokens that ran out: the toolkit's `cleartokens`
(`clear_expired`), audited. Before it, an expired unused code or an expired token stayed until its
authorisation ended (`moves.end_tokens`)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from oauth2_provider.models import (
    clear_expired,
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from audit.services import audit_record
from core.actors import Actor

# What the audit entry counts, by the toolkit's model.
_COUNTED = {
    "codes": get_grant_model,
    "access_tokens": get_access_token_model,
    "refresh_tokens": get_refresh_token_model,
    "id_tokens": get_id_token_model,
}


def oauth_tokens_clear_expired(*, now: datetime | None = None) -> dict[str, int]:
    """Delete expired authorisation codes, expired access tokens, and refresh tokens revoked or idle
    for REFRESH_TOKEN_EXPIRE_SECONDS (`clear_expired`, which reads the clock itself), with one audit
    entry for the run when any went. Idempotent; returns how many of each went.

    The toolkit deletes without counting: the rows there when the run began (up to each table's last
    id) are counted before and after, so tokens issued meanwhile do not hide deletions."""
    now = now or timezone.now()
    models = {name: get_model() for name, get_model in _COUNTED.items()}
    with transaction.atomic(durable=True):
        before = {}
        for name, model in models.items():
            last = model.objects.aggregate(last=Max("pk"))["last"] or 0
            before[name] = (last, model.objects.filter(pk__lte=last).count())
        clear_expired()
        gone = {
            name: count - models[name].objects.filter(pk__lte=last).count()
            for name, (last, count) in before.items()
        }
        if any(gone.values()):
            audit_record(
                action="authorisations.oauth_tokens.purged",
                actor=Actor.system("authorisations.oauth_tokens_clear_expired"),
                data=gone,
                now=now,
            )
    return gone
