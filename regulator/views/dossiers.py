"""Impact-assessment dossier pages: what each purpose and transfer needs, and one dossier's
document with its versions, edit and filing."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.forms import form_submit
from regulator import services
from regulator.documents import dossier_document
from regulator.forms import DossierEditForm, DossierFileForm
from regulator.models import Dossier
from regulator.reader_names import facts_in_reader_language
from regulator.selectors import (
    dossier_allowed_actions,
    dossier_by_id,
    dossier_duties,
    dossier_facts_changed,
    dossier_filed_as_is,
    dossier_version,
    dossiers_no_longer_due,
)
from regulator.views.common import json_download


@staff_required("regulator.view_dossier")
def dossier_list(request):
    now = timezone.now()
    duties = dossier_duties()
    return render(
        request,
        "regulator/dossier_list.html",
        {
            "duties": duties,
            "ended": dossiers_no_longer_due(duties),
            "now": now,
            "can_manage": request.user.has_perm("regulator.manage_dossier"),
        },
    )


@require_POST
@staff_required("regulator.manage_dossier")
def dossiers_sync(request):
    result = services.dossiers_sync(actor=actor_for_user(request.user))
    messages.success(
        request, _("%(created)s dossiers created, %(versioned)s updated from the catalogue.") % result
    )
    return redirect("regulator:dossier_list")


def _dossier_or_404(pk) -> Dossier:
    return found_or_404(dossier_by_id(pk))


def _detail(request, dossier, *, edit_form=None, file_form=None, status=200):
    version = dossier_version(dossier, request.GET.get("version"))
    doc = dossier_document(dossier, version=version)
    can_manage = request.user.has_perm("regulator.manage_dossier")
    return render(
        request,
        "regulator/dossier_detail.html",
        {
            "dossier": dossier,
            "doc": {**doc, "facts": facts_in_reader_language(doc["facts"])},
            "filed": dossier_filed_as_is(dossier),
            "facts_changed": dossier_facts_changed(dossier),
            "now": timezone.now(),
            "edit_form": edit_form or DossierEditForm(initial={"assessment": dossier.assessment}),
            "file_form": file_form or DossierFileForm(),
            "actions": dossier_allowed_actions(dossier, actor_for_user(request.user)) if can_manage else (),
        },
        status=status,
    )


@staff_required("regulator.view_dossier")
def dossier_detail(request, pk):
    """The dossier as a printable page, or `?format=json` (`&version=N` for an earlier version)."""
    dossier = _dossier_or_404(pk)
    if request.GET.get("format") == "json":
        doc = dossier_document(dossier, version=dossier_version(dossier, request.GET.get("version")))
        return json_download(
            request,
            doc,
            filename=f"dossier-{dossier.kind}-{dossier.purpose.code}-v{doc['version']}.json",
            action="regulator.dossier.exported",
            target=dossier,
            audit_data={"version": doc["version"]},
        )
    return _detail(request, dossier)


@require_POST
@staff_required("regulator.manage_dossier")
def dossier_edit(request, pk):
    return _dossier_post(
        request,
        pk,
        DossierEditForm,
        services.dossier_edit,
        lambda version: _("Version %(v)s saved.") % {"v": version.version},
        form_name="edit_form",
    )


@require_POST
@staff_required("regulator.manage_dossier")
def dossier_file(request, pk):
    return _dossier_post(
        request,
        pk,
        DossierFileForm,
        services.dossier_file,
        _("Dossier recorded as filed."),
        form_name="file_form",
    )


def _dossier_post(request, pk, form_class, service, success, *, form_name: str):
    """One of the dossier page's forms: back to the page, or the page again with the refused form."""
    dossier = _dossier_or_404(pk)
    form = form_class(request.POST)
    if form_submit(
        request,
        form,
        lambda: service(actor=actor_for_user(request.user), dossier_id=dossier.pk, **form.cleaned_data),
        success,
    ):
        return redirect("regulator:dossier_detail", pk=dossier.pk)
    return _detail(request, dossier, status=400, **{form_name: form})
