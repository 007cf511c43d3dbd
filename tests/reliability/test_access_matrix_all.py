"""Who reaches what: every API endpoint and page, walked from the URL resolver, against every role.

`API` and `PAGES` are the expected tables, keyed by the route as the resolver spells it. A route
with no entry fails `test_every_route_is_in_the_matrix`, so a new endpoint cannot ship without
someone deciding who may reach it. To add one: copy a neighbouring line, name the URL to call
(placeholders come from `tests/reliability/world.py`) and the roles that may reach it.

Expectations: a role that may reach an endpoint is never refused (no 401/403/404, no 5xx); a GET
answers 200. A role that may not gets 401 (API, anonymous), a redirect to the login page (pages,
anonymous), or 403/404 with a `{"detail": ...}` body. Customer A owns every record named by id;
customer B must get 404 on each of them: the id of someone else's record reveals nothing.
"""

from __future__ import annotations

import pytest

from dsr.models import DataSubjectRequest
from tests.module_data import built_once_for_the_module
from tests.reliability.world import ROLES, build_world
from tests.routes import api_methods, site_routes

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the module's ~200 tests: building it was most of their time."""
    yield from built_once_for_the_module(build_world, django_db_blocker, tmp_path_factory)


A = {"customer_a"}
CUSTOMERS = {"customer_a", "customer_b"}
STAFF = {"officer", "privacy", "dpo", "auditor"}
WRITERS = {"officer", "privacy", "dpo"}
CASEWORKERS = {"privacy", "dpo"}
AUDIT = {"dpo", "auditor"}
CLIENT = {"client"}
CLIENTS = {"client", "client_narrow"}
NOBODY: set[str] = set()
PUBLIC = set(ROLES)
DPO = {"dpo"}


class Absent(frozenset):
    """Roles that pass the permission layer of a route whose record the world does not build: for
    them 404 ("no such record") is a fine answer; every other role is still refused as usual."""


