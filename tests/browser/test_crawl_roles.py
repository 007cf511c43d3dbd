"""Every page every role can reach, in both languages, on the demo data: no link the role cannot
follow (403), no error in the browser console, a heading on every page, nothing that makes the
page scroll sideways on a narrow screen (staff on a tablet or small laptop, customers on a phone),
the page's `lang` naming its language, and no accessibility fault axe-core finds, in both
languages: the English pages share the markup but not the words (names, labels, the page's lang).

The crawl follows the links a person sees, from the role's home page; pages that differ only by an
id are visited once, so the crawl stays bounded as the data grows.
"""
from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from tests.portal.crawl import ID, SKIPPED
from tests.runs import once_in_ci

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {  # username → password, as seed_demo and the README give them
    "officer": "officer-demo-2026",
    "privacy": "privacy-demo-2026",
    "dpo": "dpo-demo-2026",
    "auditor": "auditor-demo-2026",
    "customer1": "customer1-demo-2026",
}
# The areas each language's crawl stays in, by the language the pages must declare (<html lang>).
AREAS = {"vi": ("/portal/", "/me/"), "en": ("/en/portal/", "/en/me/")}
# The narrow screens each area must fit, one per language so the crawl costs no more: staff portal in
# Vietnamese on a tablet (one column, the menu on top) and in English on a small laptop (menu beside);
# self-service on phones. A wide table may scroll inside its frame; the page itself may not.
SCREEN_WIDTHS = {"/portal/": 768, "/en/portal/": 1024, "/me/": 360, "/en/me/": 390}
# The elements sticking out past the right edge, outside any frame that scrolls or clips them.
OVERFLOWING = """width => Array.from(document.querySelectorAll("body *")).filter(element => {
    if (element.getBoundingClientRect().right <= width + 1) return false;
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        if (getComputedStyle(parent).overflowX !== "visible") return false;
    }
    return true;
}).slice(-3).map(element => `${element.tagName.toLowerCase()}.${element.className}`)"""
PER_PATTERN = 1
MAX_PAGES = 120
AXE = Axe()  # axe-core as the pinned axe-playwright-python wheel ships it (axe.min.js): nothing downloaded
# An id given twice ties a <label for> or an aria reference to the first element only, so the second
# field has no name. Axe only asks for a review of it ("incomplete"), so the crawl checks it itself.
DUPLICATE_IDS = """() => {
    const ids = Array.from(document.querySelectorAll("[id]"), element => element.id);
    return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
}"""


def _accessibility_faults(page, path: str) -> list[str]:
    return [
        f"{path}: {fault['id']} ({fault['impact']}): {fault['help']} at {fault['nodes'][0]['target']}"
        for fault in AXE.run(page).response["violations"]
    ] + [f"{path}: id {id!r} given to more than one element" for id in page.evaluate(DUPLICATE_IDS)]


def _crawl(page, live_url, start: str, language: str) -> tuple[list[str], dict[str, int]]:
    problems, seen_patterns, visited = [], {}, set()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    queue = deque([(start, "(start)")])
    while queue and len(visited) < MAX_PAGES:
        path, found_on = queue.popleft()
        if path in visited:
            continue
        pattern = ID.sub("/<id>", path.split("?")[0])
        if seen_patterns.get(pattern, 0) >= PER_PATTERN:
            continue
        seen_patterns[pattern] = seen_patterns.get(pattern, 0) + 1
        visited.add(path)
        errors.clear()
        try:
            response = page.goto(live_url(path), wait_until="load")
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file to save (a receipt, an export), not a page
            raise
        status = response.status if response is not None else 0
        if status >= 400:
            problems.append(f"{path} answers {status} (linked from {found_on})")
            continue
        if errors:
            problems.append(f"{path}: console error {errors[:2]}")
        if page.locator("h1").count() == 0:
            problems.append(f"{path}: no heading")
        if (lang := page.evaluate("document.documentElement.lang")) != language:
            problems.append(f"{path}: <html lang={lang!r}> on a page in {language!r}")
        width = page.evaluate("document.documentElement.clientWidth")
        if page.evaluate("document.documentElement.scrollWidth") > width:
            problems.append(f"{path}: wider than a {width}px screen ({page.evaluate(OVERFLOWING, width)})")
        problems += _accessibility_faults(page, path)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith(AREAS[language]) or SKIPPED.search(href):
                continue
            queue.append((href, path))
    return problems, seen_patterns


@once_in_ci("sqlite", "pages do not depend on the database engine")
@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_a_role_can_reach_works_in_both_languages(demo, page, live_url, login, username):
    call_command("seed_demo", verbosity=0)
    login(page, username, ROLES[username])
    home = "/me/" if username.startswith("customer") else "/portal/"
    problems = []
    # One sign-in (and one seeding) for both languages: the crawl runs per language, not the test.
    for language in AREAS:
        start = home if language == "vi" else f"/en{home}"
        page.set_viewport_size({"width": SCREEN_WIDTHS[start], "height": 800})
        found, patterns = _crawl(page, live_url, start, language)
        problems += found
        assert len(patterns) > 3, f"{username} reached almost nothing from {start}: {sorted(patterns)}"
    assert problems == [], "\n".join(problems)


@once_in_ci("sqlite", "pages do not depend on the database engine")
@pytest.mark.parametrize("path", ["/accounts/login/", "/privacy/", "/en/accounts/login/", "/en/privacy/"])
def test_the_pages_anyone_may_open_fit_a_phone_and_pass_axe(demo, page, live_url, path):
    """Signing in and the privacy notice, read before anyone has an account (on a 360px phone)."""
    call_command("seed_demo", verbosity=0)
    page.set_viewport_size({"width": 360, "height": 800})
    response = page.goto(live_url(path), wait_until="load")
    assert response is not None and response.status == 200
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.evaluate(OVERFLOWING, width)
    assert _accessibility_faults(page, path) == []


@once_in_ci("sqlite", "pages do not depend on the database engine")
@pytest.mark.parametrize(
    "path", ["/portal/requests/systems/", "/portal/tokens/", "/portal/reports/deadlines/{month}/"]
)
def test_staff_pages_a_phone_review_found_too_wide_fit_a_phone(demo, page, live_url, login, path):
    """Staff on a 375 px phone, in Vietnamese (the longest words): a long sentence in a badge, a command
    in a code block, a report's wide tables. A table scrolls inside its frame; the page does not."""
    call_command("seed_demo", verbosity=0)
    login(page, "dpo", ROLES["dpo"])
    page.set_viewport_size({"width": 375, "height": 800})
    month = timezone.localdate().strftime("%Y-%m")
    response = page.goto(live_url(path.format(month=month)), wait_until="load")
    assert response is not None and response.status == 200
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.evaluate(OVERFLOWING, width)
