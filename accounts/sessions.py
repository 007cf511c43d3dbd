"""How long a signed-in browser session lasts: it ends after a while without activity, and in any case a
fixed time after sign-in. Then the sign-in (and for staff the second factor) is asked again, and the
page that was asked for follows it.

Branch and call-centre PCs are shared: an officer who walks away without signing out must not leave
the next person at the desk acting in their name. Staff sessions end after `STAFF_SESSION_IDLE_MINUTES`
without a request (30 by default), customers' self-service sessions after
`CUSTOMER_SESSION_IDLE_MINUTES` (15: a customer may be on a shared or public computer and has no
reason to keep a page open between two steps for long), and every session `SESSION_COOKIE_AGE` after
sign-in (8 hours), however busy. API calls with a token have no session and are not concerned.

Measured on the process clock (`time.time()`, as Django's signed values are), not on `timezone.now()`,
the clock of business time that tests move to a report's day or a deadline.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.translation import gettext as _

from core.middleware import is_token_api_call
from core.roles import Role, user_role

SIGNED_IN_AT = "_signed_in_at"
LAST_SEEN_AT = "_last_seen_at"
# The time of the last request is written back at most this often (seconds): a session write per
# minute of work rather than per page. The idle limit is therefore kept to within a minute.
ACTIVITY_STAMP_EVERY = 60


def idle_limit_minutes(user) -> int:
    if user_role(user) == Role.CUSTOMER:
        return settings.CUSTOMER_SESSION_IDLE_MINUTES
    return settings.STAFF_SESSION_IDLE_MINUTES


def session_started(sender, request, user, **kwargs) -> None:
    """Receiver of `user_logged_in`: both clocks of the new session start now."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def session_ended_by(session, user, *, now: float) -> str | None:
    """Why this signed-in session is over ("idle", "age"), or None while it lasts."""
    last_seen = session.get(LAST_SEEN_AT)
    signed_in = session.get(SIGNED_IN_AT)
    if signed_in is not None and now - signed_in > settings.SESSION_COOKIE_AGE:
        return "age"
    if last_seen is not None and now - last_seen > idle_limit_minutes(user) * 60:
        return "idle"
    return None


@dataclass(frozen=True)
class SessionTimeLeft:
    """How long a session lasts if nothing more happens: until the idle limit after the last noted
    activity, or its age, whichever comes first. `final`: the end coming is the age, which no activity
    puts off. Pages warn before it (js/behaviours.js)."""

    seconds: int
    final: bool
    age_ends_at: datetime


def session_time_left(session, user, *, now: float) -> SessionTimeLeft:
    idle_ends = session.get(LAST_SEEN_AT, now) + idle_limit_minutes(user) * 60
    age_ends = session.get(SIGNED_IN_AT, now) + settings.SESSION_COOKIE_AGE
    return SessionTimeLeft(
        seconds=max(0, int(min(idle_ends, age_ends) - now)),
        final=age_ends <= idle_ends,
        age_ends_at=datetime.fromtimestamp(age_ends, tz=UTC),
    )


def not_activity(view):
    """Marks a view whose requests do not count as activity: a page asking how long its session lasts
    (before warning) must not make it last, or a tab left open would keep an unattended session alive."""
    view.session_not_activity = True
    return view


class SessionLifetimeMiddleware:
    """Signs out a session that has been idle too long or has reached its age, before the view runs:
    the page's access check then sends the person to the sign-in with the page to come back to, and
    the API answers as it answers anyone signed out. Otherwise notes the activity, unless the view
    is marked `not_activity`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_token_api_call(request) and request.session.get(SESSION_KEY) is not None:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session, now = request.session, time.time()
        ended = session_ended_by(session, request.user, now=now)
        if ended is not None:
            told = _signed_out_message(ended, request.user)
            logout(request)
            messages.info(request, told)
            return
        # A session from before these stamps existed starts its clocks now.
        session.setdefault(SIGNED_IN_AT, int(now))

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "session_not_activity", False) or is_token_api_call(request):
            return None
        session, now = request.session, time.time()
        signed_in = session.get(SESSION_KEY) is not None
        if signed_in and now - session.get(LAST_SEEN_AT, 0) >= ACTIVITY_STAMP_EVERY:
            session[LAST_SEEN_AT] = int(now)
        return None


def _signed_out_message(ended: str, user) -> str:
    if ended == "idle":
        return _(
            "You were signed out after %(minutes)s minutes without activity. Sign in again to go on."
        ) % {"minutes": idle_limit_minutes(user)}
    return _(
        "You were signed out: a session lasts %(hours)s hours at most. Sign in again to go on."
    ) % {"hours": f"{settings.SESSION_COOKIE_AGE / 3600:g}"}
