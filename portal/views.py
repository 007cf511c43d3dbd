"""The page shells: home, the staff dashboard, the customer's overview page and the language switch."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import customer_required, second_factor_missing, staff_required
from core.actors import actor_for_user
from core.middleware import outside_language_prefixes
from core.navigation import dashboard_cards, dashboard_panels
from core.replica import replica_reads
from core.roles import Role, user_role
from subjects import services
from subjects.forms import LanguagePreferenceForm, SubjectSearchForm


def home(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return redirect("portal:me_home" if user_role(request.user) == Role.CUSTOMER else "portal:dashboard")


@staff_required()
def dashboard(request):
    with replica_reads():
        cards = dashboard_cards(request, "portal")
        panels = dashboard_panels(request, "portal")
    # The counter's look-up box again: its label and example, one translation for both.
    lookup = SubjectSearchForm().fields["q"]
    return render(request, "portal/dashboard.html", {"cards": cards, "panels": panels, "lookup": lookup})


@customer_required
def me_home(request, subject):
    cards = dashboard_cards(request, "me")
    language_form = LanguagePreferenceForm(initial={"language": subject.preferred_language})
    return render(request, "portal/me_home.html",
                  {"subject": subject, "cards": cards, "language_form": language_form})


@require_POST
@customer_required
def me_language(request, subject):
    """The customer chooses the language the bank writes to them in."""
    form = LanguagePreferenceForm(request.POST)
    if form.is_valid():
        services.subject_language_set(actor=actor_for_user(request.user), subject_id=subject.pk,
                                      language=form.cleaned_data["language"])
        messages.success(request, _("We will write to you in the language you chose."))
    else:
        messages.error(request, _("Choose one of the languages offered."))
    return redirect("portal:me_home")


@require_POST
def switch_language(request):
    """Switch between /portal/… (Vietnamese, the default) and /en/portal/…, keeping the place.
    A signed-in customer's or staff member's choice also becomes the language of their e-mails.

    Django's own set_language cannot map /en/… back to the unprefixed default language, because it
    resolves the old URL under the language of the switching request itself.
    """
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("Unknown language."))
    home = "/" if language == settings.LANGUAGE_CODE else f"/{language}/"
    path = request.POST.get("next") or "/"
    if not _on_this_site(request, path):
        path = "/"
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        # A full address on this site (a page or a proxy may send one): its path is the place to keep.
        path = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    if outside_language_prefixes(path):
        # Such a page reads the cookie set below; its address has no language to change.
        target = path
    else:
        for code, _name in settings.LANGUAGES:
            if path == f"/{code}" or path.startswith(f"/{code}/"):
                path = path[len(code) + 1:] or "/"
                break
        target = path if language == settings.LANGUAGE_CODE else f"/{language}{path}"
    # Checked again once the prefix is off: `/en//evil.example/` would otherwise become `//evil.example/`.
    response = redirect(target if _on_this_site(request, target) else home)
    _remember_language(request, response, language)
    return response


def default_language_prefix_dropped(request, rest: str = ""):
    """`/vi/…`, the default language's pages under the prefix a bank's link or another system may use,
    sent to their address (`/…`), with the query kept and never off the site."""
    target = "/" + rest.lstrip("/\\")
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    return redirect(target if _on_this_site(request, target) else "/")


def _on_this_site(request, url: str) -> bool:
    """A path on this site: no other host or scheme, and nothing a browser reads as one (`//host`,
    `/\\host`)."""
    return not url.startswith(("//", "/\\")) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _remember_language(request, response, language: str) -> None:
    if request.user.is_authenticated and not second_factor_missing(request.user):
        # Signed-in people (staff past the code step) are written to in the language they read the site in.
        services.user_language_set(actor=actor_for_user(request.user), user=request.user, language=language)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE, httponly=False)
