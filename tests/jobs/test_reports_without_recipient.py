"""A deadline report nobody can receive (no active DPO with an e-mail address: the only DPO left, or
their address was never entered) is not dropped in silence: the run says so in the error log, where
the bank's operators watch, instead of returning quietly as if sent."""

from __future__ import annotations

import logging

import pytest

from dsr.services.reporting import report_send
from tests.factories import UserFactory
from tests.jobs.factories import NOW, staff

pytestmark = pytest.mark.django_db


def test_a_report_with_no_dpo_to_receive_it_is_logged_as_an_error(caplog):
    UserFactory(username="dpo_no_mail", role="dpo", email="")
    staff("privacy_only")  # a privacy officer is not sent the DPO's report
    with caplog.at_level(logging.ERROR, logger="dsr.services.reporting"):
        assert report_send(kind="daily", now=NOW) == 0
    (record,) = [r for r in caplog.records if r.name == "dsr.services.reporting"]
    assert record.levelno == logging.ERROR and "daily" in record.getMessage()


def test_a_report_sent_logs_no_error(caplog):
    staff("chi", "dpo")
    with caplog.at_level(logging.ERROR, logger="dsr.services.reporting"):
        assert report_send(kind="daily", now=NOW) == 1
    assert not [r for r in caplog.records if r.name == "dsr.services.reporting"]
