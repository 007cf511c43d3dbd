"""What the API fuzzing needs, shared by the bounded run in the suite and `bench/fuzz_api.py`:
a token per role, data the generated requests can find, and the checks that must hold."""
from __future__ import annotations

from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from core.roles import Role
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import make_request
from tests.factories import UserFactory, make_customer, make_subject, make_token

# No 5xx, and every documented response matches its schema (body and content type).
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def fuzz_world() -> dict[str, dict[str, str]]:
    """Headers per caller: anonymous, each customer, each staff role, the client with and without scopes."""
    subject = make_subject(external_ref="CIF0999001", national_id="000999000001")
    customer_a = make_customer(subject=subject, username="fuzz_customer_a")
    customer_b = make_customer(
        subject=make_subject(external_ref="CIF0999002", national_id="000999000002"),
        username="fuzz_customer_b",
    )
    purpose = make_purpose("marketing")
    grant(subject, purpose)
    make_request(subject)
    users = {
        "officer": UserFactory(username="fuzz_officer", role=Role.OFFICER),
        "privacy_officer": UserFactory(username="fuzz_privacy", role=Role.PRIVACY),
        "dpo": UserFactory(username="fuzz_dpo", role=Role.DPO),
        "auditor": UserFactory(username="fuzz_auditor", role=Role.AUDITOR),
        "customer_a": customer_a,
        "customer_b": customer_b,
    }
    client = UserFactory(username="fuzz_corebank", role=Role.CLIENT)
    headers = {"anonymous": {}}
    headers.update({name: {"Authorization": f"Token {make_token(user)}"} for name, user in users.items()})
    headers["client"] = {"Authorization": f"Token {make_token(client)}"}
    headers["client_read_only"] = {"Authorization": f"Token {make_token(client, ['consents:read'])}"}
    return headers
