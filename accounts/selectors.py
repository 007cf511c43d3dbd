"""Reads on sign-in accounts."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django_otp.plugins.otp_totp.models import TOTPDevice
from oauth2_provider.models import get_application_model

from accounts.models import StaffProfile
from core.roles import STAFF_ROLES, Role, staff_users


def role_managed_users(*, dormant_at: datetime | None = None) -> QuerySet:
    """Logins whose role the DPO manages: staff, and logins left without any role (active or not).
    With `dormant_at` (the time of the review), only the dormant ones (`login_dormant`)."""
    staff_groups = [role.value for role in STAFF_ROLES]
    logins = get_user_model().objects.filter(Q(groups__name__in=staff_groups) | Q(groups__isnull=True))
    logins = logins.exclude(_owns_application())
    if dormant_at is not None:
        logins = logins.filter(Q(groups__name__in=staff_groups) | Q(is_superuser=True), is_active=True).alias(
            last_used=Coalesce("last_login", "date_joined")
        ).filter(last_used__lt=_dormant_before(dormant_at))
    return logins.select_related("staff_profile").distinct().order_by("username")


def dormant_login_count(*, now: datetime) -> int:
    """How many active logins hold a staff role they have not signed in with for STAFF_DORMANT_AFTER_DAYS."""
    return role_managed_users(dormant_at=now).count()


def roles_ending_count(*, today: date, within_days: int) -> int:
    """How many staff roles have their last day (`StaffProfile.role_until`) from today to `within_days`
    days on: the DPO extends a contractor's or lets the role end."""
    return StaffProfile.objects.filter(role_until__range=(today, today + timedelta(days=within_days))).count()


def owns_oauth_application(user_id: int) -> bool:
    """Whether the login owns a third party's OAuth application: a login nobody signs in with, no
    member of staff, whose role is never managed (`authorisations.services.registry`)."""
    return get_user_model().objects.filter(pk=user_id).filter(_owns_application()).exists()


def _owns_application() -> Exists:
    return Exists(get_application_model().objects.filter(user_id=OuterRef("pk")))


def superusers_outside_dpo_group() -> list[str]:
    """Usernames of active superusers in no DPO group: the platform treats one in no group as the DPO
    (`core.roles`), but the DPO's e-mails go to the DPO group's members only."""
    return list(
        get_user_model().objects.filter(is_superuser=True, is_active=True)
        .exclude(groups__name=Role.DPO.value).order_by("username").values_list("username", flat=True)
    )


def role_until(user) -> date | None:
    """The last day of the user's role, when it was granted for a while (read with `role_managed_users`)."""
    profile = getattr(user, "staff_profile", None)
    return profile.role_until if profile is not None else None


def login_dormant(user, role: Role | None, *, now: datetime) -> bool:
    """Whether an active login holds a staff role it has not signed in with for
    STAFF_DORMANT_AFTER_DAYS (counted from its creation when it never signed in): the DPO's access
    review removes such a role. A login without a role has nothing left to remove."""
    if role is None or role not in STAFF_ROLES or not user.is_active:
        return False
    return (user.last_login or user.date_joined) < _dormant_before(now)


def _dormant_before(now: datetime) -> datetime:
    return now - timedelta(days=settings.STAFF_DORMANT_AFTER_DAYS)


def user_list() -> QuerySet:
    return get_user_model().objects.all()


def user_by_id(pk) -> Any | None:
    return get_user_model().objects.filter(pk=pk).first()


def user_by_username(username: str) -> Any | None:
    return get_user_model().objects.filter(username=username).first()


def active_user_by_id(pk) -> Any | None:
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


def staff_user_by_id(pk) -> Any | None:
    return staff_users().filter(pk=pk).first()


def sign_ins_locked() -> QuerySet:
    """Sign-ins django-axes holds locked, the latest attempt first (a credential-stuffing wave locks
    thousands: the page reads them a page at a time)."""
    return (
        AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-attempt_time", "-pk")
        .values("username", "ip_address", "attempt_time", "failures_since_start")
    )


def staff_second_factor_status() -> list[dict[str, Any]]:
    """Each active staff login, by username, and whether it has a confirmed authenticator."""
    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    staff = staff_users().filter(is_active=True).order_by("username")
    return [{"user": user, "enrolled": user.pk in enrolled} for user in staff]
