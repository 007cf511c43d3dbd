"""The customer's data export read on a phone: a downloaded HTML file opened at 390 px, where a date
must stay whole on its line instead of breaking between digits ("12/1 1/20 26")."""

import pytest

from dsr import services
from tests.dsr.factories import STAFF, answered_access
from tests.runs import BROWSER_FLOWS_ON_POSTGRESQL

pytestmark = [pytest.mark.browser, pytest.mark.django_db, BROWSER_FLOWS_ON_POSTGRESQL]


def test_dates_in_the_export_stay_whole_on_a_phone(browser, subject):
    html = services.export_download(
        actor=STAFF, request=answered_access(subject), format="html", language="vi"
    ).body.decode()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_content(html)

    cells = page.locator(
        "[data-testid=export-requests] td:nth-child(3), [data-testid=export-consents] td:nth-child(3)"
    )
    assert cells.count() >= 2
    for i in range(cells.count()):
        text = cells.nth(i).inner_text()
        assert "/" in text
        day_and_time = page.evaluate(
            """cell => { const range = document.createRange(); range.selectNodeContents(cell);
                         return [...range.getClientRects()].map(r => Math.round(r.top)); }""",
            cells.nth(i).element_handle(),
        )
        assert len(set(day_and_time)) == 1, (text, day_and_time)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
