"""One purpose's representation reads its version in force once, and its recipients only from it: the
row's recipients are not serialized to be thrown away."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consents.api import catalogue_serializers
from consents.models import Purpose
from tests.consents.factories import make_purpose, make_recipient

pytestmark = pytest.mark.django_db


def test_one_purpose_reads_its_scope_in_force_once_in_few_queries():
    make_purpose("offers", recipients=[make_recipient("A"), make_recipient("B")])
    purpose = Purpose.objects.get(code="offers")
    real = catalogue_serializers.scopes_in_force
    with (
        mock.patch.object(catalogue_serializers, "scopes_in_force", side_effect=real) as scopes_read,
        CaptureQueriesContext(connection) as queries,
    ):
        data = catalogue_serializers.PurposeOutputSerializer(purpose).data
    assert scopes_read.call_count == 1
    assert len(queries.captured_queries) <= 5, [query["sql"] for query in queries.captured_queries]
    assert sorted(recipient["name"] for recipient in data["recipients"]) == ["A", "B"]
