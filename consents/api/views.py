"""Consents API: consent records, withdrawal, receipts and the consent check (the catalogue and
withdrawal duties are in `consents.api.catalogue`).

One view per operation; each write calls one service. Customers reach only their own records.
"""

from __future__ import annotations

import uuid

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from consents import selectors, services
from consents.api.serializers import (
    ConsentCreateSerializer,
    ConsentOutputSerializer,
    SubjectWithdrawSerializer,
    WithdrawSerializer,
)
from consents.api.served import consent_served_check, is_processor, purpose_served_check, purposes_served
from consents.api.voids import ConsentDetailSerializer, VoidInputSerializer
from consents.models import Consent, ConsentStatus, Purpose
from consents.receipts import consent_receipt
from core.actors import actor_for_user
from core.api.inputs import validated_body
from core.api.permissions import caller_subject
from core.errors import DomainError, InvalidInput, NotFound
from integrations.api.idempotency import idempotent
from subjects.disclosure import ACCESS_REASON_HEADER, subject_view, subjects_listed
from subjects.filters import SubjectStatusFilterSet
from subjects.selectors import subject_by_cif_or_400


def _purpose_or_400(code: str, field: str = "purpose") -> Purpose:
    purpose = selectors.purpose_by_code(code or "")
    if purpose is None:
        raise InvalidInput(_("No purpose with this code."), field=field)
    return purpose


CONSENT_FILTERS = [
    OpenApiParameter("subject", str, description="Customer number (CIF)."),
    OpenApiParameter("purpose", str, description="Purpose code."),
    OpenApiParameter("status", str, enum=ConsentStatus.values),
]


class ConsentFilterSet(SubjectStatusFilterSet):
    purpose = django_filters.CharFilter(field_name="purpose__code")
    # As each consent reads (`consent_status_as_read`): a term that ended is "expired", swept or not.
    status = django_filters.ChoiceFilter(choices=(), method="of_status")
    status_choices = ConsentStatus.choices

    def of_status(self, queryset, name: str, value: str):
        return selectors.consents_reading_status(queryset, value, at=timezone.now())


