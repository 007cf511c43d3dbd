"""Words in the other language say so (WCAG 3.1.2, language of parts): on an English page the brand
"Quyền Dữ Liệu" and a language's own name "Tiếng Việt" are Vietnamese, and a screen reader reads them in a
Vietnamese voice only when they carry lang="vi". The language switch's "VI" / "EN" are named by the
language each chooses, in that language."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db


def vietnamese_parts(page, words: str) -> list:
    """The language each element whose own text holds `words` is marked with (its nearest lang); the
    <title> aside, which can mark no part."""
    found = []
    for element in page.iter():
        if element.tag == "title":
            continue
        own = " ".join(c for c in element.children if isinstance(c, str))
        if words in own:
            marked = next((e.get("lang") for e in (element, *element.ancestors()) if e.get("lang")), None)
            found.append(marked)
    return found


@pytest.mark.parametrize(
    ("who", "path"), [("staff", "/en/portal/"), ("nobody", "/en/accounts/login/"), ("nobody", "/en/privacy/")]
)
def test_the_brand_on_an_english_page_is_marked_vietnamese(officer, who, path):
    client = signed_in(officer) if who == "staff" else Client()
    response = client.get(path, follow=True)
    assert response.status_code == 200
    marked = vietnamese_parts(parse(response.content), "Quyền Dữ Liệu")
    assert marked and set(marked) == {"vi"}, (response.request["PATH_INFO"], marked)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_each_language_button_is_named_by_its_language_in_that_language(prefix):
    page = parse(Client().get(f"{prefix}/accounts/login/").content)
    switch = next(f for f in page.find_all("form") if "lang-switch" in (f.get("class") or ""))
    named = {(b.get("lang"), b.get("aria-label"), b.text()) for b in switch.find_all("button")}
    assert named == {("vi", "Tiếng Việt", "VI"), ("en", "English", "EN")}


def test_the_customers_language_on_an_english_staff_page_is_marked_in_that_language(officer, subject):
    page = parse(signed_in(officer).get(f"/en/portal/customers/{subject.pk}/").content)
    shown = page.find(**{"data-testid": "subject-language"})
    assert shown.text() == "Tiếng Việt" and shown.get("lang") == "vi"
