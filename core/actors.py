"""Who acts: every service takes `actor=` so the audit trail can say who did what.

An actor is a staff user, a customer (a user linked to a data subject), an integration client
(a user whose API token carries scopes) or the system itself (Celery jobs, imports).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Role, user_role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class ActorKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    CUSTOMER = "customer", _("Customer")
    CLIENT = "client", _("Integration client")
    SYSTEM = "system", _("System")


@dataclass(frozen=True)
class Actor:
    kind: str
    user_id: int | None = None
    # A label that is not personal data: a staff username, a client name, "customer#<id>", a job name.
    label: str = ""

    @classmethod
    def system(cls, job: str = "system") -> Actor:
        return cls(kind=ActorKind.SYSTEM, label=job)

    @property
    def is_staff(self) -> bool:
        return self.kind == ActorKind.STAFF

    @property
    def is_customer(self) -> bool:
        return self.kind == ActorKind.CUSTOMER

    @property
    def is_client(self) -> bool:
        return self.kind == ActorKind.CLIENT


def actor_for_user(user: AbstractBaseUser | AnonymousUser) -> Actor:
    """The actor behind an authenticated user, read from the role the user holds."""

    role = user_role(user)
    if role == Role.CUSTOMER:
        return Actor(kind=ActorKind.CUSTOMER, user_id=user.pk, label=f"customer#{user.pk}")
    if role == Role.CLIENT:
        return Actor(kind=ActorKind.CLIENT, user_id=user.pk, label=user.get_username())
    return Actor(kind=ActorKind.STAFF, user_id=user.pk, label=user.get_username())
