"""Third-party access in a real browser: customer1 signs in, reads the consent screen in Vietnamese,
shortens the duration and approves; the third party receives a code; then the customer stops the
access from /me/authorisations/ after a confirmation."""

from urllib.parse import parse_qs, quote, urlparse

import pytest
from django.utils import timezone

from authorisations.models import Authorisation
from authorisations.services import access_record
from core.actors import Actor
from tests.authorisations.factories import (
    REDIRECT_URI,
    authorise,
    authorize_url,
    credentials,
    pkce_pair,
    register,
)
from tests.factories import make_customer
from tests.runs import BROWSER_FLOWS_ON_POSTGRESQL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_POSTGRESQL]


def test_customer1_authorises_in_vietnamese_then_stops_access(page, login, live_url):
    make_customer(username="customer1")
    registration = register()
    client_id, _secret = credentials(registration)
    _verifier, challenge = pkce_pair()
    authorize = authorize_url(client_id, challenge, state="st-1", duration_days=180)
    # The third party's callback is not reachable from the test machine: answer it here.
    page.route(f"{REDIRECT_URI}**", lambda route: route.fulfill(status=200, body="callback"))

    login(page, "customer1", path=f"/accounts/login/?next={quote(authorize)}")

    assert "/oauth/authorize/" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Công ty Kế toán Số muốn đọc dữ liệu của bạn"
    screen = page.get_by_test_id("consent-screen")
    assert "Chỉ đọc" in screen.inner_text()
    assert "Giao dịch trên tài khoản của bạn" in page.get_by_test_id("scopes").inner_text()
    assert "Đối soát giao dịch" in page.get_by_test_id("purpose").inner_text()
    page.get_by_test_id("duration").select_option("90")
    page.get_by_test_id("approve").click()
    # Wait for the callback page to finish loading before leaving it (a navigation cut short by the
    # next goto ends in Chromium's error page).
    page.wait_for_url(f"{REDIRECT_URI}**", wait_until="load")
    query = parse_qs(urlparse(page.url).query)
    assert query["state"] == ["st-1"] and query["code"][0]
    authorisation = Authorisation.objects.get()
    assert (authorisation.expires_at - authorisation.starts_at).days == 90

    page.goto(live_url("/me/authorisations/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Ai có thể đọc dữ liệu của tôi"
    card = page.get_by_test_id(f"authorisation-{authorisation.pk}")
    assert "Đang hiệu lực" in card.get_by_test_id("status").inner_text()
    with page.expect_navigation():
        card.get_by_test_id("revoke").click()
    assert "Dừng quyền đọc dữ liệu" in page.get_by_role("heading", level=1).inner_text()
    with page.expect_navigation():
        page.get_by_test_id("confirm-revoke").click()
    assert "không thể đọc dữ liệu của bạn nữa" in page.locator(".flash").first.inner_text()
    assert "Đã thu hồi" in page.get_by_test_id(f"authorisation-{authorisation.pk}").inner_text()


def test_what_it_read_shows_each_column_heading_whole_on_a_phone(page, login, live_url):
    """On a 375 px phone the reads table of /en/me/authorisations/ fits its frame: the last heading
    ("Records") is not cut at the frame's edge."""
    customer = make_customer(username="customer1")
    authorisation = authorise(customer, scopes=("accounts:read", "transactions:read"))
    for scope in ("accounts:read", "transactions:read"):
        access_record(actor=Actor.system("gateway"), authorisation_id=authorisation.pk, scope=scope,
                      accessed_at=timezone.now(), record_count=1234)
    login(page, "customer1")
    page.set_viewport_size({"width": 375, "height": 740})

    page.goto(live_url("/en/me/authorisations/"))
    table = page.get_by_test_id(f"authorisation-{authorisation.pk}").get_by_test_id("access-log")
    frame = table.locator("xpath=..").bounding_box()
    for heading in table.locator("th").all():
        box = heading.bounding_box()
        assert box["x"] >= frame["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 0.5, (
            heading.inner_text()
        )
        # The text is whole inside its heading: no word runs past the cell's edge.
        assert heading.evaluate("h => h.scrollWidth <= h.clientWidth"), heading.inner_text()
