"""Pages: the OAuth consent screen, the customer's authorisations under /me/, the registry and staff
revocation under /portal/. Each write calls one service."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from oauth2_provider.oauth2_backends import _add_iss_to_redirect
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import AuthorizationView

from authorisations import selectors, services
from authorisations.forms import (
    DURATION_CHOICES_DAYS,
    ConsentScreenForm,
    StaffRevokeForm,
    ThirdPartyForm,
    ThirdPartySecretForm,
    requested_days_seal,
)
from authorisations.models import Authorisation, ThirdParty
from authorisations.scopes import scope_labels
from consents.models import Channel
from core.access import customer_required, found_or_404, staff_required, subject_for_user
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import call_with_messages, form_error, form_succeeded
from core.paging import offset_page
from core.roles import Role, user_role
from integrations.form_once import posted_once

CUSTOMER_CHANNEL = Channel.INTERNET_BANKING
# The reads on each page of an authorisation's whole log.
LOG_PAGE_SIZE = 50
# The consent screen's refusal of a request naming no registered application (OAuth's error code).
UNKNOWN_CLIENT = {"error": "invalid_client"}


class ConsentScreenView(AuthorizationView):
    """/oauth/authorize/: the customer, signed in, reads what the third party asks and decides."""

    template_name = "authorisations/consent_screen.html"
    form_class = ConsentScreenForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and (
            user_role(request.user) != Role.CUSTOMER or subject_for_user(request.user) is None
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        # REQUEST_APPROVAL_PROMPT is "force": the customer reads and approves the terms every time a
        # code is issued. The toolkit lets the query string override that setting (`approval_prompt=
        # auto` issues a code at once to a customer holding an unexpired token), so the client's
        # word on it is dropped and the screen always shows.
        if "approval_prompt" in request.GET:
            request.GET = request.GET.copy()
            del request.GET["approval_prompt"]
        return super().get(request, *args, **kwargs)

    def error_response(self, error, application, **kwargs):
        # A scope beyond the registration is refused here, at the bank, not bounced to the client.
        oauth_error = getattr(error, "oauthlib_error", None)
        if getattr(oauth_error, "error", "") == "invalid_scope":
            return self.render_to_response(self.get_context_data(error=oauth_error), status=400)
        return super().error_response(error, application, **kwargs)

    def redirect(self, redirect_to, application):
        # RFC 9207 2: `iss` on every authorisation response, errors too (a decline, "Go back" on a
        # refusal): the toolkit adds it only to those the server issues. Added as the toolkit adds it.
        issuer = oauth2_settings.oauth2_authorization_server_issuer(self.request)
        return super().redirect(_add_iss_to_redirect(redirect_to, issuer), application)

    def _third_party(self) -> ThirdParty | None:
        client_id = self.oauth2_data.get("client_id") or self.request.POST.get("client_id", "")
        return selectors.third_party_by_client_id(client_id) if client_id else None

    def _requested_days(self, third_party: ThirdParty) -> int:
        try:
            asked = int(self.request.GET.get("duration_days", third_party.max_duration_days))
        except ValueError:
            asked = third_party.max_duration_days
        return max(1, min(asked, third_party.max_duration_days))

    def get_initial(self):
        initial = super().get_initial()
        third_party = self._third_party()
        if third_party is not None:
            days = self._requested_days(third_party)
            initial["requested_days"] = initial["duration_days"] = days
            initial["requested_days_seal"] = requested_days_seal(initial, days)
        return initial

    def _refusal(self, third_party: ThirdParty) -> DomainError | None:
        """Why this customer may not authorise anyone (a child, an unknown age, their objection to
        disclosure in force), asked before the screen offers to approve; None when they may."""
        try:
            services.authorisation_grantor_check(
                subject=subject_for_user(self.request.user), third_party=third_party
            )
        except DomainError as error:
            return error
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        third_party = self._third_party()
        if third_party is None:
            context.setdefault("error", UNKNOWN_CLIENT)
        if "error" in context:
            return context
        context["refusal"] = self._refusal(third_party)
        form = context.get("form")
        scopes = (form["scope"].value() or "").split() if form is not None else []
        # On a re-shown form the posted value has been validated; on the first showing it is the ask.
        requested = getattr(form, "cleaned_data", {}).get("requested_days") or self._requested_days(
            third_party
        )
        context.update(
            third_party=third_party,
            scope_rows=scope_labels(scopes),
            requested_days=requested,
            duration_options=sorted({d for d in DURATION_CHOICES_DAYS if d < requested} | {requested}),
        )
        return context

    def form_valid(self, form):
        third_party = self._third_party()
        if third_party is None:
            # Before the toolkit, which looks the application up and fails on an unknown one.
            return self.render_to_response({"error": UNKNOWN_CLIENT})
        if not form.cleaned_data.get("allow"):
            return super().form_valid(form)
        terms = {
            "subject": subject_for_user(self.request.user),
            "third_party": third_party,
            "scopes": form.cleaned_data["scope"].split(),
            "duration_days": form.cleaned_data.get("duration_days") or form.cleaned_data["requested_days"],
            "cross_border_acknowledged": form.cleaned_data.get("cross_border", False),
        }
        try:
            services.authorisation_terms_check(**terms)
            # The toolkit validates the request again and issues the code; only then is the
            # authorisation recorded. A code without an ACTIVE authorisation cannot be exchanged.
            response = super().form_valid(form)
            # A refusal the toolkit renders itself (an unregistered redirect URI) redirects nowhere.
            issued = parse_qs(urlparse(response.get("Location", "")).query).get("code")
            if issued:
                services.authorisation_grant(
                    actor=actor_for_user(self.request.user),
                    user=self.request.user,
                    channel=CUSTOMER_CHANNEL,
                    issued_code=issued[0],
                    # The language this approval's screen is in, as the consent pages record theirs.
                    screen_language=get_language(),
                    **terms,
                )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.text)
            return self.form_invalid(form)
        return response

    def render_to_response(self, context, **kwargs):
        if context.get("refusal") is not None:
            # Refused before any code: the screen explains why and offers only to go back (decline).
            kwargs["status"] = 403
        if context.get("error") is UNKNOWN_CLIENT or getattr(context.get("form"), "ask_changed", False):
            kwargs["status"] = 400
        response = super().render_to_response(context, **kwargs)
        third_party = context.get("third_party")
        if third_party is not None:
            # The approval posts here and is redirected to the third party's registered callback;
            # browsers check that redirect against form-action, so exactly those URIs are allowed.
            response._csp_update = {"form-action": list(third_party.redirect_uris)}
        # Clickjacking: the consent screen must never be framed (the site-wide CSP and X-Frame-Options
        # say so too; stated here so that no later site-wide change can loosen it for this page).
        response["X-Frame-Options"] = "DENY"
        return response


@customer_required
def me_list(request, subject):
    actor = actor_for_user(request.user)
    rows = [
        {
            "authorisation": a,
            "scopes": scope_labels(a.scopes),
            "actions": selectors.authorisation_allowed_actions(a, actor),
            "accesses": reads_in_words(a.recent_accesses[: selectors.RECENT_ACCESSES]),
            "more_accesses": len(a.recent_accesses) > selectors.RECENT_ACCESSES,
        }
        for a in selectors.authorisations_with_recent_accesses(subject)
    ]
    return render(request, "authorisations/me_list.html", {"rows": rows})


def reads_in_words(accesses) -> list[dict]:
    """Each read named in words ("Your account transactions..."), not by its scope code."""
    return [{"access": access, "label": scope_labels([access.scope])[0]["label"]} for access in accesses]


@customer_required
def me_reads(request, pk, subject):
    authorisation = _own(subject, pk)
    accesses = selectors.authorisation_accesses(authorisation)
    page = offset_page(accesses, params=request.GET, size=LOG_PAGE_SIZE)
    return render(
        request,
        "authorisations/me_reads.html",
        {"authorisation": authorisation, "page": page, "accesses": reads_in_words(page.rows)},
    )


def _own(subject, pk) -> Authorisation:
    return found_or_404(selectors.authorisation_by_id(pk, subject=subject))


@customer_required
@posted_once
def me_revoke(request, pk, subject):
    authorisation = _own(subject, pk)
    if request.method == "POST":
        call_with_messages(
            request,
            lambda: services.authorisation_revoke(
                actor=actor_for_user(request.user),
                authorisation_id=authorisation.pk,
                subject=subject,
                channel=CUSTOMER_CHANNEL,
                reason=request.POST.get("reason", "")[:500],
            ),
            _("%(name)s can no longer read your data.") % {"name": authorisation.third_party.legal_name},
        )
        return redirect("authorisations:me_list")
    context = {"authorisation": authorisation, "scopes": scope_labels(authorisation.scopes)}
    context["can_revoke"] = revoke_offered(authorisation, request.user)
    return render(request, "authorisations/me_revoke.html", context)


def revoke_offered(authorisation: Authorisation, user) -> bool:
    """Whether a revoke page shows its form: the selector's answer, never a status read here."""
    return "revoke" in selectors.authorisation_allowed_actions(authorisation, actor_for_user(user))


