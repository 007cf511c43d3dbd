"""Reading the audit trail: the entries, filtered, and each entry's own seal and links checked."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from audit.actions import ACTION_CATEGORIES, actions_in_category
from audit.checkpoints import ArchiveRecord, checkpoints_read
from audit.hashing import GENESIS_HASH, UNKEYED, entry_seal_problem, keyed_seal_start, mac_keys_prepared
from audit.models import AuditChainHead, AuditEntry
from audit.selectors.chain import audit_chain_start
from core.errors import InvalidInput


def audit_entries(
    *,
    subject_id=None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after_sequence: int | None = None,
    actor: str | None = None,
    target_id: str | None = None,
    category: str | None = None,
) -> QuerySet[AuditEntry]:
    """Entries, the newest first; narrowed to a customer, an action (or a prefix ending in "."), those
    recorded since a moment and before another (`until`, not included), those one person or client did
    (`actor`, their login name: "which customers did this staff member look at"; a login nobody has
    finds nothing), those about one record (`target_id`: a consent's or request's id, with the customer or
    the action, see `audit_target_check`), those of one kind of action (`category`, see
    `audit_category_check`: "configuration" for every configuration change). With `after_sequence`, the
    entries numbered after it, the oldest first: the feed a poller reads without losing an entry.
    `recorded_at` is the time of the change, which its writer may commit long after (an import slice
    keeps its start time), so an entry can commit with a time before the newest a poll saw; numbers are
    taken under the chain head's lock, held to the commit, so they commit in order, with no gap, and a
    later commit always has a higher number."""
    entries = AuditEntry.objects.all()
    if subject_id is not None:
        entries = entries.filter(subject_id=subject_id)
    if action:
        entries = (
            entries.filter(action__startswith=action)
            if action.endswith(".")
            else entries.filter(action=action)
        )
    if since is not None:
        entries = entries.filter(recorded_at__gte=since)
    if until is not None:
        entries = entries.filter(recorded_at__lt=until)
    if target_id:
        entries = entries.filter(target_id=target_id)
    if category:
        audit_category_check(category)
        entries = entries.filter(action__in=actions_in_category(category))
    if actor:
        logins = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: actor})
        entries = entries.filter(actor_user_id__in=Subquery(logins.values("pk")))
    if after_sequence is not None:
        return entries.filter(sequence__gt=after_sequence).order_by("sequence")
    return entries.order_by("-sequence")


def audit_target_check(
    target_id: str | None, *, subject_id=None, action: str | None = None, category: str | None = None
) -> None:
    """Refuse (400 on `target`) a narrowing to one record without its customer or an action (or a kind
    of action): the trail's indexes lead with those, and a record's id alone would read the whole trail
    to find its entries."""
    if target_id and subject_id is None and not action and not category:
        raise InvalidInput(
            _("Give the customer (CIF) or the action too when narrowing to one record."), field="target"
        )


def audit_category_check(category: str | None) -> None:
    """Refuse (400 on `category`) a kind of action that is not one of `ACTION_CATEGORIES`."""
    if category and category not in ACTION_CATEGORIES:
        raise InvalidInput(_("Choose a kind of action from the list."), field="category")


# What `audit_entries_checked` proves of each entry, said once for the documents that print it.
AUDIT_ENTRY_CHECKS = (
    "For each entry listed: its seal (HMAC-SHA256 under the audit key it names, or SHA-256 for entries "
    "from before the key) was recomputed over its stored content and matched; its prev_hash equals the "
    "stored hash of the entry numbered one before it (or the genesis hash for entry 1, or, for the first "
    "entry left once the entries before it were archived, the hash of the last archived entry kept by the "
    "signed archive record that says the archive ended just before it); and the entry numbered one after "
    "it carries its hash as prev_hash. Entries of other customers in between were read for their hashes "
    "only; the whole chain is verified by the nightly and weekly checks."
)


class CheckedEntry(NamedTuple):
    """One entry as `audit_entries_checked` found it: why it does not check out ("" when it does), and
    the signed archive record that vouches for its link to the archived entry before it, when it is the
    first entry left after an archive."""

    entry: AuditEntry
    problem: str
    archive: ArchiveRecord | None = None


def audit_entries_checked(entries: QuerySet[AuditEntry]) -> list[CheckedEntry]:
    """Some entries (one customer's), in sequence order, each with why it does not check out ("" when it
    does): its seal, and its links to the entries numbered one before and one after it, whoever those
    concern (`AUDIT_ENTRY_CHECKS`). The first entry left after an archive links to an entry no longer in
    the database: it is held to the signed archive record by the rule the whole-chain check uses
    (`audit_chain_start`). An entry with the plain SHA-256 of the days before the keyed seal, which anyone
    can compute, is held to the whole-chain check's rule too (`keyed_seal_start`): only below the switch-over,
    never after a keyed entry. Two queries, however many entries; the checkpoint files are read, with one
    more query, when one of them follows a missing entry or carries the plain SHA-256: the neighbours'
    hashes are read with them."""
    neighbours = AuditEntry.objects.order_by()
    entries = list(entries.order_by("sequence").annotate(
        previous_hash=Subquery(neighbours.filter(sequence=OuterRef("sequence") - 1).values("entry_hash")[:1]),
        next_prev_hash=Subquery(neighbours.filter(sequence=OuterRef("sequence") + 1).values("prev_hash")[:1]),
    ))
    head = AuditChainHead.objects.filter(pk=1).values_list("sequence", flat=True).first() or 0
    keys = mac_keys_prepared()
    after_a_gap = any(entry.sequence > 1 and entry.previous_hash is None for entry in entries)
    unkeyed = any(entry.mac_key_id == UNKEYED for entry in entries)
    anchors = checkpoints_read() if after_a_gap or unkeyed else None
    start = audit_chain_start(anchors) if after_a_gap else (1, None)
    unkeyed_below = keyed_seal_start(anchors.keyed_from, audit_first_keyed_sequence()) if unkeyed else None
    return [_entry_checked(entry, keys=keys, unkeyed_below=unkeyed_below, head=head, start=start)
            for entry in entries]


def audit_first_keyed_sequence() -> int | None:
    """The first entry in the database sealed with the keyed MAC (None: none is)."""
    keyed = AuditEntry.objects.exclude(mac_key_id=UNKEYED).order_by("sequence")
    return keyed.values_list("sequence", flat=True).first()


def _entry_checked(
    entry, *, keys, unkeyed_below: int | None, head: int, start: tuple[int, ArchiveRecord | None]
) -> CheckedEntry:
    sealed = entry_seal_problem(entry, keys=keys, keyed_since=unkeyed_below)
    if sealed:
        return CheckedEntry(entry, sealed)
    first, archive = start
    archive = archive if entry.sequence == first else None  # vouches for the first entry left only
    if entry.sequence == 1:
        expected_previous = GENESIS_HASH
    else:
        expected_previous = archive.through_hash if archive is not None else entry.previous_hash
    if expected_previous is None:
        return CheckedEntry(entry, "the entry before it is missing")
    if expected_previous != entry.prev_hash:
        return CheckedEntry(entry, "it does not link to the entry before it" if archive is None else (
            f"it does not link to the hash the archive record kept of entry #{archive.through}"
        ))
    if entry.next_prev_hash is None:
        problem = "the entry after it is missing" if entry.sequence < head else ""
    elif entry.next_prev_hash != entry.entry_hash:
        problem = "the next entry does not link to it"
    else:
        problem = ""
    return CheckedEntry(entry, problem, None if problem else archive)


def audit_target_label(target_type: str) -> str:
    """What kind of record an entry acted on, in the reader's language (the model's `verbose_name`);
    the stored label itself for a model this release no longer has, since the trail outlives models."""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return target_type
    return str(model._meta.verbose_name)
