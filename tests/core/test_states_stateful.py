"""`core.states.StatefulModel`: every machine's row names itself by class, key and status, and by
no personal data (issue #11 gave the six copies of that `__str__` one home)."""

from __future__ import annotations

import uuid

import pytest

from authorisations.models import Authorisation
from consents.models import Consent, ConsentState, NoticeAnnouncement, WithdrawalDuty
from dsr.models import FulfilmentTask


@pytest.mark.parametrize(
    ("model", "status"),
    [
        (Authorisation, "active"),
        (Consent, "granted"),
        (ConsentState, "withdrawn"),
        (NoticeAnnouncement, "scheduled"),
        (WithdrawalDuty, "open"),
        (FulfilmentTask, "done"),
    ],
)
def test_a_machines_row_is_named_by_class_key_and_status(model, status):
    key = uuid.uuid4()
    row = model(pk=key, status=status)
    assert str(row) == f"{model.__name__} {key} {status}"
