"""Consents API: the consent feed a core-banking batch pulls page by page (`consents.selectors.feed`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from consents import selectors, services
from consents.api.checks import PROOF_FIELDS
from consents.api.served import is_processor, purpose_served_check, recipients_asking
from core.actors import actor_for_user
from core.api.filters import query_parameters_check
from core.api.inputs import validated_body
from core.errors import InvalidInput
from integrations.api.idempotency import idempotent

FEED_PARAMETERS = [
    OpenApiParameter("purpose", str, required=True, description="Purpose code"),
    OpenApiParameter(
        "cursor", str,
        description="The `next` of the last page the batch loaded; none for the whole snapshot.",
    ),
    OpenApiParameter(
        "limit", int,
        description=f"Rows a page (1 to {selectors.FEED_PAGE_MAX}, default {selectors.FEED_PAGE_DEFAULT}).",
    ),
]
# Moments as every serializer of the API writes them, so an idempotent replay is the first answer's bytes.
_moment = serializers.DateTimeField().to_representation
UNKNOWN_FEED_PARAMETER = _("Unknown parameter; the consent feed takes: %(filters)s.")
BAD_LIMIT = _("`limit` is a whole number from 1 to %(most)s.")


def _limit(value: str | None) -> int:
    if value is None:
        return selectors.FEED_PAGE_DEFAULT
    if not value.isdigit() or not 1 <= int(value) <= selectors.FEED_PAGE_MAX:
        raise InvalidInput(BAD_LIMIT % {"most": selectors.FEED_PAGE_MAX}, field="limit")
    return int(value)


class ConsentFeedView(APIView):
    required_permissions = {"GET": "consents.view_consent"}
    required_scopes = {"GET": "consents:read"}

    @extend_schema(
        parameters=FEED_PARAMETERS,
        responses=inline_serializer(
            "ConsentFeed",
            {
                "purpose": serializers.CharField(),
                "items": serializers.ListField(
                    help_text="subject (CIF), allowed, reason, status, consent, notice_version, changed_at, "
                    "stop_by (for a \"no\" recorded in the last 60 days: when the bank's stop is due)."
                ),
                "next": serializers.CharField(allow_null=True),
                "more": serializers.BooleanField(),
                "reload": serializers.CharField(
                    allow_null=True,
                    help_text="Null, or why the answers loaded so far no longer hold (`reconsent_required`: "
                    "a widening took effect; `purpose_inactive` / `purpose_reactivated`: the purpose was "
                    "switched off / on again): read the snapshot again from the start, without a cursor.",
                ),
                "horizon": serializers.DateTimeField(),
                "checked_at": serializers.DateTimeField(),
                **PROOF_FIELDS,
            },
        ),
        description=(
            "For a core-banking batch: every customer's answer for one purpose, page by page in the order "
            "the answers were recorded. Without `cursor`, the whole snapshot; with the `next` of the last "
            "page loaded, each customer whose answer was recorded since, once (grants, withdrawals, "
            "restrictions, objections, deaths...). Keep `next` only after loading the page; while `more` is "
            "true ask again at once. Rows recorded after `horizon` (five minutes ago) come in a later pull, "
            "so none committed late is skipped. Each page is recorded once in the audit trail."
        ),
    )
    def get(self, request):
        query_parameters_check(
            request.query_params, filters=[parameter.name for parameter in FEED_PARAMETERS],
            message=UNKNOWN_FEED_PARAMETER,
        )
        purpose = request.query_params.get("purpose")
        if not purpose:
            raise InvalidInput(_("Give ?purpose=<code>."), field="purpose")
        limit = _limit(request.query_params.get("limit"))
        cursor = request.query_params.get("cursor")
        after = selectors.feed_position_read(cursor, purpose_code=purpose) if cursor else None
        purpose_served_check(request, purpose)
        answer = services.consent_feed_read(
            actor=actor_for_user(request.user), purpose_code=purpose, after=after, limit=limit,
            processor=is_processor(request), recipients=recipients_asking(request),
        )
        return Response({
            "purpose": purpose, "items": answer.items, "next": answer.next, "more": answer.more,
            "reload": answer.reload,
            "horizon": _moment(answer.horizon), "checked_at": _moment(answer.checked_at),
            "check_id": answer.proof, "answer_sha256": answer.digest,
        })


class FeedAppliedInputSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=64)
    cursor = serializers.CharField(max_length=400)


class ConsentFeedAppliedView(APIView):
    required_permissions = {"POST": "consents.view_consent"}
    required_scopes = {"POST": "consents:read"}

    @extend_schema(
        request=FeedAppliedInputSerializer,
        responses=inline_serializer(
            "ConsentFeedApplied",
            {
                "purpose": serializers.CharField(),
                "applied_through": serializers.DateTimeField(),
                "acknowledged_at": serializers.DateTimeField(),
                "check_id": serializers.CharField(help_text="The audit entry that records it."),
            },
        ),
        description=(
            "The batch's word that the core applied every answer of the feed up to `cursor` (the `next` of "
            "the last page it applied): every stop whose `changed_at` is at or before `applied_through` was "
            "applied by `acknowledged_at`, which ends the 72-hour chain for that stop. Recorded in the audit "
            "trail (`consents.feed.applied`). Honours `Idempotency-Key`: a retry records nothing new."
        ),
    )
    @idempotent
    def post(self, request):
        data = validated_body(FeedAppliedInputSerializer, request)
        through = selectors.feed_position_read(data["cursor"], purpose_code=data["purpose"])
        purpose_served_check(request, data["purpose"])
        applied = services.consent_feed_applied(
            actor=actor_for_user(request.user), purpose_code=data["purpose"], through=through
        )
        return Response({
            "purpose": data["purpose"], "applied_through": _moment(applied.applied_through),
            "acknowledged_at": _moment(applied.acknowledged_at), "check_id": applied.proof,
        })