# route → {method: (url, roles allowed)}. Objects by id belong to customer A.
API: dict[str, dict[str, tuple[str, set[str]]]] = {
    "api/v1/subjects/": {
        "GET": ("/api/v1/subjects/", CUSTOMERS | WRITERS | CLIENT),
        "POST": ("/api/v1/subjects/", WRITERS | CLIENT),
    },
    "api/v1/subjects/search/": {"POST": ("/api/v1/subjects/search/", WRITERS | CLIENT)},
    "api/v1/subjects/<uuid:pk>/": {
        "GET": ("/api/v1/subjects/{subject_a}/", A | WRITERS | CLIENT),
        "PATCH": ("/api/v1/subjects/{subject_a}/", WRITERS),
    },
    "api/v1/subjects/<uuid:pk>/national-id-shares/": {
        "POST": ("/api/v1/subjects/{subject_a}/national-id-shares/", DPO),
    },
    "api/v1/subjects/<uuid:pk>/customer-number/": {
        "POST": ("/api/v1/subjects/{subject_a}/customer-number/", DPO),
    },
    # The inspection's proof bundle: the DPO and the auditor, with a reason (HEADERS); not the customer.
    "api/v1/subjects/<uuid:pk>/proof-bundle/": {
        "GET": ("/api/v1/subjects/{subject_a}/proof-bundle/", AUDIT),
    },
    "api/v1/subjects/<uuid:pk>/verify-guardian/": {
        "POST": ("/api/v1/subjects/{subject_a}/verify-guardian/", WRITERS),
    },
    "api/v1/audit/": {"GET": ("/api/v1/audit/", AUDIT)},
    "api/v1/audit/verify/": {"GET": ("/api/v1/audit/verify/", AUDIT)},
    "api/v1/audit-samples/": {
        "GET": ("/api/v1/audit-samples/?population=requests&since=2026-01-01&until=2027-01-01", AUDIT)
    },
    "api/v1/webhook-endpoints/": {
        "GET": ("/api/v1/webhook-endpoints/", DPO),
        "POST": ("/api/v1/webhook-endpoints/", DPO),
    },
    "api/v1/webhook-endpoints/<int:pk>/": {
        "GET": ("/api/v1/webhook-endpoints/{absent_int}/", Absent(DPO)),
        "PATCH": ("/api/v1/webhook-endpoints/{absent_int}/", Absent(DPO)),
    },
    "api/v1/webhook-endpoints/<int:pk>/rotate-secret/": {
        "POST": ("/api/v1/webhook-endpoints/{absent_int}/rotate-secret/", Absent(DPO)),
    },
    "api/v1/webhook-endpoints/<int:pk>/test/": {
        "POST": ("/api/v1/webhook-endpoints/{absent_int}/test/", Absent(DPO)),
    },
    "api/v1/webhook-endpoints/<int:pk>/deliveries/": {
        "GET": ("/api/v1/webhook-endpoints/{absent_int}/deliveries/", Absent(DPO)),
    },
    "api/v1/webhook-endpoints/<int:pk>/deliveries/<uuid:message_id>/redeliver/": {
        "POST": ("/api/v1/webhook-endpoints/{absent_int}/deliveries/{absent}/redeliver/", Absent(DPO)),
    },
    "api/v1/purposes/": {
        "GET": ("/api/v1/purposes/", CUSTOMERS | STAFF | CLIENTS),
        "POST": ("/api/v1/purposes/", {"dpo"}),
    },
    "api/v1/purposes/<slug:code>/": {
        "GET": ("/api/v1/purposes/{purpose}/", CUSTOMERS | STAFF | CLIENTS),
        "PATCH": ("/api/v1/purposes/{purpose}/", {"dpo"}),
    },
    "api/v1/purposes/<slug:code>/notices/": {
        "GET": ("/api/v1/purposes/{purpose}/notices/", CUSTOMERS | STAFF | CLIENTS),
        "POST": ("/api/v1/purposes/{purpose}/notices/", {"dpo"}),
    },
    "api/v1/recipients/": {
        "GET": ("/api/v1/recipients/", STAFF),
        "POST": ("/api/v1/recipients/", {"dpo"}),
    },
    "api/v1/recipients/<int:pk>/end/": {"POST": ("/api/v1/recipients/{absent_int}/end/", Absent(DPO))},
    "api/v1/consents/": {
        "GET": ("/api/v1/consents/", CUSTOMERS | STAFF | CLIENTS),
        "POST": ("/api/v1/consents/", WRITERS | CLIENT),
    },
    "api/v1/consents/withdraw/": {"POST": ("/api/v1/consents/withdraw/", WRITERS | CLIENT)},
    "api/v1/consents/<uuid:pk>/": {"GET": ("/api/v1/consents/{consent_a}/", A | STAFF | CLIENTS)},
    "api/v1/consents/<uuid:pk>/withdraw/": {
        "POST": ("/api/v1/consents/{consent_a}/withdraw/", A | WRITERS | CLIENT)
    },
    # A consent recorded in error: the DPO and privacy officers (never its recorder: the world's is a system).
    "api/v1/consents/<uuid:pk>/void/": {"POST": ("/api/v1/consents/{consent_a}/void/", CASEWORKERS)},
    "api/v1/consents/<uuid:pk>/receipt/": {
        "GET": ("/api/v1/consents/{consent_a}/receipt/", A | STAFF | CLIENTS)
    },
    "api/v1/consent-check/": {
        "GET": ("/api/v1/consent-check/?subject={cif_a}&purpose={purpose}", STAFF | CLIENTS)
    },
    "api/v1/consent-check/bulk/": {"POST": ("/api/v1/consent-check/bulk/", STAFF | CLIENTS)},
    "api/v1/consent-check/changes/": {
        "GET": ("/api/v1/consent-check/changes/?purpose={purpose}&since=2026-01-01", STAFF | CLIENTS)
    },
    "api/v1/consent-feed/": {"GET": ("/api/v1/consent-feed/?purpose={purpose}", STAFF | CLIENTS)},
    "api/v1/consent-feed/applied/": {"POST": ("/api/v1/consent-feed/applied/", STAFF | CLIENTS)},
    "api/v1/jobs/<uuid:pk>/": {"GET": ("/api/v1/jobs/{absent}/", Absent(DPO))},
    "api/v1/jobs/<uuid:pk>/cancel/": {"POST": ("/api/v1/jobs/{absent}/cancel/", Absent(DPO))},
    "api/v1/consent-imports/": {
        "GET": ("/api/v1/consent-imports/", {"dpo"}),
        "POST": ("/api/v1/consent-imports/", {"dpo"}),
    },
    "api/v1/withdrawal-duties/": {"GET": ("/api/v1/withdrawal-duties/", STAFF | CLIENTS)},
    "api/v1/withdrawal-duties/<uuid:pk>/acknowledge/": {
        "POST": ("/api/v1/withdrawal-duties/{duty}/acknowledge/", CASEWORKERS | CLIENT)
    },
    "api/v1/requests/": {
        "GET": ("/api/v1/requests/", CUSTOMERS | STAFF | CLIENT),
        # The body names customer A: customer B may file requests, but not in A's name.
        "POST": ("/api/v1/requests/", A | WRITERS | CLIENT),
    },
    "api/v1/requests/<uuid:pk>/": {"GET": ("/api/v1/requests/{request_a}/", A | STAFF | CLIENT)},
    # The world's requests were taken in by the system and assigned to nobody: a front-line officer
    # reads them but works and downloads only their own or assigned ones (tests/dsr/test_officer_reach.py).
    **{
        f"api/v1/requests/<uuid:pk>/{action}/": {
            "POST": (f"/api/v1/requests/{{request_open_a}}/{action}/", CASEWORKERS)
        }
        for action in (
            "acknowledge",
            "verify-identity",
            "send-identity-code",
            "transition",
            "assign",
            "extend",
            "complete",
            "reject",
            "lift-restriction",
        )
    },
    # The second responsible person of a deletion holds the approval permission.
    "api/v1/requests/<uuid:pk>/approve/": {
        "POST": ("/api/v1/requests/{request_open_a}/approve/", CASEWORKERS)
    },
    "api/v1/requests/<uuid:pk>/cancel/": {
        "POST": ("/api/v1/requests/{request_open_a}/cancel/", A | CASEWORKERS)
    },
    # The customer answers the bank's question; staff resume a request with transition/ instead.
    "api/v1/requests/<uuid:pk>/reply/": {"POST": ("/api/v1/requests/{request_open_a}/reply/", A)},
    "api/v1/requests/<uuid:pk>/export/": {"GET": ("/api/v1/requests/{request_a}/export/", A | CASEWORKERS)},
    "api/v1/request-tasks/": {"GET": ("/api/v1/request-tasks/", STAFF | CLIENT)},
    "api/v1/request-tasks/<uuid:pk>/complete/": {
        "POST": ("/api/v1/request-tasks/{task}/complete/", CASEWORKERS | CLIENT)
    },
    "api/v1/reports/deadlines/": {"GET": ("/api/v1/reports/deadlines/", {"privacy", "dpo", "auditor"})},
    "api/v1/reports/consents/": {"GET": ("/api/v1/reports/consents/", {"privacy", "dpo", "auditor"})},
    # Regulator: breaches, impact-assessment dossiers, the record of processing, notice announcements.
    "api/v1/breaches/": {"GET": ("/api/v1/breaches/", AUDIT), "POST": ("/api/v1/breaches/", DPO)},
    "api/v1/breaches/<uuid:pk>/": {
        "GET": ("/api/v1/breaches/{absent}/", Absent(AUDIT)),
        "PATCH": ("/api/v1/breaches/{absent}/", Absent(DPO)),
    },
    "api/v1/breaches/<uuid:pk>/notifications/": {
        "POST": ("/api/v1/breaches/{absent}/notifications/", Absent(DPO))
    },
    "api/v1/breaches/<uuid:pk>/notifications/<int:phase>/": {
        "GET": ("/api/v1/breaches/{absent}/notifications/1/", Absent(AUDIT)),
        "PATCH": ("/api/v1/breaches/{absent}/notifications/1/", Absent(DPO)),
    },
    "api/v1/breaches/<uuid:pk>/decline-customer-notice/": {
        "POST": ("/api/v1/breaches/{absent}/decline-customer-notice/", Absent(DPO))
    },
    "api/v1/breaches/<uuid:pk>/notify-customers/": {
        "POST": ("/api/v1/breaches/{absent}/notify-customers/", Absent(DPO))
    },
    "api/v1/breaches/<uuid:pk>/close/": {"POST": ("/api/v1/breaches/{absent}/close/", Absent(DPO))},
    "api/v1/dossiers/": {"GET": ("/api/v1/dossiers/", AUDIT)},
    "api/v1/dossiers/sync/": {"POST": ("/api/v1/dossiers/sync/", DPO)},
    "api/v1/dossiers/<uuid:pk>/": {"GET": ("/api/v1/dossiers/{absent}/", Absent(AUDIT))},
    "api/v1/dossiers/<uuid:pk>/versions/": {"POST": ("/api/v1/dossiers/{absent}/versions/", Absent(DPO))},
    "api/v1/dossiers/<uuid:pk>/file/": {"POST": ("/api/v1/dossiers/{absent}/file/", Absent(DPO))},
    "api/v1/processing-record/": {"GET": ("/api/v1/processing-record/", AUDIT)},
    "api/v1/processing-activities/<slug:code>/": {
        "PUT": ("/api/v1/processing-activities/{purpose}/", Absent(DPO))
    },
    "api/v1/notice-announcements/": {
        "GET": ("/api/v1/notice-announcements/", AUDIT),
        "POST": ("/api/v1/notice-announcements/", DPO),
    },
    "api/v1/notice-announcements/<uuid:pk>/send/": {
        "POST": ("/api/v1/notice-announcements/{absent}/send/", Absent(DPO))
    },
    "api/v1/notice-announcements/<uuid:pk>/retry/": {
        "POST": ("/api/v1/notice-announcements/{absent}/retry/", Absent(DPO))
    },
    # Third-party access: the DPO keeps the registry; a customer sees and revokes their own; the bank's
    # API gateway (an integration client) claims and reports accesses and introspects tokens.
    "api/v1/third-parties/": {
        "GET": ("/api/v1/third-parties/", STAFF),
        "POST": ("/api/v1/third-parties/", DPO),
    },
    "api/v1/third-parties/<uuid:pk>/status/": {"POST": ("/api/v1/third-parties/{third_party}/status/", DPO)},
    "api/v1/third-parties/<uuid:pk>/rotate-secret/": {
        "POST": ("/api/v1/third-parties/{third_party}/rotate-secret/", DPO)
    },
    "api/v1/authorisations/": {"GET": ("/api/v1/authorisations/", CUSTOMERS | STAFF)},
    "api/v1/authorisations/<uuid:pk>/": {"GET": ("/api/v1/authorisations/{authorisation_a}/", A | STAFF)},
    "api/v1/authorisations/<uuid:pk>/revoke/": {
        "POST": ("/api/v1/authorisations/{authorisation_a}/revoke/", A | WRITERS)
    },
    "api/v1/authorisations/<uuid:pk>/receipt/": {
        "GET": ("/api/v1/authorisations/{authorisation_a}/receipt/", A | STAFF)
    },
    "api/v1/authorisations/<uuid:pk>/accesses/": {
        "GET": ("/api/v1/authorisations/{authorisation_a}/accesses/", A | STAFF),
        "POST": ("/api/v1/authorisations/{authorisation_a}/accesses/", CLIENT),
    },
    "api/v1/authorisations/<uuid:pk>/reads/": {
        "POST": ("/api/v1/authorisations/{authorisation_a}/reads/", CLIENT)
    },
    "oauth/introspect/": {"POST": ("/oauth/introspect/", CLIENT)},
    # The schema is public so integrators can read it; it names no personal data.
    "api/schema/": {"GET": ("/api/schema/", PUBLIC)},
}

