"""Writes on sign-in accounts: logins in their role group, the DPO's role changes and unlocks of a
locked sign-in, each audited; the sign-in log (django-axes) erased for a customer's deletion and
purged after SIGN_IN_LOG_KEPT_DAYS; browser sessions ended by that deletion and deleted once expired."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import StaffProfile
from accounts.selectors import owns_oauth_application
from accounts.signals import role_changed, role_changing
from audit.services import audit_record
from core.access import subject_for_user
from core.actors import Actor
from core.errors import Conflict, DomainError, InvalidInput, valid_or_refused
from core.keyed import blind_index
from core.moments import last_day_check
from core.roles import STAFF_ROLES, Role, user_role

logger = logging.getLogger(__name__)
DAY = int(timedelta(days=1).total_seconds())


def user_create(*, actor: Actor, username: str, password: str | None, role: Role, email: str = "") -> Any:
    """Create a login in one role group (used by seeding and `manage.py create_login`), audited.

    `password=None` makes a login nobody signs in with: an integration client, which uses API tokens.
    Refused (400) a name the sign-in form cannot take (Django's username rule) or an e-mail that is no
    address (the staff member's reminders and alerts go there); (409) a name taken in any letter case.
    """
    User = get_user_model()
    name_refused = _("A login's name is made of letters, digits and @ . + - _ only, without spaces.")
    if not username:
        raise InvalidInput(name_refused, field="username")
    valid_or_refused(User.username_validator, username, message=name_refused, field="username")
    if email:
        email_refused = _("Enter the staff member's whole work e-mail address.")
        valid_or_refused(validate_email, email, message=email_refused, field="email")
    with transaction.atomic(durable=True):
        if User.objects.filter(username__iexact=username).exists():
            raise Conflict(_("A login named %(username)s already exists.") % {"username": username})
        user = User.objects.create_user(username=username, password=password, email=email)
        user.groups.set([Group.objects.get(name=role.value)])
        audit_record(action="core.user.created", actor=actor, target=user,
                     data={"user_id": user.pk, "role": role.value})
    return user


def user_role_set(
    *, actor: Actor, user, role: Role | None, until: date | None = None, ended_before: date | None = None
) -> Any:
    """Grant a staff role (replacing the one held) or, with `role=None`, remove it; audited old → new.

    `until`: the last day (local) the role is held (a contractor, a deputy acting for the DPO), after
    which `roles_expire` removes it; a change without one holds the role until further notice.

    Only staff roles change here: a customer's role follows their account link, an integration
    account's its tokens, and a third party's application owner holds none. Nobody changes their own
    role, so the last DPO cannot lock the bank out. A superuser's change ends their superuser status
    (audited `superuser_removed`); a removal, their authenticator (`devices_removed`).
    The person's API tokens end with the change (`role_changed`, received by integrations): a token
    issued for work in one role neither carries into another nor revives if a removed role comes back.
    A role that works no requests gives the person's open requests back to the queue (received by dsr).
    `ended_before` (the expiry job's today): remove the role only if its last day, read under the lock,
    is still before that day; a last day moved later meanwhile keeps the role.
    """
    if role is not None and role not in STAFF_ROLES:
        raise InvalidInput(_("Only staff roles can be granted here."), field="role")
    if until is not None and role is None:
        raise InvalidInput(_("A last day is given with a role: choose the role too."), field="until")
    last_day_check(until, field="until")
    with transaction.atomic(durable=True):
        user = get_user_model().objects.select_for_update(no_key=True).get(pk=user.pk)
        old = user_role(user)
        if (old is not None and old not in STAFF_ROLES) or owns_oauth_application(user.pk):
            raise Conflict(_("Customers' and integration accounts' roles are not changed here."))
        if actor.user_id == user.pk:
            raise Conflict(_("You cannot change your own role: ask another DPO."))
        if old == Role.DPO and role != Role.DPO:
            _another_dpo_check(user)
        profile = StaffProfile.objects.select_for_update().filter(user=user).first()
        if ended_before is not None and not _last_day_before(profile, ended_before):
            return user
        if old == role and (profile.role_until if profile else None) == until:
            return user
        if profile is not None or until is not None:
            StaffProfile.objects.update_or_create(user=user, defaults={"role_until": until})
        if old == role:  # only the last day changed: the role, its tokens and its work stay
            audit_record(action="core.user.role_changed", actor=actor, target=user,
                         data={"user_id": user.pk, "old": role and role.value, "new": role and role.value,
                               "until": until and until.isoformat()})
            return user
        user.groups.set([Group.objects.get(name=role.value)] if role is not None else [])
        # A superuser holds every permission and counts as the DPO in no group: the role chosen here is
        # then all they keep, or removing the DPO would leave them the DPO.
        superuser_removed = {"superuser_removed": True} if user.is_superuser else {}
        if superuser_removed:
            user.is_superuser = user.is_staff = False
            user.save(update_fields=["is_superuser", "is_staff"])
        # A leaver's authenticator goes with the role: a role given back later starts a new enrolment.
        removed = TOTPDevice.objects.filter(user=user).delete()[0] if role is None else 0
        devices_removed = {"devices_removed": removed} if removed else {}
        user._role_cache = role
        old_value, new_value = (old.value if old else None), (role.value if role else None)
        # Every receiver locks what it will write (customers' rows: a leaver's requests go back to the
        # queue) before any of them writes an audit entry, which locks the chain's head until commit.
        role_changing.send(sender=user_role_set, user_id=user.pk, actor=actor, old=old_value, new=new_value)
        role_changed.send(sender=user_role_set, user_id=user.pk, actor=actor, old=old_value, new=new_value)
        audit_record(action="core.user.role_changed", actor=actor, target=user,
                     data={"user_id": user.pk, "old": old_value, "new": new_value, **superuser_removed,
                           **devices_removed, **({"until": until.isoformat()} if until else {})})
    return user


def _last_day_before(profile: StaffProfile | None, day: date) -> bool:
    return profile is not None and profile.role_until is not None and profile.role_until < day


def _another_dpo_check(user) -> None:
    """Refuse to take the DPO role from its last active holder: nobody would be left to manage roles
    or receive the DPO's e-mails. The DPO group's row is locked, so two DPOs removed at the same time
    cannot each count the other."""
    Group.objects.select_for_update(no_key=True).get(name=Role.DPO.value)
    others = get_user_model().objects.filter(groups__name=Role.DPO.value, is_active=True).exclude(pk=user.pk)
    if not others.exists():
        raise Conflict(_("%(username)s is the only DPO: grant the DPO role to another login first.")
                       % {"username": user.get_username()}, code="last_dpo")


def roles_expire(*, now: datetime | None = None) -> int:
    """Remove each staff role whose last day (`StaffProfile.role_until`, local) has passed, each as
    `user_role_set` removes one (audited by the platform, tokens revoked, open requests back to the
    queue), in its own transaction. Returns how many ended; a second run ends none.

    A removal refused (the last DPO) keeps that role, logged once a day per refusal, and the others still
    end: one refusal must not hold every later contractor's access past their last day. The roles due are
    read before any lock: `user_role_set` reads the last day again under it, so one the DPO extended meanwhile
    keeps its role."""
    today = timezone.localdate(now or timezone.now())
    ended = 0
    for profile in StaffProfile.objects.filter(role_until__lt=today).select_related("user").order_by("pk"):
        try:
            user = user_role_set(actor=Actor.system("accounts.roles_expire"), user=profile.user, role=None,
                                 ended_before=today)
        except DomainError as refusal:
            # The job runs hourly: one line a day per refusal, not 24 burying it (the cache key lives a day).
            if cache.add(f"accounts.roles_expire.refused:{profile.pk}:{refusal.code}:{today}", True, DAY):
                logger.warning("The role of %s did not end after its last day: %s",
                               profile.user.get_username(), refusal.text)
            continue
        ended += user_role(user) is None
    return ended


def sign_in_unlock(*, actor: Actor, username: str) -> int:
    """Clear the failed sign-ins that locked `username` (django-axes), audited; the number cleared.

    The entry never holds the login name: a customer's is often their phone number or e-mail, and the
    append-only trail is out of reach of their deletion. It names the account by id (and a customer's
    subject, so the entry is theirs), or a login no account has by its keyed fingerprint."""
    with transaction.atomic(durable=True):
        removed = axes_reset(username=username)
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            who = {"login_fingerprint": blind_index(f"sign-in-login:{username}")[:16]}
        else:
            who = {"user_id": user.pk}
        audit_record(action="core.account.unlocked", actor=actor, target=user,
                     subject=subject_for_user(user) if user is not None else None,
                     data={**who, "attempts_cleared": removed})
    return removed


# The sign-in log's tables (django-axes): who signed in or failed to, from which address and browser.
SIGN_IN_LOGS = (AccessLog, AccessFailureLog, AccessAttempt)
SIGN_IN_LOGS_PURGE_BATCH = 5000


def sign_in_logs_erase(*, usernames) -> int:
    """In the erasure's transaction (a completed deletion request): every row of the sign-in log of
    these logins, the successful sign-ins and the failed ones with their address and browser. Who
    reached which page stays in the audit trail. Returns how many rows went."""
    usernames = list(usernames)
    if not usernames:
        return 0
    return sum(model.objects.filter(username__in=usernames).delete()[0] for model in SIGN_IN_LOGS)


def sign_in_logs_purge(*, now: datetime | None = None, limit: int = SIGN_IN_LOGS_PURGE_BATCH) -> int:
    """Delete the sign-in log's rows older than SIGN_IN_LOG_KEPT_DAYS (at most `limit` of each table:
    the nightly job runs again on a full batch), with one audit entry. Returns how many went."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SIGN_IN_LOG_KEPT_DAYS)
    with transaction.atomic(durable=True):
        purged = 0
        for model in SIGN_IN_LOGS:
            due = list(model.objects.filter(attempt_time__lt=cutoff).values_list("pk", flat=True)[:limit])
            purged += model.objects.filter(pk__in=due).delete()[0] if due else 0
        if purged:
            audit_record(
                action="core.sign_in_log.purged",
                actor=Actor.system("accounts.sign_in_logs_purge"),
                data={"count": purged, "older_than": cutoff.isoformat()},
                now=now,
            )
    return purged


SESSIONS_PURGE_BATCH = 5000


def sessions_purge_expired(*, now: datetime | None = None, limit: int = SESSIONS_PURGE_BATCH) -> int:
    """Delete expired browser sessions (the signed-in user's id and sign-in times; Django's database
    store keeps them until `clearsessions` runs), at most `limit` (the nightly job runs again on a full
    batch), with one audit entry. Returns how many went."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        due = list(Session.objects.filter(expire_date__lt=now).values_list("pk", flat=True)[:limit])
        purged = Session.objects.filter(pk__in=due).delete()[0] if due else 0
        if purged:
            audit_record(
                action="core.session.purged",
                actor=Actor.system("accounts.sessions_purge_expired"),
                data={"count": purged},
                now=now,
            )
    return purged


def sessions_end(*, user_ids, now: datetime) -> int:
    """In the erasure's transaction (a completed deletion request): end every live browser session of
    these logins, so nobody stays signed in as the erased customer. The store knows a session's user
    only inside its encoded data, so each live session is read (they all end within
    SESSION_COOKIE_AGE, so they are few). Returns how many ended."""
    users = {str(user_id) for user_id in user_ids}
    if not users:
        return 0
    live = Session.objects.filter(expire_date__gte=now).only("session_key", "session_data")
    theirs = [
        session.pk for session in live.iterator() if str(session.get_decoded().get(SESSION_KEY)) in users
    ]
    return Session.objects.filter(pk__in=theirs).delete()[0] if theirs else 0
