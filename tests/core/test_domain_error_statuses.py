"""A domain refusal answers with a status the contract names (400, 403, 404, 409, 429; 401 is the
authentication's): an integrator's client is written against that list, and a status outside it (a 410
for a customer number that changed) falls into its "unexpected" branch instead of the refusal it is.
503 is the one other: nothing was refused, a service the platform relies on failed."""
from __future__ import annotations

from django.urls import get_resolver

from core.errors import DomainError

CONTRACT_STATUSES = {400, 403, 404, 409, 429}
SERVICE_FAILED = 503


def _every_refusal(cls: type[DomainError]) -> list[type[DomainError]]:
    return [cls, *(sub for child in cls.__subclasses__() for sub in _every_refusal(child))]


def test_every_domain_refusal_answers_with_a_status_the_contract_names():
    # Resolving the URLs imports every view, and with them every module that defines a refusal.
    assert get_resolver().url_patterns
    outside = {
        cls.__qualname__: cls.status for cls in _every_refusal(DomainError)
        if cls.status not in CONTRACT_STATUSES | {SERVICE_FAILED}
    }
    assert outside == {}
