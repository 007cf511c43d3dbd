"""The systems inventory page: systems holding personal data, their categories and retention rules."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import form_error
from dsr.forms import CategoryForm, RetentionRuleForm, SystemForm
from dsr.selectors import system_by_id, systems_inventory
from dsr.services import inventory
from integrations.selectors import integration_clients


@staff_required("dsr.view_system")
def systems(request):
    context = {
        **systems_inventory(),
        "category_form": CategoryForm(),
        "rule_form": RetentionRuleForm(),
    }
    return render(request, "dsr/systems.html", context)


@staff_required("dsr.change_system")
def system_edit(request, pk=None):
    system = None
    if pk is not None:
        system = found_or_404(system_by_id(pk))
    initial = {}
    if system is not None:
        initial = {
            "code": system.code,
            "name": system.name,
            "categories": list(system.categories.all()),
            "request_types": system.request_types,
            "integration_client": system.integration_client,
            "is_processor": system.is_processor,
            "active": system.active,
        }
    form = SystemForm(
        request.POST or None, initial=initial or {"active": True}, client_queryset=integration_clients()
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        categories = list(data.pop("categories"))
        try:
            inventory.system_save(
                actor=actor_for_user(request.user), system=system, categories=categories, **data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("System saved."))
            return redirect("dsr:systems")
    return render(request, "dsr/system_edit.html", {"form": form, "system": system})


@require_POST
@staff_required("dsr.change_system")
def category_add(request):
    form = CategoryForm(request.POST)
    _submit(
        request,
        form,
        lambda data: inventory.category_create(actor=actor_for_user(request.user), **data),
        _("Category added."),
    )
    return redirect("dsr:systems")


@require_POST
@staff_required("dsr.change_system")
def rule_add(request):
    form = RetentionRuleForm(request.POST)
    _submit(
        request,
        form,
        lambda data: inventory.retention_rule_create(actor=actor_for_user(request.user), **data),
        _("Retention rule added."),
    )
    return redirect("dsr:systems")


def _submit(request, form, call, success) -> None:
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return
    try:
        call(form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, success)
