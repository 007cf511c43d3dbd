"""Sign-in pages: the password step, the two-factor step and enrolment, and the DPO's sign-in
security page (unlock, reset 2FA)."""
from __future__ import annotations

import time
from base64 import b32encode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, translate_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.forms import OTPTokenForm, UnlockForm
from accounts.languages import language_after_sign_in
from accounts.otp import (
    ENROLMENT_KEY_SESSION,
    enrolment_device,
    enrolment_key,
    otp_device_enrol,
    otp_devices_reset,
    qr_svg,
)
from accounts.selectors import (
    login_dormant,
    role_managed_users,
    role_until,
    sign_ins_locked,
    staff_second_factor_status,
    staff_user_by_id,
    user_by_id,
)
from accounts.sessions import not_activity, session_time_left
from core.access import (
    found_or_404,
    has_confirmed_device,
    otp_step_url,
    second_factor_missing,
    second_factor_url,
    staff_required,
)
from core.actors import actor_for_user
from core.errors import PermissionDenied
from core.forms import DayFormField, call_with_messages
from core.paging import offset_page, page_query, same_page
from core.roles import STAFF_ROLES, Role, user_role, user_roles

PAGE_SIZE = 50


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@staff_required(second_factor=False)
def otp_verify(request):
    """The code step after the password. Throttled per device by django-otp (growing delays)."""
    next_url = _next_url(request)
    if not has_confirmed_device(request.user):
        return redirect(otp_step_url("accounts:otp_enrol", next_url))
    if request.user.is_verified():
        return redirect(next_url)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        form.add_error(
            "otp_token",
            _(
                "This code is not right or has expired. Enter the code your app shows now; "
                "after several wrong codes you must wait a little longer each time."
            ),
        )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@staff_required(second_factor=False)
def otp_enrol(request):
    """First sign-in of a staff member: scan the QR code, confirm with one code."""
    next_url = _next_url(request)
    if has_confirmed_device(request.user):
        # Replacing an authenticator is the DPO's reset, never a self-service step a password thief
        # could take.
        return redirect(otp_step_url("accounts:otp_verify", next_url))
    key = enrolment_key(request.session)
    device = enrolment_device(request.user, key)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolled = otp_device_enrol(user=request.user, key=key, token=form.cleaned_data["otp_token"])
        except PermissionDenied:  # another tab enrolled meanwhile: that device now asks for its code
            return redirect(otp_step_url("accounts:otp_verify", next_url))
        if enrolled:
            del request.session[ENROLMENT_KEY_SESSION]
            otp_login(request, enrolled)
            messages.success(
                request, _("Two-factor sign-in is set up. You will be asked for a code at each sign-in.")
            )
            return redirect(next_url)
        form.add_error(
            "otp_token",
            _(
                "This code is not right. Check that the phone's clock is correct and enter "
                "the code your app shows now."
            ),
        )
    secret = _base32(device)
    return render(request, "accounts/otp_enrol.html", {
        "form": form, "next": next_url, "qr_svg": qr_svg(device.config_url), "otpauth_uri": device.config_url,
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    })


def _base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode().rstrip("=")


@staff_required("axes.view_accessattempt")
def sign_in_security(request):
    """The DPO sees locked sign-ins and staff two-factor status; unlocks and resets from here."""
    locked = offset_page(sign_ins_locked(), params=request.GET, size=PAGE_SIZE)
    return render(request, "accounts/sign_in_security.html", {
        "locked": locked.rows,
        "locked_page": locked,
        "staff": staff_second_factor_status(),
        "can_reset_otp": request.user.has_perm("otp_totp.delete_totpdevice"),
    })


@require_POST
@staff_required("axes.delete_accessattempt")
def sign_in_unlock(request):
    form = UnlockForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"]
        services.sign_in_unlock(actor=actor_for_user(request.user), username=username)
        messages.success(request, _("The sign-in of %(username)s is unlocked.") % {"username": username})
    return redirect("accounts:sign_in_security")


