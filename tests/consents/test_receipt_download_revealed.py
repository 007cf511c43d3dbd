"""Staff who revealed a receipt's masked reason on the page (with a reason, audited) and then download
the receipt get the same disclosure in the file: the download carries the page's access reason in its
POST body (never in the URL), and each download is a disclosure of its own in the audit trail."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from consents import services
from subjects.disclosure import MASKED_TEXT
from tests.consents.factories import STAFF, grant
from tests.dsr.factories import reference_of_a_request
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db
WORDS = "Tôi đang điều trị bệnh, đổi số 0987654321"


class _Downloads(HTMLParser):
    """The page's download controls (`data-testid` given): each a form's action and hidden fields."""

    def __init__(self, testid: str):
        super().__init__()
        self.testid, self.forms, self._open = testid, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("data-testid") == self.testid:
            self._open = {"method": attrs.get("method", "get"), "action": attrs.get("action"), "fields": {}}
            self.forms.append(self._open)
        elif tag == "a" and attrs.get("data-testid") == self.testid:
            self.forms.append({"method": "get", "action": attrs.get("href"), "fields": {}})
        elif tag == "input" and self._open is not None and attrs.get("name") != "csrfmiddlewaretoken":
            self._open["fields"][attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def _downloads(html: str, testid: str) -> list[dict]:
    parser = _Downloads(testid)
    parser.feed(html)
    return parser.forms


def _views(consent) -> list[dict]:
    entries = AuditEntry.objects.filter(action="core.subject.viewed", subject_id=consent.subject_id)
    return list(entries.order_by("sequence").values_list("data", flat=True))


@pytest.mark.parametrize("testid", ["receipt-download", "event-receipt"])
def test_a_download_from_the_revealed_page_is_revealed_with_the_pages_reason_and_audited(
    catalogue, officer, testid
):
    consent = grant(make_subject(), catalogue["sharing"], channel="branch")
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", reason=WORDS)
    with translation.override("en"):
        page_url = reverse("consents:staff_receipt", args=[consent.pk])
    staff = signed_in(officer)
    reference = reference_of_a_request(consent.subject)
    page = staff.post(page_url, {"reason": "request", "note": reference})
    assert WORDS in page.content.decode()

    download = _downloads(page.content.decode(), testid)[-1]
    assert download["method"] == "post", "the revealed page's download is a masked GET link"
    assert reference not in download["action"] and "request" not in download["action"].replace(page_url, "")
    seen = len(_views(consent))
    document = staff.post(page_url + download["action"], download["fields"]).json()
    assert document["events"][-1]["reason"] == WORDS
    assert _views(consent)[seen:] == [
        {"context": "portal.consent_receipt", "revealed": True, "reason": f"request — {reference}"}
    ]


def test_the_masked_page_still_downloads_the_masked_receipt(catalogue, officer):
    consent = grant(make_subject(), catalogue["sharing"], channel="branch")
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", reason=WORDS)
    with translation.override("en"):
        page_url = reverse("consents:staff_receipt", args=[consent.pk])
    page = signed_in(officer).get(page_url).content.decode()
    (download,) = _downloads(page, "receipt-download")
    assert download["method"] == "get"
    document = signed_in(officer).get(page_url + download["action"].replace("&amp;", "&")).json()
    assert document["events"][-1]["reason"] == MASKED_TEXT
