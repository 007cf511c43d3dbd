"""A form posted twice records once: one-time form tokens for the pages that record something.

A double click on "Save", or the same form sent again from the browser's history, reached the service
twice: two requests with two references, two sets of clocks and two "received" messages; two refusals
counted in the consent report. Every page form that records something carries a random token in a
hidden input (`{% form_once %}`, from `integrations/templatetags/form_once.py`; a new one each time the
page is shown), and its view is decorated with `posted_once`.

The token is an idempotency key of the person signed in, `form:<token>`, in the store the API's
`Idempotency-Key` uses (`integrations.api.idempotency`: the same claim, answer and weekly expiry). The
first post of a token runs as one unit of work (`core.db.UnitOfWork`): the claim, the service's write
and the answer (where the page went next) commit together. Another post of the same token writes
nothing: it goes where the first one went and says the form was already recorded, or, when its answers
differ, that nothing was changed. Only a post whose service call succeeded (`core.forms.form_succeeded`)
and that moved on to another page keeps its claim; one the form or the service refused gives it up,
so the corrected form can be sent. A post without a token (a page shown before this release) runs as
before.

A form that issues a secret (a webhook's signing secret, a third party's client secret) answers with the
secret on a page of its own, shown once, not with a redirect: its view names `replay_to`, the page a
second post goes to, and `replay_message`, which says the secret was shown once and what to do if it was
lost. The answer stored for the token is that page's address, never the page with the secret.
"""
from __future__ import annotations

import functools
import json
import re
import secrets

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.db import UnitOfWork
from core.forms import form_has_succeeded
from integrations.api.idempotency import IN_FLIGHT_WAIT_SECONDS, request_fingerprint
from integrations.errors import IdempotencyKeyBusy
from integrations.selectors import idempotency_record
from integrations.services import idempotency_answer_store, idempotency_claim, idempotency_claim_release

FIELD = "form_once"
KEY_PREFIX = "form:"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Fields every form posts that say nothing about what it records.
_NOT_ANSWERS = frozenset({FIELD, "csrfmiddlewaretoken"})


def form_token() -> str:
    """A new token for a form's hidden input."""
    return secrets.token_urlsafe(24)


def posted_once(view=None, /, *, replay_to: str = "", replay_message: str | Promise = ""):
    """Decorate a page view (inside its access check) whose POST records something: `@posted_once`.

    `@posted_once(replay_to=..., replay_message=...)` for a view whose success is a page of its own (a
    secret shown once): `replay_to` is the URL name, reversed with the view's own arguments, of the page
    a second post of the form goes to; `replay_message` is what it is told there."""
    if view is None:
        return functools.partial(posted_once, replay_to=replay_to, replay_message=replay_message)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not _TOKEN.match(token) or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key, fingerprint = KEY_PREFIX + token, _fingerprint(request)
        try:
            with UnitOfWork():
                record = idempotency_claim(
                    owner=request.user, key=key, fingerprint=fingerprint, wait_seconds=IN_FLIGHT_WAIT_SECONDS
                )
                if record is None:
                    return _replay(request, key, fingerprint, replay_message)
                response = view(request, *args, **kwargs)
                if form_has_succeeded(request) and (location := _went_to(response, replay_to, kwargs)):
                    idempotency_answer_store(
                        record=record, status=response.status_code, body={"location": location}
                    )
                else:
                    idempotency_claim_release(record=record)
                return response
        except IdempotencyKeyBusy:
            # PostgreSQL only: the first post still runs after IN_FLIGHT_WAIT_SECONDS.
            messages.warning(
                request,
                _("This form is still being recorded. Look at the page again in a moment before sending it "
                  "once more."),
            )
            return redirect(request.get_full_path())

    return wrapper


def _fingerprint(request) -> str:
    answers = sorted((name, values) for name, values in request.POST.lists() if name not in _NOT_ANSWERS)
    files = sorted((name, upload.name, upload.size) for name, upload in request.FILES.items())
    return request_fingerprint(json.dumps([request.path, answers, files]))


def _went_to(response, replay_to: str, view_kwargs: dict) -> str:
    """Where a second post of the form goes: where the first was redirected, or, for a page shown once,
    the view's `replay_to` (the address only: the page itself holds the secret)."""
    if response.has_header("Location"):
        return response["Location"]
    return reverse(replay_to, kwargs=view_kwargs) if replay_to else ""


def _replay(request, key: str, fingerprint: str, replay_message: str | Promise):
    record = idempotency_record(owner=request.user, key=key)
    answer = json.loads(record.response_body) if record is not None and record.response_body else {}
    if record is not None and record.request_fingerprint != fingerprint:
        messages.warning(
            request,
            _("This form had already been sent with other answers, and nothing was changed: what it "
              "recorded the first time is shown here. To record something else, open the form again."),
        )
        if replay_message:
            messages.info(request, replay_message)
    else:
        messages.info(request, replay_message or _("This form had already been sent. It is recorded once; "
                                                   "nothing was recorded again."))
    return redirect(answer.get("location") or request.path)
