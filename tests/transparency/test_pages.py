"""Customer transparency: the public and signed-in privacy pages, the security guidance, and the DPO's
editor (only the DPO, audited, each save a new dated version)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.actors import actor_for_user
from core.errors import InvalidInput, PermissionDenied
from tests.consents.factories import make_purpose
from transparency.defaults import DEFAULT_TEXTS
from transparency.models import TextKind, TransparencyText
from transparency.services import transparency_text_publish

pytestmark = pytest.mark.django_db


def test_fresh_database_has_every_text_in_both_languages():
    for kind in TextKind.values:
        text = TransparencyText.objects.get(kind=kind, version=1)
        assert text.body_vi and text.body_en and text.body_vi != text.body_en


def test_public_privacy_page_works_signed_out(client):
    page = client.get("/privacy/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao" in html  # A05
    assert "dpo@" in html
    assert 'data-testid="notice-versions"' in html
    # Every way to exercise a right links to the self-service request page.
    for type_ in ("access", "copy", "rectify", "delete", "restrict", "object", "withdraw", "complaint"):
        assert f'{reverse("dsr:me_new")}?type={type_}' in html
    assert "/privacy/" in client.get(reverse("accounts:login")).content.decode()  # linked for everyone
    english = client.get("/en/privacy/").content.decode()
    assert "Data Protection Officer" in english and "Ministry of Public Security" in english


def test_me_privacy_lists_versions_with_what_changed_and_purpose_notices(client, customer_a, dpo):
    make_purpose(code="marketing")
    transparency_text_publish(
        actor=actor_for_user(dpo), user=dpo, kind=TextKind.PRIVACY_NOTICE,
        body_vi="Thông báo mới", body_en="New notice",
        changes_vi="Thêm mục đích chấm điểm tín dụng", changes_en="Credit scoring added",
    )
    client.force_login(customer_a)
    html = client.get(reverse("transparency:me_privacy")).content.decode()
    assert "Thông báo mới" in html
    assert "Thêm mục đích chấm điểm tín dụng" in html  # what changed in version 2
    assert DEFAULT_TEXTS["privacy_notice"]["changes_vi"] in html  # and in version 1
    assert "Phiên bản 2" in html
    assert "Mục đích marketing" in html and "v1" in html  # the purpose notices, from consents
    assert 'href="/me/security/"' in html  # the footer link of every self-service page


def test_me_security_shows_the_guidance(client, customer_a):
    client.force_login(customer_a)
    html = client.get(reverse("transparency:me_security")).content.decode()
    assert "2345/QĐ-NHNN" in html and "10 triệu" in html and "20 triệu" in html and "OTP" in html


def test_customer_pages_need_a_customer(client, privacy_officer):
    assert client.get(reverse("transparency:me_privacy")).status_code == 302  # to sign in
    client.force_login(privacy_officer)
    assert client.get(reverse("transparency:me_security")).status_code == 403


@pytest.mark.parametrize("role", ["officer", "privacy_officer", "auditor", "customer_a"])
def test_only_the_dpo_opens_the_editor(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("transparency:portal_texts")).status_code == 403
    edit = reverse("transparency:portal_text_edit", args=["security"])
    assert client.post(edit, {"body_vi": "x", "body_en": "y"}).status_code == 403
    assert TransparencyText.objects.filter(kind="security").count() == 1


def test_dpo_edits_a_text_per_language_audited(client, dpo, customer_b):
    client.force_login(dpo)
    assert client.get(reverse("transparency:portal_texts")).status_code == 200
    edit = reverse("transparency:portal_text_edit", args=["security"])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"body_vi": "Không chia sẻ OTP.", "body_en": "Never share an OTP."})
    assert response.status_code == 302
    current = TransparencyText.objects.filter(kind="security").order_by("-version").first()
    assert (current.version, current.body_vi, current.body_en) == (
        2, "Không chia sẻ OTP.", "Never share an OTP."
    )
    entry = AuditEntry.objects.get(action="transparency.text.published")
    assert entry.data == {"kind": "security", "version": 2, "languages_changed": ["vi", "en"]}
    client.logout()
    client.force_login(customer_b)
    assert "Never share an OTP." in client.get("/en/me/security/").content.decode()
    assert TransparencyText.objects.filter(kind="security", version=1).exists()  # history kept


def test_privacy_notice_needs_what_changed_and_a_change(client, dpo):
    client.force_login(dpo)
    edit = reverse("transparency:portal_text_edit", args=["privacy_notice"])
    response = client.post(edit, {"body_vi": "Mới", "body_en": "New"})
    assert response.status_code == 200 and "field--error" in response.content.decode()
    assert TransparencyText.objects.filter(kind="privacy_notice").count() == 1
    current = TransparencyText.objects.get(kind="dpo_contact")
    with pytest.raises(InvalidInput):
        transparency_text_publish(actor=actor_for_user(dpo), user=dpo, kind="dpo_contact",
                                  body_vi=current.body_vi, body_en=current.body_en)


def test_service_refuses_anyone_but_the_dpo(privacy_officer):
    with pytest.raises(PermissionDenied):
        transparency_text_publish(actor=actor_for_user(privacy_officer), user=privacy_officer,
                                  kind="security", body_vi="a", body_en="b")


def test_menus(client, dpo, privacy_officer, customer_a):
    client.force_login(dpo)
    assert reverse("transparency:portal_texts") in client.get(reverse("portal:dashboard")).content.decode()
    client.force_login(privacy_officer)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("transparency:portal_texts") not in dashboard
    client.force_login(customer_a)
    home = client.get(reverse("portal:me_home")).content.decode()
    assert reverse("transparency:me_privacy") in home and reverse("dsr:me_profile") in home
