"""The staff sidebar (issue #18): grouped sections, the right entry highlighted in both languages,
and the breach register called by its name in Vietnamese."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from core.navigation import menu_active

pytestmark = pytest.mark.django_db


def active_entries(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)" aria-current="page"', html)


def test_only_the_longest_matching_entry_is_active():
    urls = ["/en/portal/", "/en/portal/requests/", "/en/portal/reports/deadlines/"]
    assert menu_active("/en/portal/", urls) == "/en/portal/"
    assert menu_active("/en/portal/requests/42/", urls) == "/en/portal/requests/"
    assert menu_active("/en/portal/unlisted/", urls) is None


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dashboard_is_highlighted_only_on_the_dashboard(client, dpo, language):
    client.force_login(dpo)
    with translation.override(language):
        dashboard, queue = reverse("portal:dashboard"), reverse("dsr:queue")
    assert active_entries(client.get(dashboard).content.decode()) == [dashboard]
    assert active_entries(client.get(queue).content.decode()) == [queue]


def test_sidebar_is_grouped_and_names_the_breach_register(client, dpo):
    client.force_login(dpo)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert "Số lần quá hạn" not in page
    assert "Sổ sự cố vi phạm dữ liệu" in page
    groups = re.findall(r'data-group="(\w*)"', page)
    assert groups[:1] == [""] and {"customers", "consents", "requests", "oversight", "admin"} <= set(groups)
    with translation.override("en"):
        english_url = reverse("portal:dashboard")
    english = client.get(english_url).content.decode()
    assert "Breach register" in english and "Administration" in english