class ConsentListCreateView(generics.GenericAPIView):
    required_permissions = {"GET": "consents.view_consent", "POST": "consents.add_consent"}
    required_scopes = {"GET": "consents:read", "POST": "consents:write"}
    customer_methods = ("GET",)
    serializer_class = ConsentOutputSerializer
    list_filters = ConsentFilterSet

    def get_queryset(self):
        visible = selectors.consents_visible_to(self.request.user, purposes=purposes_served(self.request))
        return ConsentFilterSet.apply(self.request.query_params, visible)

    @extend_schema(parameters=CONSENT_FILTERS, responses=ConsentOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        subjects_listed((consent.subject for consent in page), user=request.user, context="api.consents")
        shown = ConsentOutputSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(shown.data)

    @extend_schema(
        request=ConsentCreateSerializer,
        responses={201: ConsentOutputSerializer},
        description="Record a grant, or with `outcome: refused` the customer's explicit refusal "
        "(201 with `status: refused`; 409 `refusal_needs_withdrawal` while a consent is live). "
        "Honours Idempotency-Key. Refusals: 400 (no evidence for a branch, "
        "paper-form or call-centre consent, missing acknowledgement of sensitive data, child without "
        "guardian or, from 7 to under 16, without the child's agreement) or 409 (outdated notice, "
        "purpose not based on consent, already granted, `age_unknown` for a purpose barred to "
        "children when neither a date of birth nor an eKYC-verified adult status is on file; "
        "`answered_since` for an `answered_at` before the customer's later answer).",
    )
    @idempotent
    def post(self, request):
        values = validated_body(ConsentCreateSerializer, request)
        purpose_served_check(request, values["purpose"])
        guardian_ref = values.get("guardian")
        guardian = subject_by_cif_or_400(guardian_ref, field="guardian") if guardian_ref else None
        record = services.consent_refuse if values.get("outcome") == "refused" else services.consent_grant
        try:
            consent = record(
                actor=actor_for_user(request.user),
                request=services.GrantRequest(
                    subject=subject_by_cif_or_400(values["subject"]),
                    purpose=_purpose_or_400(values["purpose"]),
                    notice_version=values["notice_version"],
                    channel=values["channel"],
                    evidence=values["evidence"],
                    guardian=guardian,
                    sensitive_acknowledged=values["sensitive_acknowledged"],
                    expires_at=values["expires_at"],
                    child_agreed=values["child_agreed"],
                    child_evidence=values["child_evidence"],
                    session_ref=values["session"],
                    device=values["device"],
                    notice_language=values["notice_language"],
                    outcome_defaulted="outcome" not in values,
                    answered_at=values["answered_at"],
                ),
            )
        except DomainError as error:
            # A processor is refused without the fact about the customer behind it.
            raise services.refusal_told(error, processor=is_processor(request)) from None
        shown = ConsentOutputSerializer(consent, context={"request": request})
        return Response(shown.data, status=status.HTTP_201_CREATED)


class _OneConsentMixin:
    def get_consent(self, pk) -> Consent:
        consent = selectors.consent_visible_by_id(self.request.user, pk)
        if consent is None:
            raise NotFound(_("No such consent."))
        consent_served_check(self.request, consent)
        return consent


class ConsentDetailView(_OneConsentMixin, generics.GenericAPIView):
    required_permissions = {"GET": "consents.view_consent"}
    required_scopes = {"GET": "consents:read"}
    customer_methods = ("GET",)
    serializer_class = ConsentDetailSerializer

    def get(self, request, pk):
        return Response(self.get_serializer(self.get_consent(pk)).data)


class ConsentReceiptView(_OneConsentMixin, APIView):
    required_permissions = {"GET": "consents.view_consent"}
    required_scopes = {"GET": "consents:read"}
    customer_methods = ("GET",)

    @extend_schema(
        responses=inline_serializer(
            "ConsentReceipt", {"schema": serializers.CharField(), "record_id": serializers.UUIDField()}
        ),
        parameters=[
            OpenApiParameter("event", str, description="An event id: the receipt of that event."),
            OpenApiParameter(
                ACCESS_REASON_HEADER, str, OpenApiParameter.HEADER,
                description="Staff: why you need the customer's own words (`events[].reason`, a withdrawal "
                "reason). Without it they are masked (`***`); a client needs the `subjects:pii` scope. "
                "Recorded in the audit trail.",
            ),
        ],
        description="Consent receipt modelled on ISO/IEC TS 27560, frozen at the grant: the receipt of "
        "the latest event, or of `?event=`. The same event always gives the same document. A customer's "
        "copy leaves the bank's internal proof of collection out: `collection.evidence`, `session` and "
        "`device` are null; it says who acted (`events[].actor`, `collection.recorded_by`) in words in the "
        "customer's language (\"you\", \"bank staff at a branch\"), where staff see the bank's own label.",
    )
    def get(self, request, pk):
        consent = self.get_consent(pk)
        # A customer's copy leaves out the bank's internal proof of collection, as their receipt page.
        reader = caller_subject(request.user)
        # Staff and clients see the customer's words (a withdrawal reason) as they see a request's details.
        disclosure = None if reader is not None else subject_view(
            consent.subject, user=request.user, context="api.consent_receipt",
            reason=request.headers.get(ACCESS_REASON_HEADER), auth=request.auth,
        )
        return Response(consent_receipt(
            consent, event_id=_uuid_param(request, "event"), for_customer=reader is not None, reader=reader,
            disclosure=disclosure,
        ))


class ConsentWithdrawView(_OneConsentMixin, APIView):
    required_permissions = {"POST": "consents.change_consent"}
    required_scopes = {"POST": "consents:write"}
    # A customer may withdraw their own consent as easily as they gave it.
    customer_methods = ("POST",)

    @extend_schema(
        operation_id="consent_withdraw",
        request=WithdrawSerializer,
        responses=ConsentOutputSerializer,
        description="Withdraw; effective at once in the consent check. Honours Idempotency-Key.",
    )
    @idempotent
    def post(self, request, pk):
        data = validated_body(WithdrawSerializer, request)
        representative_id = data.pop("representative")
        self.get_consent(pk)  # 404 for a consent the caller does not see or whose purpose it does not serve
        own = caller_subject(request.user)
        consent = services.consent_withdraw(
            actor=actor_for_user(request.user),
            consent_id=pk,
            subject_id=own.pk if own else None,
            representative_id=representative_id,
            **data,
        )
        shown = ConsentOutputSerializer(self.get_consent(consent.pk), context={"request": request})
        return Response(shown.data)


class ConsentVoidView(_OneConsentMixin, APIView):
    required_permissions = {"POST": "consents.void_consent"}
    required_scopes = {"POST": "consents:write"}

    @extend_schema(
        operation_id="consent_void",
        request=VoidInputSerializer,
        responses={
            200: ConsentDetailSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, "A reason not in the list, or no note."),
            403: OpenApiResponse(
                OpenApiTypes.OBJECT,
                "Not the DPO or a privacy officer, or the one who recorded the consent (`four_eyes`).",
            ),
            404: OpenApiResponse(OpenApiTypes.OBJECT, "No such consent."),
            409: OpenApiResponse(
                OpenApiTypes.OBJECT,
                "Neither in force nor a refusal (`not_voidable`): withdrawn, expired...; or the customer's "
                "own answer, signed in (`customer_own_answer`; one an integration reported through a "
                "self-service channel is voided only as `wrong_customer`, else 400 on `reason`).",
            ),
        },
        description="Void a consent recorded in error (the wrong customer, the wrong purpose, twice): the "
        "check answers `voided` from now on (with `at` before the void, as it stood then), the recipients "
        "are told to stop as after a withdrawal; the event keeps the reason and the note (encrypted), the "
        "audit entry the reason and a keyed fingerprint of the note. "
        "Honours Idempotency-Key.",
    )
    @idempotent
    def post(self, request, pk):
        data = validated_body(VoidInputSerializer, request)
        consent = services.consent_void(actor=actor_for_user(request.user), consent_id=pk, **data)
        detail = ConsentDetailSerializer(self.get_consent(consent.pk), context={"request": request})
        return Response(detail.data)