@customer_required
@require_POST
def me_pause(request, pk, subject):
    action = (
        services.authorisation_resume if request.POST.get("resume") == "1" else services.authorisation_pause
    )
    try:
        moved = action(actor=actor_for_user(request.user), authorisation_id=_own(subject, pk).pk,
                       subject=subject)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        if selectors.expired_instead(moved):  # its term had ended: the expiry was recorded instead
            messages.info(request, _("Its term had ended: it has expired, and %(name)s can no longer "
                                     "read your data.") % {"name": moved.third_party.legal_name})
    return redirect("authorisations:me_list")


@customer_required
def me_receipt(request, pk, subject):
    receipt = selectors.authorisation_receipt(_own(subject, pk))
    response = HttpResponse(receipt, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="authorisation-{pk}.json"'
    return response


@staff_required("authorisations.view_thirdparty")
def third_party_list(request):
    return render(
        request,
        "authorisations/third_party_list.html",
        {
            "third_parties": selectors.third_party_list(),
            "can_manage": request.user.has_perm("authorisations.manage_thirdparty"),
        },
    )


# What a second post of the registration form is told: the page with the secrets is not shown again.
THIRD_PARTY_REGISTERED_ONCE = gettext_lazy(
    "This third party was already registered by this form. Its secrets were shown once, after the first "
    "sending, and are not shown again. If its client secret was not kept, give it a new one here (New "
    "client secret): the lost one stops working at once. Its webhook secret can be rotated on the Webhook "
    "endpoints page."
)
CLIENT_SECRET_ISSUED_ONCE = gettext_lazy(
    "A new client secret was already issued by this form. It was shown once, after the first sending, and "
    "is not shown again. If it was not kept, issue another one here: the lost one stops working at once."
)


@staff_required("authorisations.manage_thirdparty")
@posted_once(replay_to="authorisations:third_party_list", replay_message=THIRD_PARTY_REGISTERED_ONCE)
def third_party_new(request):
    form = ThirdPartyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.third_party_register(
                actor=actor_for_user(request.user), **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.text)
        else:
            form_succeeded(request, _("%(name)s is registered; customers can now authorise it.")
                           % {"name": registration.third_party.legal_name})
            # The secrets on a page of their own, shown once (never in a message kept in the session).
            return render(request, "authorisations/third_party_created.html", {"registration": registration})
    return render(request, "authorisations/third_party_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@staff_required("authorisations.manage_thirdparty")
@posted_once(replay_to="authorisations:third_party_secret", replay_message=CLIENT_SECRET_ISSUED_ONCE)
def third_party_secret(request, pk):
    """GET asks first, naming the third party and offering to revoke the tokens already issued; POST
    gives its client a new secret, shown once on a page of its own (a leaked or lost secret). A client
    that cannot have one (public) is told why, and offered no form."""
    third_party = found_or_404(selectors.third_party_by_id(pk))
    refusal = selectors.third_party_secret_refusal(third_party)
    form = None if refusal else ThirdPartySecretForm(request.POST or None)
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            rotation = services.third_party_rotate_secret(
                actor=actor_for_user(request.user), third_party_id=third_party.pk, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            form_succeeded(request, _secret_issued_message(third_party, **form.cleaned_data))
            return render(request, "authorisations/third_party_secret_issued.html", {"rotation": rotation})
    context = {"third_party": third_party, "form": form, "refusal": refusal}
    return render(request, "authorisations/third_party_secret.html", context)


def _secret_issued_message(third_party: ThirdParty, *, revoke_tokens: bool) -> str:
    values = {"name": third_party.legal_name}
    if revoke_tokens:
        return _("%(name)s has a new client secret and the old one no longer works; the tokens issued to it "
                 "were revoked.") % values
    return _("%(name)s has a new client secret and the old one no longer works; the tokens issued before "
             "go on working until they expire.") % values


@staff_required("authorisations.manage_thirdparty")
@require_POST
def third_party_status(request, pk):
    actor = actor_for_user(request.user)
    try:
        if request.POST.get("suspend") == "1":
            services.third_party_suspend(
                actor=actor, third_party_id=pk, reason=request.POST.get("reason", "")[:500]
            )
        else:
            services.third_party_reactivate(actor=actor, third_party_id=pk)
    except DomainError as error:
        messages.error(request, error.text)
    return redirect("authorisations:third_party_list")


@staff_required("authorisations.revoke_authorisation")
@posted_once
def staff_revoke(request, pk):
    authorisation = found_or_404(selectors.authorisation_by_id(pk))
    form = StaffRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ended = services.authorisation_revoke(
                actor=actor_for_user(request.user), authorisation_id=pk, now=timezone.now(),
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_error(None, error.text)
        else:
            form_succeeded(request, _("Its term had ended: it is recorded as expired; the customer "
                                      "receives a receipt.") if selectors.expired_instead(ended)
                           else _("The authorisation is revoked; the customer receives a receipt."))
            return redirect(reverse("subjects:customer_detail", args=[authorisation.subject_id]))
    context = {"authorisation": authorisation, "form": form}
    context["can_revoke"] = revoke_offered(authorisation, request.user)
    return render(request, "authorisations/staff_revoke.html", context)