# route → (method, url, roles allowed). Pages answer anonymous users with the login page.
PAGES: dict[str, tuple[str, str, set[str]]] = {
    # The front door sends everyone on (portal, self-service or login): see REDIRECTS.
    "": ("GET", "/", PUBLIC),
    "healthz": ("GET", "/healthz", PUBLIC),
    "healthz/": ("GET", "/healthz/", PUBLIC),
    "api/docs/": ("GET", "/api/docs/", PUBLIC),
    "i18n/setlang/": ("POST", "/i18n/setlang/", PUBLIC),
    # `/vi/...` leads everyone to the unprefixed page, which then asks for its own access.
    "^vi(?:/(?P<rest>.*))?$": ("GET", "/vi/portal/", PUBLIC),
    "accounts/login/": ("GET", "/accounts/login/", PUBLIC),
    "accounts/logout/": ("POST", "/accounts/logout/", PUBLIC),
    # A page's "Stay signed in" and typing in its forms: the signed-in session's idle clock restarts.
    "accounts/session/keep-alive/": ("POST", "/accounts/session/keep-alive/", STAFF | CUSTOMERS),
    # How long the session lasts, asked by a page before it warns; not counted as activity.
    "accounts/session/": ("GET", "/accounts/session/", STAFF | CUSTOMERS),
    # The second sign-in step (TOTP) is for staff between password and portal; others are sent on.
    "accounts/2fa/": ("GET", "/accounts/2fa/", STAFF),
    "accounts/2fa/setup/": ("GET", "/accounts/2fa/setup/", STAFF),
    "portal/sign-in-security/": ("GET", "/portal/sign-in-security/", {"dpo"}),
    "portal/sign-in-security/unlock/": ("POST", "/portal/sign-in-security/unlock/", {"dpo"}),
    "portal/sign-in-security/<int:user_id>/reset-2fa/": (
        "POST",
        "/portal/sign-in-security/{officer_id}/reset-2fa/",
        {"dpo"},
    ),
    "portal/": ("GET", "/portal/", STAFF),
    "portal/customers/": ("GET", "/portal/customers/", WRITERS),
    "portal/customers/new/": ("GET", "/portal/customers/new/", WRITERS),
    "portal/customers/<uuid:pk>/": ("GET", "/portal/customers/{subject_a}/", WRITERS),
    "portal/customers/<uuid:pk>/relationship-end/": (
        "POST",
        "/portal/customers/{subject_a}/relationship-end/",
        WRITERS,
    ),
    "portal/customers/<uuid:pk>/dispute-holds/": (
        "POST",
        "/portal/customers/{subject_a}/dispute-holds/",
        DPO,
    ),
    "portal/customers/<uuid:pk>/authority-disclosures/": (
        "POST",
        "/portal/customers/{subject_a}/authority-disclosures/",
        DPO,
    ),
    "portal/customers/<uuid:pk>/dispute-holds/<int:dispute_pk>/lift/": (
        "POST",
        "/portal/customers/{subject_a}/dispute-holds/{absent_int}/lift/",
        DPO,
    ),
    "portal/customers/<uuid:pk>/guardian-verification/": (
        "GET",
        "/portal/customers/{subject_a}/guardian-verification/",
        WRITERS,
    ),
    "portal/customers/<uuid:pk>/representatives/": (
        "GET",
        "/portal/customers/{subject_a}/representatives/",
        WRITERS,
    ),
    "portal/customers/<uuid:pk>/representatives/<uuid:representative_pk>/revoke/": (
        "POST",
        "/portal/customers/{subject_a}/representatives/{absent}/revoke/",
        WRITERS,
    ),
    "portal/customers/<uuid:pk>/proof-bundle/": ("GET", "/portal/customers/{subject_a}/proof-bundle/", AUDIT),
    "portal/audit/": ("GET", "/portal/audit/", AUDIT),
    "portal/audit/samples/": ("GET", "/portal/audit/samples/", AUDIT),
    "me/": ("GET", "/me/", CUSTOMERS),
    "me/language/": ("POST", "/me/language/", CUSTOMERS),
    "me/consents/": ("GET", "/me/consents/", CUSTOMERS),
    "me/authorisations/": ("GET", "/me/authorisations/", CUSTOMERS),
    "me/authorisations/<uuid:pk>/revoke/": ("GET", "/me/authorisations/{authorisation_a}/revoke/", A),
    "me/authorisations/<uuid:pk>/pause/": ("POST", "/me/authorisations/{authorisation_a}/pause/", A),
    "me/authorisations/<uuid:pk>/receipt/": ("GET", "/me/authorisations/{authorisation_a}/receipt/", A),
    "me/authorisations/<uuid:pk>/reads/": ("GET", "/me/authorisations/{authorisation_a}/reads/", A),
    "portal/third-parties/": ("GET", "/portal/third-parties/", STAFF),
    "portal/third-parties/new/": ("GET", "/portal/third-parties/new/", DPO),
    "portal/third-parties/<uuid:pk>/status/": ("POST", "/portal/third-parties/{third_party}/status/", DPO),
    "portal/third-parties/<uuid:pk>/secret/": ("GET", "/portal/third-parties/{third_party}/secret/", DPO),
    # Which third party read what: those who see the customer page, and the auditor (read-only).
    "portal/authorisations/<uuid:pk>/reads/": (
        "GET",
        "/portal/authorisations/{authorisation_a}/reads/",
        STAFF,
    ),
    "portal/authorisations/<uuid:pk>/revoke/": (
        "GET",
        "/portal/authorisations/{authorisation_a}/revoke/",
        WRITERS,
    ),
    # The consent screen is for customers only; the token endpoints authenticate the third party itself
    # (an empty request is a 400, never a 5xx).
    "oauth/authorize/": (
        "GET",
        "/oauth/authorize/?response_type=code&client_id={client_id}&redirect_uri=https%3A%2F%2Fmatrix.example.vn"
        "%2Fcb&scope=accounts%3Aread&state=m&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        "&code_challenge_method=S256",
        CUSTOMERS,
    ),
    "oauth/token/": ("POST", "/oauth/token/", PUBLIC),
    "oauth/revoke_token/": ("POST", "/oauth/revoke_token/", PUBLIC),
    "me/consents/<uuid:pk>/receipt/": ("GET", "/me/consents/{consent_a}/receipt/", A),
    # By purpose code, always on the logged-in customer's own consent (both hold one).
    "me/consents/<slug:code>/": ("POST", "/me/consents/{purpose}/", CUSTOMERS),
    "me/consents/<slug:code>/withdraw/": ("GET", "/me/consents/{purpose}/withdraw/", CUSTOMERS),
    # A purpose neither customer has agreed to now (agreed ones lead back to the consents page).
    "me/consents/<slug:code>/confirm/": ("GET", "/me/consents/matrix-sharing/confirm/", CUSTOMERS),
    "portal/customers/<uuid:pk>/consents/new/": (
        "GET",
        "/portal/customers/{subject_a}/consents/new/",
        WRITERS,
    ),
    "portal/customers/<uuid:pk>/consents/recorded/": (
        "GET",
        "/portal/customers/{subject_a}/consents/recorded/",
        STAFF,
    ),
    "portal/customers/<uuid:pk>/consents/as-of/": (
        "GET",
        "/portal/customers/{subject_a}/consents/as-of/",
        STAFF,
    ),
    "portal/consents/<uuid:pk>/withdraw/": ("GET", "/portal/consents/{consent_a}/withdraw/", WRITERS),
    "portal/consents/<uuid:pk>/void/": ("GET", "/portal/consents/{consent_a}/void/", CASEWORKERS),
    "portal/consents/<uuid:pk>/receipt/": ("GET", "/portal/consents/{consent_a}/receipt/", STAFF),
    "portal/consents/import/": ("GET", "/portal/consents/import/", {"dpo"}),
    "portal/consents/import/<uuid:job_id>/": ("GET", "/portal/consents/import/{absent}/", Absent(DPO)),
    "portal/consents/import/<uuid:job_id>/progress/": (
        "GET", "/portal/consents/import/{absent}/progress/", Absent(DPO)
    ),
    "portal/consents/import/<uuid:job_id>/cancel/": (
        "POST", "/portal/consents/import/{absent}/cancel/", Absent(DPO)
    ),
    "portal/purposes/": ("GET", "/portal/purposes/", STAFF),
    "portal/purposes/new/": ("GET", "/portal/purposes/new/", {"dpo"}),
    "portal/purposes/<slug:code>/edit/": ("GET", "/portal/purposes/{purpose}/edit/", {"dpo"}),
    "portal/purposes/<slug:code>/notices/new/": ("GET", "/portal/purposes/{purpose}/notices/new/", {"dpo"}),
    "portal/purposes/<slug:code>/ask-again/": ("GET", "/portal/purposes/{purpose}/ask-again/", STAFF),
    "portal/purposes/<slug:code>/versions/": ("GET", "/portal/purposes/{purpose}/versions/", STAFF),
    "portal/recipients/": ("GET", "/portal/recipients/", STAFF),
    "portal/recipients/<int:pk>/english-name/": (
        "GET", "/portal/recipients/{absent_int}/english-name/", Absent(DPO)
    ),
    "portal/recipients/<int:pk>/reminders/": (
        "GET", "/portal/recipients/{absent_int}/reminders/", Absent(DPO)
    ),
    "portal/recipients/<int:pk>/end/": ("GET", "/portal/recipients/{absent_int}/end/", Absent(DPO)),
    "portal/withdrawal-duties/": ("GET", "/portal/withdrawal-duties/", STAFF),
    "portal/withdrawal-duties/<uuid:pk>/acknowledge/": (
        "POST",
        "/portal/withdrawal-duties/{duty}/acknowledge/",
        CASEWORKERS,
    ),
    "portal/withdrawal-duties/<uuid:pk>/late-reason/": (
        "POST",
        "/portal/withdrawal-duties/{duty}/late-reason/",
        CASEWORKERS,
    ),
    "portal/requests/": ("GET", "/portal/requests/", STAFF),
    "portal/requests/new/": ("GET", "/portal/requests/new/", WRITERS),
    "portal/requests/policy/": ("GET", "/portal/requests/policy/", AUDIT),
    "portal/requests/policy/<int:pk>/": ("GET", "/portal/requests/policy/{policy}/", {"dpo"}),
    "portal/requests/calendar/": ("POST", "/portal/requests/calendar/", {"dpo"}),
    "portal/requests/calendar/<int:pk>/remove/": (
        "POST",
        "/portal/requests/calendar/{calendar}/remove/",
        {"dpo"},
    ),
    "portal/requests/systems/": ("GET", "/portal/requests/systems/", STAFF),
    "portal/requests/systems/new/": ("GET", "/portal/requests/systems/new/", {"dpo"}),
    "portal/requests/systems/<int:pk>/": ("GET", "/portal/requests/systems/{system}/", {"dpo"}),
    "portal/requests/systems/categories/": ("POST", "/portal/requests/systems/categories/", {"dpo"}),
    "portal/requests/systems/categories/<int:pk>/": (
        "GET",
        "/portal/requests/systems/categories/{category}/",
        {"dpo"},
    ),
    "portal/requests/systems/retention-rules/": (
        "POST",
        "/portal/requests/systems/retention-rules/",
        {"dpo"},
    ),
    "portal/requests/systems/retention-rules/<int:pk>/": (
        "GET",
        "/portal/requests/systems/retention-rules/{retention_rule}/",
        {"dpo"},
    ),
    "portal/requests/<uuid:pk>/": ("GET", "/portal/requests/{request_a}/", STAFF),
    "portal/requests/<uuid:pk>/receipt/": ("GET", "/portal/requests/{request_a}/receipt/", STAFF),
    "portal/requests/<uuid:pk>/do/<slug:action>/": (
        "POST",
        "/portal/requests/{request_open_a}/do/acknowledge/",
        CASEWORKERS,
    ),
    "portal/requests/<uuid:pk>/tasks/<uuid:task_id>/done/": (
        "POST",
        "/portal/requests/{request_open_a}/tasks/{task}/done/",
        CASEWORKERS,
    ),
    "portal/requests/<uuid:pk>/export.<str:fmt>": (
        "GET",
        "/portal/requests/{request_a}/export.json",
        CASEWORKERS,
    ),
    "portal/reports/deadlines/": ("GET", "/portal/reports/deadlines/", {"privacy", "dpo", "auditor"}),
    "portal/requests/legal-holds/": ("GET", "/portal/requests/legal-holds/", {"privacy", "dpo", "auditor"}),
    "portal/requests/former-customers/": (
        "GET", "/portal/requests/former-customers/", {"privacy", "dpo", "auditor"}
    ),
    "portal/reports/consents/": ("GET", "/portal/reports/consents/", {"privacy", "dpo", "auditor"}),
    "portal/reports/deadlines/<int:year>-<month:month>/": (
        "GET",
        "/portal/reports/deadlines/2026-03/",
        {"privacy", "dpo", "auditor"},
    ),
    "portal/reports/deadlines/<int:year>/": (
        "GET",
        "/portal/reports/deadlines/2026/",
        {"privacy", "dpo", "auditor"},
    ),
    "portal/outbox/parked/": ("GET", "/portal/outbox/parked/", {"dpo"}),
    "portal/outbox/parked/<uuid:pk>/retry/": (
        "POST",
        "/portal/outbox/parked/00000000-0000-0000-0000-000000000000/retry/",
        {"dpo"},
    ),
    "portal/schedules/": ("GET", "/portal/schedules/", {"dpo"}),
    "portal/users/": ("GET", "/portal/users/", DPO),
    "portal/users/<int:pk>/role/": ("POST", "/portal/users/{officer_id}/role/", DPO),
    "portal/tokens/": ("GET", "/portal/tokens/", DPO),
    # GET is the form; tests/integrations/test_token_auditor.py tests the POST that issues.
    "portal/tokens/auditor/": ("GET", "/portal/tokens/auditor/", DPO),
    "portal/webhooks/": ("GET", "/portal/webhooks/", DPO),
    "portal/webhooks/<int:pk>/": ("GET", "/portal/webhooks/{absent_int}/", Absent(DPO)),
    "portal/webhooks/<int:pk>/rotate/": ("POST", "/portal/webhooks/{absent_int}/rotate/", Absent(DPO)),
    "portal/webhooks/<int:pk>/test/": ("POST", "/portal/webhooks/{absent_int}/test/", Absent(DPO)),
    "portal/webhooks/<int:pk>/deliveries/<uuid:message_id>/redeliver/": (
        "POST",
        "/portal/webhooks/{absent_int}/deliveries/{absent}/redeliver/",
        Absent(DPO),
    ),
    # GET is the confirmation step; tests/integrations/test_views_tokens.py tests the POST that revokes.
    "portal/tokens/<int:pk>/revoke/": ("GET", "/portal/tokens/{token}/revoke/", DPO),
    "portal/breaches/": ("GET", "/portal/breaches/", AUDIT),
    "portal/breaches/new/": ("GET", "/portal/breaches/new/", DPO),
    "portal/breaches/<uuid:pk>/": ("GET", "/portal/breaches/{absent}/", Absent(AUDIT)),
    "portal/breaches/<uuid:pk>/edit/": ("GET", "/portal/breaches/{absent}/edit/", Absent(DPO)),
    "portal/breaches/<uuid:pk>/notify/": ("POST", "/portal/breaches/{absent}/notify/", Absent(DPO)),
    "portal/breaches/<uuid:pk>/customers/": ("POST", "/portal/breaches/{absent}/customers/", Absent(DPO)),
    "portal/breaches/<uuid:pk>/customers/job/": (
        "GET", "/portal/breaches/{absent}/customers/job/", Absent(DPO)
    ),
    "portal/breaches/<uuid:pk>/customers/job/progress/": (
        "GET", "/portal/breaches/{absent}/customers/job/progress/", Absent(DPO)
    ),
    "portal/breaches/<uuid:pk>/customers/job/cancel/": (
        "POST", "/portal/breaches/{absent}/customers/job/cancel/", Absent(DPO)
    ),
    "portal/breaches/<uuid:pk>/customers/decline/": (
        "POST",
        "/portal/breaches/{absent}/customers/decline/",
        Absent(DPO),
    ),
    "portal/breaches/<uuid:pk>/close/": ("POST", "/portal/breaches/{absent}/close/", Absent(DPO)),
    "portal/breaches/<uuid:pk>/phases/<int:phase>/reference/": (
        "POST", "/portal/breaches/{absent}/phases/1/reference/", Absent(DPO)
    ),
    "portal/breaches/<uuid:pk>/phases/<int:phase>/": (
        "GET",
        "/portal/breaches/{absent}/phases/1/",
        Absent(AUDIT),
    ),
    "portal/dossiers/": ("GET", "/portal/dossiers/", AUDIT),
    "portal/dossiers/sync/": ("POST", "/portal/dossiers/sync/", DPO),
    "portal/dossiers/<uuid:pk>/": ("GET", "/portal/dossiers/{absent}/", Absent(AUDIT)),
    "portal/dossiers/<uuid:pk>/edit/": ("POST", "/portal/dossiers/{absent}/edit/", Absent(DPO)),
    "portal/dossiers/<uuid:pk>/file/": ("POST", "/portal/dossiers/{absent}/file/", Absent(DPO)),
    "portal/processing-record/": ("GET", "/portal/processing-record/", AUDIT),
    "portal/processing-record/review/": ("POST", "/portal/processing-record/review/", DPO),
    "portal/recipients/<int:pk>/transfers/": (
        "GET", "/portal/recipients/{absent_int}/transfers/", Absent(AUDIT)
    ),
    "portal/processing-record/<slug:code>/edit/": (
        "GET",
        "/portal/processing-record/{purpose}/edit/",
        Absent(DPO),
    ),
    "portal/notice-announcements/": ("GET", "/portal/notice-announcements/", AUDIT),
    "portal/notice-announcements/notices/<int:pk>/schedule/": (
        "POST",
        "/portal/notice-announcements/notices/{absent_int}/schedule/",
        Absent(DPO),
    ),
    "portal/notice-announcements/<uuid:pk>/send/": (
        "POST",
        "/portal/notice-announcements/{absent}/send/",
        Absent(DPO),
    ),
    "portal/notice-announcements/<uuid:pk>/retry/": (
        "POST",
        "/portal/notice-announcements/{absent}/retry/",
        Absent(DPO),
    ),
    "me/notice-changes/": ("GET", "/me/notice-changes/", CUSTOMERS),
    "me/notifications/": ("GET", "/me/notifications/", CUSTOMERS),
    "me/profile/": ("GET", "/me/profile/", CUSTOMERS),
    "me/profile/confirm/<uuid:pk>/": ("POST", "/me/profile/confirm/{absent}/", Absent(CUSTOMERS)),
    "me/privacy/": ("GET", "/me/privacy/", CUSTOMERS),
    "me/security/": ("GET", "/me/security/", CUSTOMERS),
    "privacy/": ("GET", "/privacy/", PUBLIC),
    "portal/customer-information/": ("GET", "/portal/customer-information/", DPO),
    "portal/customer-information/<slug:kind>/": ("GET", "/portal/customer-information/security/", DPO),
    "me/notifications/read/": ("POST", "/me/notifications/read/", CUSTOMERS),
    "me/notifications/<uuid:pk>/read/": ("POST", "/me/notifications/{absent}/read/", Absent(CUSTOMERS)),
    "me/notifications/channels/": ("POST", "/me/notifications/channels/", CUSTOMERS),
    "me/requests/": ("GET", "/me/requests/", CUSTOMERS),
    "me/requests/new/": ("GET", "/me/requests/new/", CUSTOMERS),
    "me/requests/<uuid:pk>/": ("GET", "/me/requests/{request_a}/", A),
    "me/requests/<uuid:pk>/cancel/": ("POST", "/me/requests/{request_open_a}/cancel/", A),
    "me/requests/<uuid:pk>/reply/": ("POST", "/me/requests/{request_open_a}/reply/", A),
    "me/requests/<uuid:pk>/identity-code/": ("POST", "/me/requests/{request_open_a}/identity-code/", A),
    "me/requests/<uuid:pk>/identity/": ("POST", "/me/requests/{request_open_a}/identity/", A),
    "me/requests/<uuid:pk>/export.<str:fmt>": ("GET", "/me/requests/{request_a}/export.json", A),
}

