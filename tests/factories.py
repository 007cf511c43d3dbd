"""Shared factories: users in each role, data subjects (through the real service), API clients."""
from __future__ import annotations

import itertools
from datetime import date

import factory
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from core.actors import Actor
from core.roles import Role
from integrations.models import WebhookEndpoint
from integrations.services import token_issue
from subjects import services
from subjects.models import DataSubject, Representative
from subjects.representatives import representative_record

_refs = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.set([Group.objects.get(name=Role(extracted).value)])
        self.save()


def make_subject(**fields):
    """A data subject created through `subject_create`, so it is valid, encrypted and audited."""
    n = next(_refs)
    defaults = {
        "external_ref": f"CIF{n:07d}",
        "full_name": f"Nguyễn Văn Thử {n}",
        "national_id": f"{n:012d}",
        "date_of_birth": date(1980, 1, 1),
        "phone": f"09{n:08d}",
        "email": f"khach{n}@example.vn",
    }
    defaults.update(fields)
    return services.subject_create(actor=Actor.system("tests"), **defaults)


def subjects_in_bulk(count: int) -> list[DataSubject]:
    """`count` customers written straight to the table, no service and no audit: the many rows a test of
    an index needs around the few it looks at."""
    return DataSubject.objects.bulk_create(
        DataSubject(external_ref=f"CIF{n:07d}", full_name="Khách Hàng Thử")
        for n in itertools.islice(_refs, count)
    )


def make_customer(subject=None, **user_fields):
    """A customer login linked to a subject (a new one unless given)."""
    subject = subject or make_subject()
    user = UserFactory(**user_fields)
    services.customer_account_link(actor=Actor.system("tests"), user=user, subject=subject)
    return user


def make_token(user, scopes=None) -> str:
    _token, key = token_issue(actor=Actor.system("tests"), user=user, scopes=scopes)
    return key


# Two-factor sign-in for staff (STAFF_2FA_REQUIRED is on in tests, as in production).
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, hex


def make_webhook(client, *, events=(), name="hook") -> WebhookEndpoint:
    """A webhook endpoint of integration client `client` for the topics in `events` (none: every topic)."""
    return WebhookEndpoint.objects.create(
        client=client, name=name, url="https://receiver.example/hook", secret="s3cret", events=list(events)
    )


def make_totp_device(user):
    """The user's confirmed authenticator, with a known secret so tests can compute codes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test authenticator", key=TEST_TOTP_KEY,
                                               confirmed=True)


def totp_code(device) -> str:
    """The code the authenticator shows now; forgets the last code used so a test may sign in twice."""
    from django_otp.oath import TOTP

    device.last_t = -1
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save(update_fields=["last_t", "throttling_failure_count", "throttling_failure_timestamp"])
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def mark_session_otp_verified(client, user) -> None:
    """What passing the code step leaves in the session, for a client already logged in."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = make_totp_device(user).persistent_id
    session.save()


def user_fixture(username: str, role: Role, doc: str | None = None):
    """A pytest fixture (named by the attribute it is assigned to) giving a user of `role`."""

    def user(db):
        return UserFactory(username=username, role=role)

    user.__doc__ = doc
    return pytest.fixture(user)


def customer_fixture(username: str):
    """A pytest fixture (named by the attribute it is assigned to) giving a customer login."""

    def customer(db):
        return make_customer(username=username)

    return pytest.fixture(customer)


def signed_in(user) -> Client:
    """A test client of its own, signed in as `user` (a test may hold several side by side)."""
    client = Client()
    client.force_login(user)
    return client

def status_moves(obj) -> list[tuple]:
    """The history of a machine's object (a `core.states.StatusChange` subclass): (from, to, at, by)."""
    return list(obj.status_changes.values_list("from_status", "to_status", "at", "actor_label"))


def make_representative(subject, **changes) -> Representative:
    """A son acting for his mother on a notarised power of attorney, in force from 1 January 2026 with no
    end, for consents (`scope`), recorded by the platform through the real service."""
    fields = {
        "full_name": "Nguyễn Văn Nam", "id_number": "001090000123", "relationship": "Son",
        "authority": "power_of_attorney", "document_reference": "POA 12/2026, Notary Office No. 3",
        "document_date": date(2026, 1, 1), "scope": "consents", "valid_from": date(2026, 1, 1),
        "valid_until": None,
    }
    return representative_record(actor=Actor.system(), subject_id=subject.pk, **{**fields, **changes})
