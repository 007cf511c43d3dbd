"""The proof bundle for an inspection, from the button on the staff customer page: the DPO or auditor
gives the reason (recorded) and the period, and gets the printable page or the JSON file."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import render

from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import form_error
from core.roles import user_role
from regulator.forms import ProofBundleForm
from regulator.services import proof_bundle_export, proof_bundle_period
from subjects.selectors import subject_by_id


@staff_required("regulator.view_regulator")
def proof_bundle(request, pk):
    subject = found_or_404(subject_by_id(pk))
    form = ProofBundleForm(request.POST or None)
    if request.method != "POST":
        return render(request, "regulator/proof_bundle_form.html", {"form": form, "subject": subject})
    if form.is_valid():
        data = form.cleaned_data
        role = user_role(request.user)
        try:
            period = proof_bundle_period(
                *(data[f].isoformat() if data[f] else None for f in ("since", "until"))
            )
            bundle = proof_bundle_export(
                actor=actor_for_user(request.user),
                subject_id=subject.pk,
                reason=form.reason_text(),
                fmt=data["format"],
                role=role.value if role else "",
                period=period,
            )
        except DomainError as error:
            form_error(form, error, field={"to": "until", "from": "since"}.get(error.field, error.field))
        else:
            return _answer(request, bundle, data["format"])
    response = render(
        request, "regulator/proof_bundle_form.html", {"form": form, "subject": subject}, status=400
    )
    return response


def _answer(request, bundle: dict, fmt: str) -> HttpResponse:
    if fmt == "json":
        response = HttpResponse(
            json.dumps(bundle, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        cif = bundle["header"]["customer"]["cif"]
        response["Content-Disposition"] = f'attachment; filename="proof-bundle-{cif}.json"'
    else:
        response = render(request, "regulator/proof_bundle.html", {"bundle": bundle})
    response["Cache-Control"] = "no-store"
    return response
