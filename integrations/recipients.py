"""The recipient a webhook endpoint serves.

Recipients (the partners, processors and group companies a withdrawal must reach) belong to
`consents`, a layer above: `consents.Recipient.endpoint` points at the endpoint. So `consents`
registers at start-up how to list recipients, name the one an endpoint serves and link one
(`register_recipient_directory`), and the endpoint services and pages here only call that.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RecipientDirectory:
    # [(recipient id, name)] of active recipients, for a form's choices
    choices: Callable[[], list[tuple[int, str]]]
    # endpoint ids → {endpoint id: (recipient id, name)}
    served: Callable[[Iterable[int]], dict[int, tuple[int, str]]]
    # link(endpoint=..., recipient_id=...) in the caller's transaction, returning the id of the recipient
    # the endpoint served before (None: none), for the audit entry; 400 `recipient` for no such recipient
    link: Callable[..., int | None]


_NOBODY = RecipientDirectory(choices=list, served=lambda ids: {}, link=lambda **kwargs: None)
_directory: list[RecipientDirectory] = []


def register_recipient_directory(directory: RecipientDirectory) -> None:
    _directory[:] = [directory]


def recipient_directory() -> RecipientDirectory:
    return _directory[0] if _directory else _NOBODY
