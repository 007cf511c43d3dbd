"""A regulator document leaving the platform (a JSON or CSV download, from a page or the API): one audit
entry says who took which document in which format, whichever door it left by."""

from __future__ import annotations

from django.db import transaction

from audit.services import audit_record
from core.actors import Actor


def document_export_record(
    *, actor: Actor, action: str, fmt: str, target=None, data: dict | None = None
) -> None:
    """Record that `actor` took a document (`action`: `regulator.<document>.exported`) in `fmt`, in a
    transaction of its own: the download writes nothing else."""
    with transaction.atomic(durable=True):
        audit_record(action=action, actor=actor, target=target, data={"format": fmt, **(data or {})})
