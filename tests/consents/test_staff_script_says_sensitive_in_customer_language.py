"""The officer reads each notice out (call centre) or prints it and hands it over (branch, paper form) in
the customer's language. For a purpose using sensitive data the customer must be told so (Law 91/2025,
Decree 356/2025; Decree 13/2023 Art. 11), yet the script in the customer's language said nothing of it:
only the officer's hint, in the officer's language, asked them to say it. The script now says that the
purpose uses sensitive personal data, and which, in the customer's language."""

from __future__ import annotations

import html

import pytest

from tests.factories import make_customer, make_subject, signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("customer_language", "page_language", "said", "category"),
    [
        ("vi", "en", "Mục đích này dùng dữ liệu cá nhân nhạy cảm.", "Dữ liệu sinh trắc học"),
        ("en", "vi", "This purpose uses sensitive personal data.", "Biometric data and physical traits"),
    ],
)
def test_the_script_says_sensitive_in_the_customers_language(
    officer, catalogue, customer_language, page_language, said, category
):
    subject = make_subject(preferred_language=customer_language)
    make_customer(subject=subject)
    prefix = "/en" if page_language == "en" else ""
    page = html.unescape(
        signed_in(officer).get(f"{prefix}/portal/customers/{subject.pk}/consents/new/").content.decode()
    )

    script = page.split('data-testid="script-biometric"', 1)[1].split("</div>", 1)[0]
    assert f'lang="{customer_language}"' in page.split('data-testid="script-biometric"', 1)[1][:40]
    assert said in script and category in script
    other = page.split('data-testid="script-marketing"', 1)[1].split("</div>", 1)[0]
    assert said not in other