# A small, valid-looking body per write so allowed roles reach the service (a 400 or 409 from the
# service still proves the permission layer let them through).
BODIES = {
    "/api/v1/subjects/": {"external_ref": "CIFMATRIX9", "full_name": "Ma Trận"},
    "/api/v1/subjects/search/": {"phone": "0912000111"},
    "/api/v1/consents/": {
        "subject": "{cif_a}",
        "purpose": "{purpose}",
        "notice_version": "v1",
        "channel": "api",
    },
    "/api/v1/consents/withdraw/": {"subject": "{cif_a}", "purposes": ["{purpose}"], "channel": "api"},
    "/api/v1/consent-check/bulk/": {"subject": "{cif_a}", "purposes": ["{purpose}"]},
    "/api/v1/requests/": {"type": "access", "channel": "mobile_app", "subject": "{cif_a}"},
    "/api/v1/consents/{consent_a}/withdraw/": {"channel": "mobile_app", "reason": ""},
    "/api/v1/subjects/{subject_a}/verify-guardian/": {"evidence": "birth certificate scan 1"},
    "/api/v1/subjects/{subject_a}/national-id-shares/": {
        "external_ref": "CIF-SHARED-1", "reason": "core banking twin",
    },
    "/api/v1/subjects/{subject_a}/customer-number/": {
        "external_ref": "CIF-RENUMBERED-1", "kind": "renumbered", "reason": "core banking migration",
    },
}
# Headers a call needs to be answered at all: the reason staff give for taking a proof bundle.
HEADERS = {
    "/api/v1/subjects/{subject_a}/proof-bundle/": {"HTTP_X_ACCESS_REASON": "access matrix walk"},
}
# Routes that answer everyone with a redirect or a page of their own, whoever asks.
REDIRECTS = {
    "",
    "^vi(?:/(?P<rest>.*))?$",
    "accounts/logout/",
    "i18n/setlang/",
    "accounts/login/",
    "accounts/2fa/",
    "accounts/2fa/setup/",
}


