"""Impact-assessment dossier pages: what each purpose and transfer needs, and one dossier's
document with its versions, edit and filing."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import form_error
from regulator import services
from regulator.documents import dossier_document
from regulator.forms import DossierEditForm, DossierFileForm
from regulator.models import Dossier
from regulator.selectors import dossier_allowed_actions, dossier_duties, dossier_version
from regulator.views.common import json_download


@staff_required("regulator.view_dossier")
def dossier_list(request):
    now = timezone.now()
    return render(
        request,
        "regulator/dossier_list.html",
        {
            "duties": dossier_duties(),
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
    dossier = Dossier.objects.select_related("purpose", "recipient").filter(pk=pk).first()
    if dossier is None:
        raise Http404
    return dossier


def _detail(request, dossier, *, edit_form=None, file_form=None, status=200):
    version = dossier_version(dossier, request.GET.get("version"))
    can_manage = request.user.has_perm("regulator.manage_dossier")
    return render(
        request,
        "regulator/dossier_detail.html",
        {
            "dossier": dossier,
            "doc": dossier_document(dossier, version=version),
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
    dossier = _dossier_or_404(pk)
    form = DossierEditForm(request.POST)
    if form.is_valid():
        try:
            version = services.dossier_edit(
                actor=actor_for_user(request.user), dossier_id=dossier.pk, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Version %(v)s saved.") % {"v": version.version})
            return redirect("regulator:dossier_detail", pk=dossier.pk)
    return _detail(request, dossier, edit_form=form, status=400)


@require_POST
@staff_required("regulator.manage_dossier")
def dossier_file(request, pk):
    dossier = _dossier_or_404(pk)
    form = DossierFileForm(request.POST)
    if form.is_valid():
        try:
            services.dossier_file(
                actor=actor_for_user(request.user), dossier_id=dossier.pk, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Dossier recorded as filed."))
            return redirect("regulator:dossier_detail", pk=dossier.pk)
    return _detail(request, dossier, file_form=form, status=400)
