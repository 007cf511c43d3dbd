"""Page access: staff pages by permission, self-service pages for the logged-in customer only."""
from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from core.roles import Role, is_staff_user, user_role
from core.security.otp import second_factor_missing, second_factor_redirect
from core.selectors import subject_for_user


def staff_required(permission: str | None = None, *, second_factor: bool = True):
    """Staff only; with STAFF_2FA_REQUIRED, only after the TOTP step (else redirected to it).

    `second_factor=False` is for the two-factor pages themselves, reached before that step.
    """
    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_staff_user(request.user):
                raise PermissionDenied
            if second_factor and second_factor_missing(request.user):
                return second_factor_redirect(request)
            if permission and not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def customer_required(view):
    """The view receives the customer's own data subject as `subject`; nobody else's is reachable."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        subject = subject_for_user(request.user) if user_role(request.user) == Role.CUSTOMER else None
        if subject is None:
            raise PermissionDenied
        return view(request, *args, subject=subject, **kwargs)

    return wrapper