def test_every_route_is_in_the_matrix():
    missing = []
    for route, callback in site_routes():
        if route.startswith("api/v1/"):
            expected = API.get(route)
            if expected is None:
                missing.append(route)
                continue
            for method in sorted(api_methods(callback) - set(expected)):
                missing.append(f"{method} {route}")
        elif route not in PAGES and route not in API:
            missing.append(route)
    assert not missing, (
        "Routes with no access-matrix entry; add them to API or PAGES in "
        f"tests/reliability/test_access_matrix_all.py, saying which roles may reach them: {missing}"
    )


def test_the_matrix_names_no_route_that_is_gone():
    served = {route for route, _ in site_routes()}
    assert not (set(API) | set(PAGES)) - served


def _body(world, url):
    body = BODIES.get(url.split("?")[0], {})
    return {
        key: ([world.fill(v) for v in value] if isinstance(value, list) else world.fill(value))
        for key, value in body.items()
    }


def _judge(role, allowed, method, response, *, page: bool) -> str | None:
    code = response.status_code
    if role in allowed:
        if code == 404 and isinstance(allowed, Absent):
            return None
        if code >= 500 or code in (401, 403, 404):
            return f"{role}: expected to reach it, got {code}"
        if method == "GET" and code != 200:
            return f"{role}: expected 200, got {code}"
        if page and code == 302 and "/accounts/login/" in response.get("Location", ""):
            return f"{role}: sent to the login page"
        return None
    # An integration account's browser session counts for nothing: its pages send it to sign in.
    if role == "anonymous" or (page and role in CLIENTS):
        if page:
            ok = code == 302 and "/accounts/login/" in response.get("Location", "")
            return None if ok else f"{role}: expected a redirect to the login page, got {code}"
        return None if code == 401 else f"anonymous: expected 401, got {code}"
    if code not in (403, 404):
        return f"{role}: expected 403/404, got {code}"
    if not page and "detail" not in response.json():
        return f"{role}: refusal without a detail message"
    return None