@require_POST
@staff_required("otp_totp.delete_totpdevice")
def sign_in_reset_otp(request, user_id: int):
    user = found_or_404(staff_user_by_id(user_id))
    call_with_messages(
        request,
        lambda: otp_devices_reset(actor=actor_for_user(request.user), user=user),
        _(
            "Two-factor sign-in of %(username)s is reset: they set up a new authenticator at "
            "their next sign-in."
        )
        % {"username": user.get_username()},
    )
    return redirect("accounts:sign_in_security")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    extra_context = {"axes_failure_limit": settings.AXES_FAILURE_LIMIT}

    def get_success_url(self) -> str:
        user = self.request.user
        language = language_after_sign_in(
            user,
            page_language=self.request.LANGUAGE_CODE,
            chosen=self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
        )
        url = translate_url(super().get_success_url(), language)
        # Staff go on to the code step (or enrolment) before the page they asked for.
        if second_factor_missing(user):
            return translate_url(second_factor_url(user, url), language)
        return url


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), required=False,
        choices=[("", gettext_lazy("No role (no access)"))]
        + [(role.value, role.label) for role in Role if role in STAFF_ROLES],
    )
    until = DayFormField(label=gettext_lazy("Last day (optional)"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))


@staff_required("auth.view_user")
def user_list_page(request):
    """A page of logins at a time, their roles read in one query for the page, each with its last
    sign-in and whether it is dormant (the DPO's access review); `?dormant=1` lists only those."""
    now = timezone.now()
    dormant_only = request.GET.get("dormant") == "1"
    logins = role_managed_users(dormant_at=now if dormant_only else None)
    page = Paginator(logins, PAGE_SIZE).get_page(request.GET.get("page"))
    roles = user_roles(user.pk for user in page)
    rows = [
        {"user": user, "role": role, "until": role_until(user),
         "form": RoleForm(initial={"role": role.value if role else "", "until": role_until(user)}),
         "is_self": user.pk == request.user.pk, "dormant": login_dormant(user, role, now=now)}
        for user, role in ((user, roles.get(user.pk)) for user in page)
    ]
    context = {"rows": rows, "page": page, "on_page": _dormant_kept(page_query(page.number), request.GET),
               "dormant_only": dormant_only, "dormant_after_days": settings.STAFF_DORMANT_AFTER_DAYS}
    return render(request, "accounts/users.html", context)


def _users_page(request):
    """Back to the page of logins the change was made on (of the dormant ones alone, if it listed those)."""
    return redirect(_dormant_kept(same_page(reverse("accounts:users"), request.GET), request.GET))


def _dormant_kept(address: str, params) -> str:
    """`address` (a query string or a URL), still listing only the dormant logins if `params` did."""
    if params.get("dormant") != "1":
        return address
    return f"{address}{'&' if '?' in address else '?'}dormant=1"


@require_POST
@staff_required("auth.change_user")
def user_role_page(request, pk):
    user = found_or_404(user_by_id(pk))
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list, and its last day as a date if it has one."))
        return _users_page(request)
    role = Role(form.cleaned_data["role"]) if form.cleaned_data["role"] else None
    until = form.cleaned_data["until"]
    call_with_messages(
        request,
        lambda: services.user_role_set(actor=actor_for_user(request.user), user=user, role=role, until=until),
        _("%(user)s: %(role)s.") % {
            "user": user.get_username(), "role": role.label if role else _("no role (no access)"),
        },
    )
    return _users_page(request)


def _session_time_left(request):
    """How long the session lasts, for the page to warn in time (WCAG 2.2.1); a session over (signed
    out by SessionLifetimeMiddleware) is sent to the sign-in."""
    if user_role(request.user) not in (Role.CUSTOMER, *STAFF_ROLES):
        return redirect_to_login(reverse("portal:home"))
    left = session_time_left(request.session, request.user, now=time.time())
    return JsonResponse({"seconds_left": left.seconds, "final": left.final})


@require_POST
def session_keep_alive(request):
    """"Stay signed in" on a page's warning, and typing in a form: activity that sends nothing else,
    noted by SessionLifetimeMiddleware."""
    return _session_time_left(request)


@not_activity
@require_GET
def session_status(request):
    """Asked by a page before it warns: another tab may have kept the session going meanwhile."""
    return _session_time_left(request)
