"""A campaign's checks, with the bank's proof of each: which customers of a list may be contacted for a
purpose (`consent_check_bulk`), and which turned to "no" since (`consent_check_changes`).

The proof is one audit entry per call, never one per customer (a list is up to 10,000, and the trail
stays readable): who asked, when, for which purpose, the counts, and the SHA-256 of the answer's lists
as the API gives them, which the agency keeps with its sends. The bank then proves what the agency was
told about any customer on the list from the agency's copy, and the check as of a time (`?at=`) rebuilds
the answer for one customer. No customer number enters the entry (domain notes: no personal data in the
trail); the single check, asked before every send and card payment, is not recorded, for the same
reason the trail would drown in it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from consents.selectors import consent_check_bulk, consent_check_changes
from consents.services.told import reason_told
from core.actors import Actor
from subjects.selectors import customer_numbers_now

CAMPAIGN_CHECKED = "consents.campaign.checked"


@dataclass(frozen=True)
class CampaignAnswer:
    """`lists`: the answer as the API gives it (`allowed`, `not_allowed` with reasons, `unknown` and the
    `moved` among them, or the changes' `not_allowed` and `recheck_list`); `proof`: the audit entry's id;
    `digest`: the SHA-256 of the lists' canonical JSON (keys sorted, no spaces, UTF-8)."""

    lists: dict
    checked_at: datetime
    proof: str
    digest: str


def answer_digest(lists: dict) -> str:
    """The SHA-256 of the lists as canonical JSON, which anyone holding the answer recomputes."""
    canonical = json.dumps(lists, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _recorded(*, actor: Actor, purpose_code: str, kind: str, lists: dict, now: datetime, **asked):
    """The answer with its proof: the entry holds each list's count, never its customer numbers."""
    digest = answer_digest(lists)
    counts = {**asked, **{key: len(v) if isinstance(v, list | dict) else v for key, v in lists.items()}}
    with transaction.atomic(durable=True):
        entry = audit_record(
            action=CAMPAIGN_CHECKED, actor=actor, now=now,
            data={"purpose": purpose_code, "kind": kind, **counts, "answer_sha256": digest},
        )
    return CampaignAnswer(lists=lists, checked_at=now, proof=str(entry.pk), digest=digest)


def campaign_list_check(
    *, actor: Actor, purpose_code: str, subject_refs: Iterable[str], processor: bool = False,
    recipients: frozenset[int] | None = None,
) -> CampaignAnswer:
    """Which of these customers may be contacted for the purpose now, by the client answering for
    `recipients` (`consents.client_recipients`), with the proof recorded (of the answer as the caller
    reads it: `processor`, see `reason_told`)."""
    now = timezone.now()
    answers = consent_check_bulk(
        purpose_code=purpose_code, subject_refs=subject_refs, now=now, recipients=recipients
    )
    allowed, refused, unknown = [], [], []
    for ref, result in answers.items():
        if result is None:
            unknown.append(ref)
        elif result.allowed:
            allowed.append(ref)
        else:
            refused.append({"subject": ref, "reason": reason_told(result.reason, processor=processor)})
    moved = customer_numbers_now(unknown)
    lists = {"allowed": allowed, "not_allowed": refused, "unknown": unknown, "moved": moved}
    return _recorded(
        actor=actor, purpose_code=purpose_code, kind="list", lists=lists, now=now, asked=len(answers)
    )


def campaign_changes_check(
    *, actor: Actor, purpose_code: str, since: datetime, processor: bool = False,
    recipients: frozenset[int] | None = None,
) -> CampaignAnswer:
    """Who turned to "no" for the purpose since `since`, for the client answering for `recipients`, with
    the proof recorded (`processor`: see `reason_told`)."""
    now = timezone.now()
    changes = consent_check_changes(purpose_code=purpose_code, since=since, now=now, recipients=recipients)
    refused = [
        {"subject": ref, "reason": reason_told(answer.reason, processor=processor)}
        for ref, answer in changes.not_allowed.items()
    ]
    lists = {"not_allowed": refused, "recheck_list": changes.recheck_list}
    return _recorded(actor=actor, purpose_code=purpose_code, kind="changes", lists=lists, now=now)
