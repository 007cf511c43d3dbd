"""A bank's own database starts with the demo bank's DPO contact (dpo@nganhang.example, 1900 0000) on
every customer's privacy page: `manage.py check` warns, and the DPO's dashboard says so, until the DPO
publishes the bank's own."""
from __future__ import annotations

import pytest
from django.core.checks import registry
from django.urls import reverse

from core.actors import actor_for_user
from transparency.checks import placeholder_texts_check
from transparency.services import transparency_text_publish

pytestmark = pytest.mark.django_db


def _ids() -> set[str]:
    return {message.id for message in placeholder_texts_check()}


def test_the_check_runs_with_every_manage_py_check():
    assert placeholder_texts_check in registry.registry.get_checks()


def test_a_bank_still_showing_the_placeholder_contact_is_warned(settings):
    settings.DEMO = False
    assert "transparency.W001" in _ids()


def test_the_bank_own_contact_ends_the_warning(settings, dpo):
    settings.DEMO = False
    transparency_text_publish(actor=actor_for_user(dpo), user=dpo, kind="dpo_contact",
                              body_vi="Phòng Pháp chế, dpo@bank.vn, 024 3333 4444",
                              body_en="Legal department, dpo@bank.vn, 024 3333 4444")
    assert "transparency.W001" not in _ids()


def test_the_demo_keeps_its_placeholder_without_a_warning(settings):
    settings.DEMO = True
    assert _ids() == set()


def _dashboard_labels(client, user) -> list[str]:
    client.force_login(user)
    return [str(card["label"]) for card in client.get(reverse("portal:dashboard")).context["cards"]]


def test_the_dpo_dashboard_says_the_contact_is_the_placeholder_and_links_to_its_page(settings, client, dpo):
    settings.DEMO = False
    client.force_login(dpo)
    cards = client.get(reverse("portal:dashboard")).context["cards"]
    (card,) = [card for card in cards if card["url"] == reverse("transparency:portal_text_edit",
                                                              args=["dpo_contact"])]
    assert card["tone"] == "danger"
    transparency_text_publish(actor=actor_for_user(dpo), user=dpo, kind="dpo_contact",
                              body_vi="dpo@bank.vn", body_en="dpo@bank.vn")
    assert len(_dashboard_labels(client, dpo)) == len(cards) - 1


def test_an_officer_is_not_shown_the_dpo_setup_card(settings, client, officer):
    settings.DEMO = False
    client.force_login(officer)
    cards = client.get(reverse("portal:dashboard")).context["cards"]
    assert not [card for card in cards if "customer-information" in card["url"]]


def test_the_placeholder_privacy_notice_is_warned_and_carded_until_the_dpo_publishes_the_bank_own(
    settings, client, dpo
):
    """The privacy notice a fresh database starts with is the demo bank's words, not the bank's notice
    (Decree 13/2023, art. 13: what the bank processes, why, for how long): as dangerous to leave as the
    contact."""
    settings.DEMO = False
    notice_page = reverse("transparency:portal_text_edit", args=["privacy_notice"])
    client.force_login(dpo)
    assert "transparency.W002" in _ids()
    assert [card["tone"] for card in client.get(reverse("portal:dashboard")).context["cards"]
            if card["url"] == notice_page] == ["danger"]

    transparency_text_publish(actor=actor_for_user(dpo), user=dpo, kind="privacy_notice",
                              body_vi="Ngân hàng xử lý dữ liệu cá nhân của Quý khách để ...",
                              body_en="The bank processes your personal data to ...",
                              changes_vi="Thông báo của ngân hàng", changes_en="The bank's own notice")

    assert "transparency.W002" not in _ids()
    assert not [card for card in client.get(reverse("portal:dashboard")).context["cards"]
                if card["url"] == notice_page]
