"""Customer references (a CIF or a data subject's id) for the layers below `subjects`.

The audit trail filters its entries by customer but sits below the app that owns customers, so the
subjects app registers how a CIF is looked up (subjects/apps.py) and the audit trail asks here.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

# Matches no entry: what an unknown reference filters by, so that it finds nothing rather than all.
NO_SUBJECT = uuid.UUID(int=0)

_cif_lookup: Callable[[str], uuid.UUID | None] | None = None
_cifs_of: Callable[[Iterable[uuid.UUID]], dict[uuid.UUID, str]] | None = None
_request_of_subject: Callable[[uuid.UUID, str], bool] | None = None


def register_cif_lookup(
    lookup: Callable[[str], uuid.UUID | None],
    cifs_of: Callable[[Iterable[uuid.UUID]], dict[uuid.UUID, str]] | None = None,
) -> None:
    """`lookup`: the subject id of a CIF; `cifs_of`: the CIF of each of many subject ids, in one query."""
    global _cif_lookup, _cifs_of
    _cif_lookup = lookup
    _cifs_of = cifs_of


def cifs_for_subjects(subject_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The customer number (CIF) of each of these subject ids that still exists (an audit page's
    "whom"); empty when nothing registered the look-up."""
    subject_ids = set(subject_ids)
    return _cifs_of(subject_ids) if _cifs_of is not None and subject_ids else {}


def subject_id_for_reference(reference: str | None) -> uuid.UUID | None:
    """The subject id a CIF or an id names; NO_SUBJECT for an unknown one; None when none is given."""
    if not reference:
        return None
    subject_id = _cif_lookup(reference) if _cif_lookup is not None else None
    if subject_id is not None:
        return subject_id
    try:
        return uuid.UUID(reference)
    except ValueError:
        return NO_SUBJECT


def register_request_reference_check(check: Callable[[uuid.UUID, str], bool]) -> None:
    """`check(subject_id, word)`: whether the word is the reference or id of one of this customer's
    requests (registered by the app that owns requests, for the need-to-know reason below it)."""
    global _request_of_subject
    _request_of_subject = check


def names_request_of_subject(subject_id: uuid.UUID, text: str) -> bool:
    """Whether `text` names (any of its words) one of this customer's requests or complaints; True when
    no app registered the check, as a platform without requests has none to name."""
    if _request_of_subject is None:
        return True
    return any(_request_of_subject(subject_id, word) for word in text.replace(",", " ").split()[:5])
