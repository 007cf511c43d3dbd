"""`GET /api/v1/subjects/{id}/proof-bundle/`: a customer's proof bundle for an inspection, as JSON or
(`?format=html`, or `Accept: text/html`) the printable page; DPO and auditor, with the reason given in
`X-Access-Reason`, every taking audited (`regulator.services.proof_bundles`)."""

from __future__ import annotations

from django.contrib.auth.context_processors import PermWrapper
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.actors import actor_for_user
from core.errors import InvalidInput
from core.roles import user_role
from regulator.api.access import READ_PROOF_BUNDLE, READ_SCOPE
from regulator.services.proof_bundles import (
    REASON_REQUIRED,
    REASON_TOO_LONG,
    proof_bundle_export,
    proof_bundle_period,
)
from subjects.disclosure import ACCESS_REASON_HEADER

TEMPLATE = "regulator/proof_bundle.html"
# The service's refusals of the reason (`proof_bundle_export`), said of the header the API reads it from.
HEADER_MESSAGES = {
    REASON_REQUIRED: _(
        "Say why you are taking this customer's proof bundle in the X-Access-Reason header (the "
        "inspection's letter or case number): every proof bundle taken is recorded with its reason."
    ),
    REASON_TOO_LONG: _(
        "The reason in the X-Access-Reason header is too long: keep it to %(limit)s characters (the "
        "inspection's letter or case number)."
    ),
}


class ProofBundleHTMLRenderer(BaseRenderer):
    """The printable page of the same document, in the caller's language."""

    media_type = "text/html"
    format = "html"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # The caller's permissions choose the page's way back (customer page or audit trail).
        request = (renderer_context or {}).get("request")
        perms = PermWrapper(request.user) if request is not None else {}
        return render_to_string(TEMPLATE, {"bundle": data, "perms": perms})


class ProofBundleView(APIView):
    """The customer's consent events with their receipts and recipients' stops, requests with both
    clocks, third-party authorisations with their access reports, and the audit entries with their
    verification; `sha256` closes it (the SHA-256 of the canonical JSON of the rest)."""

    required_permissions = {"GET": READ_PROOF_BUNDLE}
    required_scopes = {"GET": READ_SCOPE}
    renderer_classes = [JSONRenderer, ProofBundleHTMLRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                ACCESS_REASON_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="Why the bundle is taken (the inspection's letter or case number).",
            ),
            OpenApiParameter(
                "from", str, description="YYYY-MM-DD or an ISO 8601 date-time; all history when left out."
            ),
            OpenApiParameter("to", str, description="YYYY-MM-DD (the whole day) or an ISO 8601 date-time."),
            OpenApiParameter("format", str, enum=["json", "html"]),
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "text/html"): OpenApiTypes.STR},
    )
    def get(self, request, pk):
        period = proof_bundle_period(request.query_params.get("from"), request.query_params.get("to"))
        role = user_role(request.user)
        try:
            bundle = proof_bundle_export(
                actor=actor_for_user(request.user),
                subject_id=pk,
                reason=request.headers.get(ACCESS_REASON_HEADER),
                fmt=request.accepted_renderer.format,
                role=role.value if role else "",
                period=period,
            )
        except InvalidInput as refused:
            if refused.field != "reason":
                raise
            # The service's rule, said of the header the caller sets.
            raise InvalidInput(
                HEADER_MESSAGES[refused.code], field=ACCESS_REASON_HEADER, code=refused.code, **refused.params
            ) from refused
        response = Response(bundle)
        response["Cache-Control"] = "no-store"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # A refusal is the API's JSON error whatever format was asked for.
        if response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
