"""A small world for the access matrix: two customers with records of their own, staff of each role,
an integration client with every scope and one with a narrow scope.

Customer A owns every record the matrix names by id; customer B is the neighbour who must not reach
them (no IDOR). Records are made through the real services so they are what production holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rest_framework.test import APIClient

from authorisations import services as authorisation_services
from consents import services as consent_services
from core.roles import Role
from deadlines.models import CalendarDay, DeadlinePolicy
from dsr import services as dsr_services
from dsr.models import DataCategory, RetentionRule
from integrations.services import token_issue
from tests.authorisations.factories import register
from tests.consents.factories import SYSTEM, grant, make_purpose, make_recipient
from tests.dsr.factories import STAFF, make_inventory, make_request, verified_request
from tests.factories import UserFactory, make_customer, make_token

ROLES = (
    "anonymous",
    "customer_a",
    "customer_b",
    "officer",
    "privacy",
    "dpo",
    "auditor",
    "client",
    "client_narrow",
)
# The narrow client may only ask the consent check (a marketing platform's typical token).
NARROW_SCOPES = ["consents:read"]


@dataclass
class World:
    users: dict
    ids: dict = field(default_factory=dict)
    refs: dict = field(default_factory=dict)

    def fill(self, pattern: str) -> str:
        return pattern.format(**self.ids)

    def api(self, role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            scopes = NARROW_SCOPES if role == "client_narrow" else None
            client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(self.users[role], scopes)}")
        return client


def register_third_party():
    return register(redirect_uris=["https://matrix.example.vn/cb"], scopes=["accounts:read"]).third_party


def build_world() -> World:
    customer_a = make_customer(username="matrix_a")
    customer_b = make_customer(username="matrix_b")
    users = {
        "customer_a": customer_a,
        "customer_b": customer_b,
        "officer": UserFactory(username="matrix_officer", role=Role.OFFICER),
        "privacy": UserFactory(username="matrix_privacy", role=Role.PRIVACY),
        "dpo": UserFactory(username="matrix_dpo", role=Role.DPO),
        "auditor": UserFactory(username="matrix_auditor", role=Role.AUDITOR),
        "client": UserFactory(username="matrix_client", role=Role.CLIENT),
        "client_narrow": UserFactory(username="matrix_narrow", role=Role.CLIENT),
    }
    subject_a = customer_a.customer_account.subject
    subject_b = customer_b.customer_account.subject

    marketing = make_purpose("matrix-marketing")
    recipient = make_recipient("Matrix partner", client=users["client"], url="http://127.0.0.1:9/hook")
    sharing = make_purpose("matrix-sharing", category="sharing", recipients=[recipient])
    consent_a = grant(subject_a, marketing)
    consent_b = grant(subject_b, marketing)
    shared = grant(subject_a, sharing)
    consent_services.consent_withdraw(actor=SYSTEM, consent_id=shared.pk, channel="branch", reason="")
    duty = shared.duties.get()

    # A completed copy request has an export to download; made before the inventory so it has no tasks.
    done = verified_request(subject_a, type="copy")
    dsr_services.request_complete(actor=STAFF, request_id=done.pk)
    request_b = make_request(subject_b, type="access")
    systems = make_inventory(corebank_client=users["client"])
    working = verified_request(subject_a, type="access")
    task = working.tasks.get(system=systems["core_banking"])
    officer_token, _key = token_issue(actor=SYSTEM, user=users["officer"], name="matrix script")
    third_party = register_third_party()
    authorisation_a = authorisation_services.authorisation_grant(
        actor=SYSTEM, user=customer_a, subject=subject_a, third_party=third_party,
        scopes=["accounts:read"], duration_days=30,
    )

    world = World(users=users)
    world.ids = {
        "subject_a": subject_a.pk,
        "subject_b": subject_b.pk,
        "cif_a": subject_a.external_ref,
        "cif_b": subject_b.external_ref,
        "purpose": marketing.code,
        "consent_a": consent_a.pk,
        "consent_b": consent_b.pk,
        "request_a": done.pk,
        "request_open_a": working.pk,
        "request_b": request_b.pk,
        "task": task.pk,
        "duty": duty.pk,
        "policy": DeadlinePolicy.objects.order_by("pk").values_list("pk", flat=True).first(),
        "calendar": CalendarDay.objects.order_by("pk").values_list("pk", flat=True).first(),
        "system": systems["marketing"].pk,
        "category": DataCategory.objects.get(code="contact").pk,
        "retention_rule": RetentionRule.objects.order_by("pk").values_list("pk", flat=True).first(),
        "officer_id": users["officer"].pk,
        "token": officer_token.pk,
        "third_party": third_party.pk,
        "client_id": third_party.application.client_id,
        "authorisation_a": authorisation_a.pk,
        # For routes whose records the world does not build (see `Absent` in the matrix).
        "absent": "00000000-0000-4000-8000-000000000000",
        "absent_int": 999999,
    }
    return world
