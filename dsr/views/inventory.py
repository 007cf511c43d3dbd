"""The systems inventory page: systems holding personal data, their categories and retention rules."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.forms import form_submit, form_submit_with_messages
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
    if request.method == "POST" and form_submit(
        request,
        form,
        lambda: inventory.system_save(actor=actor_for_user(request.user), system=system, **form.cleaned_data),
        _("System saved."),
    ):
        return redirect("dsr:systems")
    return render(request, "dsr/system_edit.html", {"form": form, "system": system})


@require_POST
@staff_required("dsr.change_system")
def category_add(request):
    return _add(request, CategoryForm, inventory.category_create, _("Category added."))


@require_POST
@staff_required("dsr.change_system")
def rule_add(request):
    return _add(request, RetentionRuleForm, inventory.retention_rule_create, _("Retention rule added."))


def _add(request, form_class, create, success_message):
    """Add a category or a retention rule from the small forms on the systems page, then back to it."""
    actor = actor_for_user(request.user)
    form = form_class(request.POST)
    form_submit_with_messages(
        request, form, lambda: create(actor=actor, **form.cleaned_data), success_message
    )
    return redirect("dsr:systems")