class SubjectWithdrawView(APIView):
    required_permissions = {"POST": "consents.change_consent"}
    required_scopes = {"POST": "consents:write"}

    @extend_schema(
        operation_id="consents_withdraw_for_subject",
        request=SubjectWithdrawSerializer,
        responses=inline_serializer("SubjectWithdrawal", {"withdrawn": ConsentOutputSerializer(many=True)}),
        description="Withdraw several purposes (or all, when `purposes` is omitted) of one customer.",
    )
    @idempotent
    def post(self, request):
        values = validated_body(SubjectWithdrawSerializer, request)
        purposes = None
        if values.get("purposes"):
            for code in values["purposes"]:
                purpose_served_check(request, code)
            purposes = [_purpose_or_400(code, "purposes") for code in values["purposes"]]
        # "All" is all the token serves: a marketing platform's "stop everything" stops marketing.
        withdrawn = services.consents_withdraw_for_subject(
            actor=actor_for_user(request.user),
            subject=subject_by_cif_or_400(values["subject"]),
            purposes=purposes,
            served=purposes_served(request),
            channel=values["channel"],
            reason=values["reason"],
            evidence=values["evidence"],
            answered_at=values["answered_at"],
        )
        consents = selectors.consents_by_ids(c.pk for c in withdrawn)
        shown = ConsentOutputSerializer(consents, many=True, context={"request": request})
        return Response({"withdrawn": shown.data})


def _uuid_param(request, name: str) -> uuid.UUID | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput(_("Give an id."), field=name) from None
