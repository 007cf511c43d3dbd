"""The customer's dashboard card counts their open requests through one selector."""
from __future__ import annotations

import pytest

from dsr.models import DataSubjectRequest
from dsr.selectors import requests_open_count_for_subject
from tests.dsr.factories import make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_a_customers_open_request_count_leaves_closed_ones_out():
    subject = make_subject()
    make_request(subject, type="complaint")
    closed = make_request(subject, type="complaint")
    DataSubjectRequest.objects.filter(pk=closed.pk).update(status="cancelled")
    assert requests_open_count_for_subject(subject) == 1
