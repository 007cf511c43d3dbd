"""The DPO's "Staff roles" page: every staff login (and every login without a role) with its role,
and a form per login to grant another staff role or remove it. Changes go through `user_role_set`,
which audits them; customers and integration accounts are listed elsewhere.
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.roles import STAFF_ROLES, Role, user_role
from core.selectors import role_managed_users
from core.services import user_role_set


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), required=False,
        choices=[("", gettext_lazy("No role (no access)"))]
        + [(role.value, role.label) for role in Role if role in STAFF_ROLES],
    )


@staff_required("auth.view_user")
def user_list_page(request):
    rows = [
        {"user": user, "role": role, "form": RoleForm(initial={"role": role.value if role else ""}),
         "is_self": user.pk == request.user.pk}
        for user, role in ((user, user_role(user)) for user in role_managed_users())
    ]
    return render(request, "core/users/list.html", {"rows": rows})


@require_POST
@staff_required("auth.change_user")
def user_role_page(request, pk):
    user = get_object_or_404(get_user_model(), pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        return redirect("core:users")
    role = Role(form.cleaned_data["role"]) if form.cleaned_data["role"] else None
    try:
        user_role_set(actor=actor_for_user(request.user), user=user, role=role)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("%(user)s: %(role)s.") % {
            "user": user.get_username(), "role": role.label if role else _("no role (no access)"),
        })
    return redirect("core:users")