@pytest.mark.parametrize("route", sorted(API))
def test_api_access(world, route):
    problems = []
    for method, (url, allowed) in API[route].items():
        for role in ROLES:
            client = world.api(role)
            target = world.fill(url)
            # A write's body only: on a GET it would be query parameters, which a list refuses.
            body = None if method == "GET" else _body(world, url) or None
            response = getattr(client, method.lower())(target, body, format="json", **HEADERS.get(url, {}))
            problem = _judge(role, allowed, method, response, page=False)
            if problem:
                problems.append(f"{method} {route}: {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", sorted(PAGES))
def test_page_access(world, client, route):
    method, url, allowed = PAGES[route]
    problems = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        response = getattr(client, method.lower())(world.fill(url))
        if route in REDIRECTS and response.status_code in (200, 302):
            continue
        problem = _judge(role, allowed, method, response, page=True)
        if problem:
            problems.append(f"{method} {route}: {problem}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------- IDOR through filters
LISTS = {
    "/api/v1/subjects/": ("external_ref", "cif_a", "id", "subject_a"),
    "/api/v1/consents/": ("subject", "cif_a", "id", "consent_a"),
    "/api/v1/requests/": ("subject", "cif_a", "id", "request_a"),
    "/api/v1/authorisations/": ("subject", "cif_a", "id", "authorisation_a"),
}


@pytest.mark.parametrize("url", sorted(LISTS))
def test_customer_b_filtering_by_customer_a_finds_nothing(world, url):
    param, ref, key, own_id = LISTS[url]
    client_b = world.api("customer_b")

    filtered = client_b.get(f"{url}?{param}={world.ids[ref]}")
    unfiltered = client_b.get(url)

    assert filtered.status_code == 200 and filtered.json()["results"] == []
    seen = {str(row[key]) for row in unfiltered.json()["results"]}
    assert str(world.ids[own_id]) not in seen
    # Customer A does see their own through the same filter: the empty answer above is the guard.
    mine = world.api("customer_a").get(f"{url}?{param}={world.ids[ref]}").json()["results"]
    assert str(world.ids[own_id]) in {str(row[key]) for row in mine}


def test_customer_a_cannot_reach_customer_b_records_by_id(world):
    client_a = world.api("customer_a")
    for url in (
        "/api/v1/subjects/{subject_b}/",
        "/api/v1/consents/{consent_b}/",
        "/api/v1/consents/{consent_b}/receipt/",
        "/api/v1/requests/{request_b}/",
        "/api/v1/requests/{request_b}/export/",
    ):
        assert client_a.get(world.fill(url)).status_code == 404, url
    for url, body in (
        ("/api/v1/consents/{consent_b}/withdraw/", {"channel": "mobile_app"}),
        ("/api/v1/requests/{request_b}/cancel/", {}),
        ("/api/v1/requests/{request_b}/reply/", {"text": "not mine"}),
    ):
        assert client_a.post(world.fill(url), body, format="json").status_code == 404, url


def test_customer_b_cannot_act_on_customer_a_through_pages(world, client):
    client.force_login(world.users["customer_b"])
    for url in (
        "/me/consents/{consent_a}/receipt/",
        "/me/requests/{request_a}/",
        "/me/requests/{request_a}/export.json",
    ):
        assert client.get(world.fill(url)).status_code in (403, 404), url
    assert client.post(world.fill("/me/requests/{request_open_a}/cancel/")).status_code in (403, 404)
    reply = client.post(world.fill("/me/requests/{request_open_a}/reply/"), {"text": "not mine"})
    assert reply.status_code in (403, 404)
    for url in ("/me/requests/{request_open_a}/identity-code/", "/me/requests/{request_open_a}/identity/"):
        assert client.post(world.fill(url), {"code": "123456"}).status_code in (403, 404), url
    assert DataSubjectRequest.objects.get(pk=world.ids["request_open_a"]).status != "cancelled"
