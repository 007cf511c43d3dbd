"""Consents API: the consent check of one customer (now or as of a past moment), of a campaign's list,
and of who turned to "no" since the list was checked."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from consents import selectors, services
from consents.api.serializers import BulkCheckInputSerializer, CheckOutputSerializer
from consents.api.served import is_processor, purpose_served_check, recipients_asking
from core.actors import actor_for_user
from core.api.filters import query_parameters_check
from core.api.inputs import validated_body
from core.errors import InvalidInput
from core.moments import parse_moment
from subjects.disclosure import subject_refs_asked_about


def _past_moment(value: str, *, field: str) -> datetime:
    """A moment read by the API's one parser of dates (a date, or an ISO date-time in the bank's zone
    when it has no offset, within the range a person can mean), not in the future."""
    moment = parse_moment(value, field=field)
    if moment > timezone.now():
        raise InvalidInput(_("`%(field)s` must not be in the future.") % {"field": field}, field=field)
    return moment


CHECK_PARAMETERS = [
    OpenApiParameter("subject", str, required=True, description="CIF"),
    OpenApiParameter("purpose", str, required=True, description="Purpose code"),
    OpenApiParameter(
        "at",
        OpenApiTypes.DATETIME,
        description="ISO date-time in the past (without an offset, in the bank's time zone; a "
        "date alone is its first moment), from 1900 on: the answer as it stood then, with the "
        "notice version of the consent in force at that moment.",
    ),
]
# Refused rather than ignored: `?as_of=` (for `at`) would otherwise get today's answer as if it were then's.
UNKNOWN_CHECK_PARAMETER = _("Unknown parameter; the consent check takes: %(filters)s.")


class ConsentCheckView(APIView):
    required_permissions = {"GET": "consents.view_consent"}
    required_scopes = {"GET": "consents:read"}

    @extend_schema(
        parameters=CHECK_PARAMETERS,
        responses=CheckOutputSerializer,
        description="Reasons: granted, legal_basis, no_consent, withdrawn, expired, reconsent_required, "
        "restricted, objected, legal_hold, child, purpose_inactive, refused, voided (a consent recorded in "
        "error and voided by the bank; with `at` before the void, the answer as it stood then), "
        "relationship_ended, deceased, recipient_not_named (asked by a recipient's own client for a purpose "
        "whose notice, or the version the customer consented to, does not name that recipient). A token "
        "serving some purposes only (a processor) reads not_allowed for deceased, child, relationship_ended "
        "and legal_hold: facts about the customer it does not need.",
    )
    def get(self, request):
        query_parameters_check(
            request.query_params, filters=[parameter.name for parameter in CHECK_PARAMETERS],
            message=UNKNOWN_CHECK_PARAMETER,
        )
        subject, purpose = request.query_params.get("subject"), request.query_params.get("purpose")
        if not subject or not purpose:
            raise InvalidInput(_("Give both ?subject=<CIF> and ?purpose=<code>."))
        purpose_served_check(request, purpose)
        if request.query_params.get("at"):
            at = _past_moment(request.query_params["at"], field="at")
            result = selectors.consent_check_as_of(
                subject_ref=subject, purpose_code=purpose, at=at, recipients=recipients_asking(request)
            )
        else:
            result = selectors.consent_check(
                subject_ref=subject, purpose_code=purpose, recipients=recipients_asking(request)
            )
        answer = {
            "allowed": result.allowed,
            "reason": services.reason_told(result.reason, processor=is_processor(request)),
            "consent": str(result.consent) if result.consent else None,
            "checked_at": result.checked_at,
        }
        if request.query_params.get("at"):
            answer["notice_version"] = result.notice_version
        subject_refs_asked_about([subject], user=request.user, context="api.consent_check")
        return Response(answer)


def _with_proof(answer: services.CampaignAnswer) -> dict:
    return {
        "checked_at": answer.checked_at,
        **answer.lists,
        "check_id": answer.proof,
        "answer_sha256": answer.digest,
    }


# The proof a campaign's answer carries (`consents.services.campaign_checks`).
PROOF_FIELDS = {
    "check_id": serializers.CharField(help_text="The audit entry that records this answer."),
    "answer_sha256": serializers.CharField(
        help_text="SHA-256 of the answer's lists as canonical JSON (keys sorted, no spaces, UTF-8): "
        "keep it with the sends; the bank's audit entry holds the same."
    ),
}


class ConsentCheckBulkView(APIView):
    required_permissions = {"POST": "consents.view_consent"}
    required_scopes = {"POST": "consents:read"}

    @extend_schema(
        request=BulkCheckInputSerializer,
        responses=inline_serializer(
            "BulkCheck",
            {
                "purpose": serializers.CharField(),
                "allowed": serializers.ListField(),
                "not_allowed": serializers.ListField(),
                "unknown": serializers.ListField(),
                "moved": serializers.DictField(
                    child=serializers.CharField(),
                    help_text="Of the unknown numbers, those a customer left (renumbered or mistyped) → "
                              "the number now in use: send that one.",
                ),
                "checked_at": serializers.DateTimeField(),
                **PROOF_FIELDS,
            },
        ),
        description="For a campaign: which of up to 10,000 customers may be processed for one purpose. "
        "Each call is recorded once in the audit trail (who asked, when, the counts, `answer_sha256`).",
    )
    def post(self, request):
        data = validated_body(BulkCheckInputSerializer, request)
        purpose_served_check(request, data["purpose"])
        answer = services.campaign_list_check(
            actor=actor_for_user(request.user), purpose_code=data["purpose"], subject_refs=data["subjects"],
            processor=is_processor(request), recipients=recipients_asking(request),
        )
        answered = [*answer.lists["allowed"], *(row["subject"] for row in answer.lists["not_allowed"])]
        subject_refs_asked_about(answered, user=request.user, context="api.consent_check")
        return Response({"purpose": data["purpose"], **_with_proof(answer)})


CHANGES_PARAMETERS = [
    OpenApiParameter("purpose", str, required=True, description="Purpose code"),
    OpenApiParameter(
        "since",
        OpenApiTypes.DATETIME,
        required=True,
        description="When the list was last checked (the `checked_at` of that answer): ISO date-time in "
        "the past, without an offset in the bank's time zone.",
    ),
]
UNKNOWN_CHANGES_PARAMETER = _("Unknown parameter; the changes take: %(filters)s.")


class ConsentCheckChangesView(APIView):
    required_permissions = {"GET": "consents.view_consent"}
    required_scopes = {"GET": "consents:read"}

    @extend_schema(
        parameters=CHANGES_PARAMETERS,
        responses=inline_serializer(
            "CheckChanges",
            {
                "purpose": serializers.CharField(),
                "since": serializers.DateTimeField(),
                "checked_at": serializers.DateTimeField(),
                "recheck_list": serializers.CharField(allow_null=True),
                "not_allowed": serializers.ListField(),
                **PROOF_FIELDS,
            },
        ),
        description=(
            "For a campaign sent over days: the customers whose answer for the purpose turned to not "
            "allowed since `since` (withdrawn, objected, restricted, expired, stopped...), with their "
            "reason, by when each change was recorded (a withdrawal signed earlier but keyed in since is "
            "listed). Stop contacting them, and ask again with this answer's `checked_at`. `recheck_list` "
            "is null, or says why the whole list must be checked again with `consent-check/bulk/`: "
            "`reconsent_required` (a widening took effect), `purpose_inactive`, `recipient_not_named` (the "
            "purpose does not name the asking recipient), `too_many_changes` (more than 10,000 customers)."
        ),
    )
    def get(self, request):
        query_parameters_check(
            request.query_params, filters=[parameter.name for parameter in CHANGES_PARAMETERS],
            message=UNKNOWN_CHANGES_PARAMETER,
        )
        purpose, since = request.query_params.get("purpose"), request.query_params.get("since")
        if not purpose or not since:
            raise InvalidInput(_("Give both ?purpose=<code> and ?since=<when the list was checked>."))
        purpose_served_check(request, purpose)
        moment = _past_moment(since, field="since")
        answer = services.campaign_changes_check(
            actor=actor_for_user(request.user), purpose_code=purpose, since=moment,
            processor=is_processor(request), recipients=recipients_asking(request),
        )
        return Response({"purpose": purpose, "since": moment, **_with_proof(answer)})
