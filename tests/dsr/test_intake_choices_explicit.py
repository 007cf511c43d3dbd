"""The staff intake form makes the officer choose the channel and the request type: nothing is
pre-selected, so a phone call left untouched is not recorded as a branch visit, nor a deletion as an
access request (staff profiles carry no desk to default from)."""

from __future__ import annotations

import re

import pytest

from dsr.models import DataSubjectRequest
from tests.factories import make_subject, signed_in
from tests.pages import hidden_fields

pytestmark = pytest.mark.django_db
URL = "/en/portal/requests/new/"


def _options(page: str, name: str) -> list[tuple[str, bool]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [
        (value, bool(selected))
        for value, selected in re.findall(r'<option value="([^"]*)"([^>]*selected)?', select)
    ]


@pytest.mark.parametrize("name", ["channel", "type"])
def test_the_intake_page_preselects_neither_channel_nor_type(officer, name):
    subject = make_subject()
    page = signed_in(officer).get(f"{URL}?subject={subject.external_ref}").content.decode()
    options = _options(page, name)
    # The blank "—" comes first (Django marks it selected on an unbound form); no real value is.
    assert options[0][0] == "", options[:2]
    assert not [value for value, selected in options if selected and value], options


def _post_deletion_by_phone(officer, subject, **fields):
    client = signed_in(officer)
    form = {
        **hidden_fields(client.get(URL).content),
        "subject_ref": subject.external_ref,
        "type": "delete",
        "channel": "call_centre",
        **fields,
    }
    return client.post(URL, form)


@pytest.mark.parametrize("missing", ["channel", "type"])
def test_a_request_without_a_chosen_channel_or_type_is_not_taken_in(officer, missing):
    subject = make_subject()
    response = _post_deletion_by_phone(officer, subject, **{missing: ""})
    assert response.status_code == 200
    assert missing in response.context["form"].errors
    assert not DataSubjectRequest.objects.filter(subject=subject).exists()


def test_the_chosen_channel_and_type_are_recorded(officer):
    subject = make_subject()
    assert _post_deletion_by_phone(officer, subject).status_code == 302
    request = DataSubjectRequest.objects.get(subject=subject)
    assert (request.type, request.channel) == ("delete", "call_centre")
