"""Setting the preferred language: the site's language switch, the customer's own page, the portal's
registration form, the subjects API; every change audited, a bad value refused and nothing written.
Signing in opens the site in the stored language unless the person chose one before signing in."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.conf import settings

from accounts.models import StaffProfile
from audit.models import AuditEntry
from core.actors import Actor
from core.errors import InvalidInput, NotFound
from subjects import services
from subjects.models import DataSubject
from tests.factories import UserFactory, make_subject

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def language_entries(action="core.subject.language_changed"):
    return AuditEntry.objects.filter(action=action)


def subject_of(user) -> DataSubject:
    return DataSubject.objects.get(customer_account__user=user)


# ---------------------------------------------------------------------------- services


def test_setting_the_language_is_audited_once_per_change(subject):
    services.subject_language_set(actor=SYSTEM, subject_id=subject.pk, language="en")
    services.subject_language_set(actor=SYSTEM, subject_id=subject.pk, language="en")  # no change
    subject.refresh_from_db()
    assert subject.preferred_language == "en"
    (entry,) = language_entries()
    assert entry.data == {"before": "vi", "after": "en"}
    assert entry.subject_id == subject.pk


def test_an_unknown_language_or_customer_is_refused(subject):
    with pytest.raises(InvalidInput) as error:
        services.subject_language_set(actor=SYSTEM, subject_id=subject.pk, language="fr")
    assert error.value.field == "preferred_language"
    with pytest.raises(NotFound):
        services.subject_language_set(actor=SYSTEM, subject_id=DataSubject().pk, language="en")
    assert not language_entries().exists()


def test_staff_language_lives_on_their_profile(officer, client_user):
    assert services.user_language_set(actor=SYSTEM, user=officer, language="en") == "en"
    assert StaffProfile.objects.get(user=officer).preferred_language == "en"
    (entry,) = language_entries("core.profile.language_changed")
    assert entry.data == {"user_id": officer.pk, "before": "vi", "after": "en"}
    # An integration client receives no e-mails and keeps no preference.
    assert services.user_language_set(actor=SYSTEM, user=client_user, language="en") == ""
    assert not StaffProfile.objects.filter(user=client_user).exists()


# ---------------------------------------------------------------------------- pages


def test_a_signed_in_customer_switching_the_site_language_records_it(client, customer_a):
    client.force_login(customer_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/me/"})
    assert response.status_code == 302 and response["Location"] == "/en/me/"
    assert subject_of(customer_a).preferred_language == "en"
    assert language_entries().count() == 1
    client.post("/i18n/setlang/", {"language": "vi", "next": "/en/me/"})
    assert subject_of(customer_a).preferred_language == "vi"
    assert language_entries().count() == 2


def test_staff_switching_the_site_language_records_theirs(client, privacy_officer):
    client.force_login(privacy_officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    assert StaffProfile.objects.get(user=privacy_officer).preferred_language == "en"


def test_an_anonymous_switch_or_an_unknown_language_stores_nothing(client, customer_a):
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    client.force_login(customer_a)
    assert client.post("/i18n/setlang/", {"language": "fr", "next": "/me/"}).status_code == 400
    assert subject_of(customer_a).preferred_language == "vi"
    assert not language_entries().exists()


PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def sign_in(client, user, *, page="/accounts/login/", next_url="") -> str:
    response = client.post(page, {"username": user.get_username(), "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    return response["Location"]


def test_signing_in_opens_the_site_in_the_customers_own_language(client, customer_a):
    services.subject_language_set(actor=SYSTEM, subject_id=subject_of(customer_a).pk, language="en")
    assert sign_in(client, customer_a, next_url="/me/consents/") == "/en/me/consents/"


def test_a_language_chosen_before_signing_in_wins_over_the_stored_one(client, customer_a, customer_b):
    services.subject_language_set(actor=SYSTEM, subject_id=subject_of(customer_a).pk, language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"  # the switch on the sign-in page
    assert sign_in(client, customer_a, next_url="/me/") == "/me/"
    client.logout()  # and forget the cookie
    # customer_b keeps Vietnamese but signs in on the English page, or with English chosen earlier.
    assert sign_in(client, customer_b, page="/en/accounts/login/", next_url="/en/me/") == "/en/me/"
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert sign_in(client, customer_b, next_url="/me/") == "/en/me/"


def test_staff_take_the_code_step_and_their_page_in_their_language(client, privacy_officer):
    services.user_language_set(actor=SYSTEM, user=privacy_officer, language="en")
    location = unquote(sign_in(client, privacy_officer, next_url="/portal/requests/"))
    assert location.startswith("/en/accounts/") and location.endswith("next=/en/portal/requests/")


def test_the_customer_chooses_the_language_of_our_emails_on_their_page(client, customer_a):
    client.force_login(customer_a)
    page = client.get("/en/me/")
    assert b'data-testid="me-language-form"' in page.content
    # The switch at the top of the page sets it too; the form says so rather than change it silently.
    assert "changes this too" in page.content.decode()
    response = client.post("/me/language/", {"language": "en"})
    assert response.status_code == 302
    assert subject_of(customer_a).preferred_language == "en"
    client.post("/me/language/", {"language": "xx"})
    assert subject_of(customer_a).preferred_language == "en"
    assert language_entries().count() == 1


def test_staff_only_reach_the_customers_language_page_through_their_own_subject(client, officer):
    client.force_login(officer)
    assert client.post("/me/language/", {"language": "en"}).status_code == 403


def test_staff_register_a_customer_with_their_language(client, officer):
    client.force_login(officer)
    response = client.post("/portal/customers/new/", {
        "external_ref": "CIF7700001", "full_name": "Trần Văn Anh", "preferred_language": "en",
    })
    assert response.status_code == 302, response.content
    subject = DataSubject.objects.get(external_ref="CIF7700001")
    assert subject.preferred_language == "en"
    created = AuditEntry.objects.get(action="core.subject.created", subject_id=subject.pk)
    assert created.data["preferred_language"] == "en"
    detail = client.get(f"/en/portal/customers/{subject.pk}/")
    assert b'data-testid="subject-language">English<' in detail.content


# ---------------------------------------------------------------------------- API


def test_the_api_creates_reads_and_changes_the_preferred_language(as_user, officer):
    api = as_user(officer)
    created = api.post("/api/v1/subjects/", {"external_ref": "CIF7700002", "full_name": "Lê Thị Hà",
                                             "preferred_language": "en"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["preferred_language"] == "en"
    default = api.post("/api/v1/subjects/", {"external_ref": "CIF7700003", "full_name": "Lê Văn Hải"},
                       format="json")
    assert default.json()["preferred_language"] == "vi"

    subject_id = created.json()["id"]
    changed = api.patch(f"/api/v1/subjects/{subject_id}/",
                        {"preferred_language": "vi", "phone": "0912000222"}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["preferred_language"] == "vi"
    assert api.get(f"/api/v1/subjects/{subject_id}/").json()["preferred_language"] == "vi"
    (entry,) = language_entries()
    assert entry.data == {"before": "en", "after": "vi"}
    assert AuditEntry.objects.filter(action="core.subject.rectified", subject_id=subject_id).count() == 1


@pytest.mark.parametrize("value", ["fr", "EN", "", None, 1])
def test_a_bad_language_is_a_400_and_writes_nothing(as_user, officer, subject, value):
    api = as_user(officer)
    entries_before = AuditEntry.objects.count()
    response = api.patch(f"/api/v1/subjects/{subject.pk}/",
                         {"preferred_language": value, "phone": "0912000333"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["preferred_language"]
    if value not in ("", None):  # the API answers in Vietnamese unless asked otherwise
        assert response.json()["preferred_language"] == ["Chọn “vi” (tiếng Việt) hoặc “en” (tiếng Anh)."]
    created = api.post("/api/v1/subjects/", {"external_ref": "CIF7700004", "full_name": "Phan Văn Bảy",
                                             "preferred_language": value}, format="json")
    assert created.status_code == 400
    subject.refresh_from_db()
    assert subject.preferred_language == "vi"
    assert subject.phone != "0912000333"
    assert not DataSubject.objects.filter(external_ref="CIF7700004").exists()
    assert AuditEntry.objects.count() == entries_before


def test_a_customer_cannot_change_it_through_the_api(as_user, customer_a):
    subject = subject_of(customer_a)
    response = as_user(customer_a).patch(f"/api/v1/subjects/{subject.pk}/", {"preferred_language": "en"},
                                         format="json")
    assert response.status_code == 403
    assert subject_of(customer_a).preferred_language == "vi"


def test_a_user_without_role_keeps_no_preference():
    nobody = UserFactory(username="nobody_lang")
    assert services.user_language_set(actor=SYSTEM, user=nobody, language="en") == ""
    assert make_subject().preferred_language == "vi"


@pytest.mark.parametrize(
    ("username", "page"), [("customer_a", "/en/me/"), ("officer", "/en/portal/customers/new/")]
)
def test_each_language_is_offered_in_its_own_language_and_says_so(client, request, username, page):
    """'Tiếng Việt' on an English page is Vietnamese: its option says so (lang), so a screen reader reads
    it in a Vietnamese voice rather than spelling it out in English (WCAG 3.1.2, language of parts)."""
    client.force_login(request.getfixturevalue(username))
    html = client.get(page).content.decode()
    assert '<html lang="en">' in html
    options = re.findall(r"<option [^>]*>[^<]*</option>", html)
    offered = {
        re.search(r'value="(\w+)"', option).group(1): option
        for option in options
        if "Tiếng Việt" in option or ">English<" in option
    }
    assert set(offered) == {"vi", "en"}
    assert all(f'lang="{code}"' in option for code, option in offered.items()), offered
