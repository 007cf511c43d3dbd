"""The systems inventory page: systems holding personal data, their categories and retention rules."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.forms import form_submit, form_submit_with_messages
from dsr.inventory_forms import CategoryEditForm, CategoryForm, RetentionRuleForm, SystemForm
from dsr.selectors import data_category_by_id, retention_rule_by_id, system_by_id, systems_inventory
from dsr.services import inventory
from integrations.selectors import integration_clients


@staff_required("dsr.view_system")
def systems(request):
    # Both forms have name fields: ids of their own, so each label names its own form's field.
    context = {
        **systems_inventory(),
        "category_form": CategoryForm(auto_id="category_%s"),
        "rule_form": RetentionRuleForm(auto_id="rule_%s"),
    }
    return render(request, "dsr/systems.html", context)


@staff_required("dsr.change_system")
def system_edit(request, pk=None):
    system = None
    if pk is not None:
        system = found_or_404(system_by_id(pk))
    initial = {"active": True}
    if system is not None:
        initial = {
            **inventory.editable_values(system, inventory.SYSTEM_FIELDS),
            "categories": list(system.categories.all()),
        }
    form = SystemForm(request.POST or None, initial=initial, client_queryset=integration_clients())
    return _edit(request, form, system,
                 lambda actor, fields: inventory.system_save(actor=actor, system=system, **fields),
                 _("System saved."))


@staff_required("dsr.change_system")
def category_edit(request, pk):
    category = found_or_404(data_category_by_id(pk))
    initial = inventory.editable_values(category, inventory.CATEGORY_FIELDS)
    return _edit(request, CategoryEditForm(request.POST or None, initial=initial), category,
                 lambda actor, fields: inventory.category_save(actor=actor, category=category, **fields),
                 _("Category saved."))


@staff_required("dsr.change_system")
def rule_edit(request, pk):
    rule = found_or_404(retention_rule_by_id(pk))
    initial = inventory.editable_values(rule, inventory.RULE_FIELDS)
    return _edit(request, RetentionRuleForm(request.POST or None, initial=initial), rule,
                 lambda actor, fields: inventory.retention_rule_save(actor=actor, rule=rule, **fields),
                 _("Retention rule saved."))


@require_POST
@staff_required("dsr.change_system")
def category_add(request):
    return _add(request, CategoryForm,
                lambda actor, fields: inventory.category_save(actor=actor, category=None, **fields),
                _("Category added."))


@require_POST
@staff_required("dsr.change_system")
def rule_add(request):
    return _add(request, RetentionRuleForm,
                lambda actor, fields: inventory.retention_rule_save(actor=actor, rule=None, **fields),
                _("Retention rule added."))


def _edit(request, form, item, save, success_message):
    """An inventory item's own page (a system, a category, a rule): its form, saved through `save`,
    then back to the inventory; a refusal shows the form again with the reason."""
    if request.method == "POST" and form_submit(
        request, form, lambda: save(actor_for_user(request.user), form.cleaned_data), success_message
    ):
        return redirect("dsr:systems")
    return render(request, "dsr/inventory_edit.html", {"form": form, "item": item})


def _add(request, form_class, save, success_message):
    """Add a category or a retention rule from the small forms on the systems page, then back to it."""
    form = form_class(request.POST)
    form_submit_with_messages(
        request, form, lambda: save(actor_for_user(request.user), form.cleaned_data), success_message
    )
    return redirect("dsr:systems")
