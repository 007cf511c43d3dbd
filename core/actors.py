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


def actor_display(kind: str, label: str, user=None, *, viewer=None) -> str:
    """Who did something, in words a person reads: "you", the staff member's name, "the bank's system"
    (never "customer#5" or a job name such as "seed_demo")."""
    if kind == ActorKind.CUSTOMER:
        if viewer is not None and user is not None and user.pk == getattr(viewer, "pk", None):
            return str(_("you"))
        return str(_("the customer"))
    if kind == ActorKind.STAFF:
        name = (user.get_full_name() or user.get_username()) if user is not None else label
        return str(_("bank staff (%(name)s)") % {"name": name})
    if kind == ActorKind.CLIENT:
        return str(_("the bank's application (%(name)s)") % {"name": label})
    return str(_("the bank's system, automatically"))
