"""Pages: what customers read (signed in or not) and the DPO's editor of those texts."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.access import customer_required, staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import form_error
from transparency.forms import TextForm
from transparency.models import TextKind
from transparency.selectors import (
    purpose_notices,
    rights_links,
    text_current,
    text_versions,
    texts_current,
)
from transparency.services import PUBLISH_PERMISSION, transparency_text_publish


def _privacy_context() -> dict:
    return {
        "texts": texts_current(),
        "notice_versions": text_versions(TextKind.PRIVACY_NOTICE),
        "purpose_notices": purpose_notices(),
        "rights": rights_links(),
    }


def public_privacy(request):
    """The privacy page anyone may read, signed in or not."""
    return render(request, "transparency/public_privacy.html", _privacy_context())


@customer_required
def me_privacy(request, subject):
    return render(request, "transparency/me_privacy.html", _privacy_context())


@customer_required
def me_security(request, subject):
    return render(request, "transparency/me_security.html", {"text": text_current(TextKind.SECURITY)})


@staff_required(PUBLISH_PERMISSION)
def portal_texts(request):
    rows = [
        {"kind": kind, "label": label, "current": text_current(kind)} for kind, label in TextKind.choices
    ]
    return render(request, "transparency/portal_texts.html", {"rows": rows})


@staff_required(PUBLISH_PERMISSION)
def portal_text_edit(request, kind):
    if kind not in TextKind.values:
        raise Http404
    current = text_current(kind)
    initial = {"body_vi": current.body_vi, "body_en": current.body_en} if current else {}
    form = TextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            transparency_text_publish(
                actor=actor_for_user(request.user), user=request.user, kind=kind, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The new version is published; customers read it now."))
            return redirect("transparency:portal_texts")
    return render(request, "transparency/portal_text_edit.html", {
        "form": form, "kind": kind, "label": TextKind(kind).label, "current": current,
        "versions": text_versions(kind), "needs_changes": kind == TextKind.PRIVACY_NOTICE,
    })
