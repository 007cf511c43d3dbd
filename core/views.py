"""The page shells: sign-in, the staff dashboard and customer look-up, the customer home page."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import services
from core.access import customer_required, staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import AccessReasonForm, LanguagePreferenceForm, SubjectCreateForm, SubjectSearchForm
from core.models import DataSubject
from core.navigation import dashboard_cards, registry
from core.roles import Role, user_role
from core.security.otp import second_factor_missing, second_factor_url
from core.selectors import PERSONAL_FIELDS, personal_value_masked, subject_search
from core.validators import age_on


def home(request):
    if not request.user.is_authenticated:
        return redirect("core:login")
    return redirect("core:me_home" if user_role(request.user) == Role.CUSTOMER else "core:dashboard")


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True
    extra_context = {"axes_failure_limit": settings.AXES_FAILURE_LIMIT}

    def get_success_url(self) -> str:
        # Staff go on to the code step (or enrolment) before the page they asked for.
        url = super().get_success_url()
        if second_factor_missing(self.request.user):
            return second_factor_url(self.request.user, url)
        return url


@staff_required()
def dashboard(request):
    cards = dashboard_cards(request, "portal")
    return render(request, "core/dashboard.html", {"cards": cards})


@staff_required("core.view_datasubject")
def customer_lookup(request):
    form = SubjectSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = list(subject_search(form.cleaned_data["q"])[:20])
        if len(results) == 1:
            return redirect("core:customer_detail", pk=results[0].pk)
    return render(request, "core/customer_lookup.html", {"form": form, "results": results})


@staff_required("core.view_datasubject")
def customer_detail(request, pk):
    """The customer page: personal values masked until the staff member gives a reason (need to know),
    which the audit entry of the view records."""
    subject = DataSubject.objects.select_related("guardian").filter(pk=pk).first()
    if subject is None:
        raise Http404
    reason_form = AccessReasonForm(request.POST or None)
    revealed = request.method == "POST" and reason_form.is_valid()
    services.subject_personal_data_viewed(
        actor=actor_for_user(request.user), subjects=[subject], context="portal.detail",
        reason=reason_form.reason_text() if revealed else "", revealed=revealed,
    )
    personal = {
        field: getattr(subject, field) if revealed else personal_value_masked(field, getattr(subject, field))
        for field in PERSONAL_FIELDS
    }
    panels = [
        {"template": p.template, **p.context(request, subject)}
        for p in registry.subject_panels
        if p.permission is None or request.user.has_perm(p.permission)
    ]
    age = age_on(subject.date_of_birth, timezone.localdate()) if subject.date_of_birth else None
    return render(request, "core/customer_detail.html", {
        "subject": subject, "personal": personal, "revealed": revealed, "reason_form": reason_form,
        "panels": panels, "age": age,
    })


@staff_required("core.add_datasubject")
def customer_create(request):
    form = SubjectCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        guardian_ref = data.pop("guardian_ref")
        guardian = DataSubject.objects.filter(external_ref=guardian_ref).first() if guardian_ref else None
        if guardian_ref and guardian is None:
            form.add_error("guardian_ref", _("No customer has this customer number."))
        else:
            try:
                subject = services.subject_create(
                    actor=actor_for_user(request.user), guardian=guardian, **data
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.text)
            else:
                messages.success(request, _("Customer registered."))
                return redirect("core:customer_detail", pk=subject.pk)
    return render(request, "core/customer_create.html", {"form": form})


@customer_required
def me_home(request, subject):
    cards = dashboard_cards(request, "me")
    language_form = LanguagePreferenceForm(initial={"language": subject.preferred_language})
    return render(request, "core/me_home.html",
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
    return redirect("core:me_home")


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
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    path = next_url
    for code, _name in settings.LANGUAGES:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            path = path[len(code) + 1:] or "/"
            break
    if request.user.is_authenticated and not second_factor_missing(request.user):
        # Signed-in people (staff past the code step) are written to in the language they read the site in.
        services.user_language_set(actor=actor_for_user(request.user), user=request.user, language=language)
    response = redirect(path if language == settings.LANGUAGE_CODE else f"/{language}{path}")
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE, httponly=False)
    return response
