"""Catalogue and duty endpoints: purposes, notice versions, recipients, withdrawal duties."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from consents import selectors, services
from consents.api.catalogue_serializers import (
    NoticeCreateSerializer,
    NoticeOutputSerializer,
    PurposeCreateSerializer,
    PurposeOutputSerializer,
    PurposeUpdateSerializer,
    RecipientCreateSerializer,
    RecipientEndSerializer,
    RecipientOutputSerializer,
)
from consents.api.serializers import (
    DUTY_ACKNOWLEDGE_RIGHT,
    AcknowledgeSerializer,
    DutyOutputSerializer,
    ImportOutputSerializer,
)
from consents.filters import DutyFilterSet
from consents.models import ConsentImport, NoticeVersion, Purpose, Recipient, WithdrawalDuty
from core.actors import actor_for_user
from core.api.conditional import IF_NONE_MATCH, NOT_MODIFIED, RevalidatedMixin
from core.api.filters import FLAG_MESSAGE, FlagFilter, ListFilterSet, query_flag
from core.api.inputs import validated_body
from core.errors import InvalidInput
from core.roles import Role, user_role
from integrations.api.idempotency import idempotent
from subjects.disclosure import subjects_listed


class PurposeFilterSet(ListFilterSet):
    active = FlagFilter()
    messages = {"active": FLAG_MESSAGE}


class PurposeListCreateView(RevalidatedMixin, generics.GenericAPIView):
    required_permissions = {"GET": "consents.view_purpose", "POST": "consents.add_purpose"}
    required_scopes = {"GET": "consents:read", "POST": "consents:admin"}
    customer_methods = ("GET",)
    serializer_class = PurposeOutputSerializer
    list_filters = PurposeFilterSet

    def get_queryset(self):
        return PurposeFilterSet.apply(self.request.query_params, selectors.purpose_list())

    @extend_schema(
        parameters=[OpenApiParameter("active", bool), IF_NONE_MATCH],
        responses={200: PurposeOutputSerializer(many=True), **NOT_MODIFIED},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PurposeOutputSerializer(page, many=True).data)

    @extend_schema(request=PurposeCreateSerializer, responses={201: PurposeOutputSerializer})
    def post(self, request):
        fields = validated_body(PurposeCreateSerializer, request)
        purpose = services.purpose_create(actor=actor_for_user(request.user), **fields)
        return Response(PurposeOutputSerializer(purpose).data, status=status.HTTP_201_CREATED)


class PurposeDetailView(RevalidatedMixin, generics.GenericAPIView):
    required_permissions = {"GET": "consents.view_purpose", "PATCH": "consents.manage_catalogue"}
    required_scopes = {"GET": "consents:read", "PATCH": "consents:admin"}
    customer_methods = ("GET",)
    serializer_class = PurposeOutputSerializer
    queryset = Purpose.objects.none()

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: PurposeOutputSerializer, **NOT_MODIFIED})
    def get(self, request, code):
        purpose = selectors.purpose_for_code(code, selectors.purpose_list())
        return Response(PurposeOutputSerializer(purpose).data)

    @extend_schema(
        request=PurposeUpdateSerializer,
        responses=PurposeOutputSerializer,
        description="Change a purpose. A change of recipients, destinations, sensitivity, data categories, "
        "legal basis or retention is a new version (`version`); a widening is significant and needs "
        "`effective_at` at least 30 days ahead, is announced to the customers, and consents to older "
        "versions then answer `reconsent_required`. Too early: 400 naming the earliest allowed date.",
    )
    def patch(self, request, code):
        changes = validated_body(PurposeUpdateSerializer, request, partial=True)
        recipients = changes.pop("recipients", None)
        effective_at = changes.pop("effective_at", None)
        version = {k: changes.pop(k, "") for k in ("notice_version", "notice_text_vi", "notice_text_en")}
        purpose = services.purpose_update(
            actor=actor_for_user(request.user),
            code=code,
            changes=changes,
            recipients=recipients,
            effective_at=effective_at,
            **version,
        )
        # The answer shows the purpose as stored, read as GET reads it.
        purpose = selectors.purpose_for_code(purpose.code, selectors.purpose_list())
        return Response(PurposeOutputSerializer(purpose).data)


class PurposeNoticeView(RevalidatedMixin, generics.GenericAPIView):
    required_permissions = {"GET": "consents.view_purpose", "POST": "consents.manage_catalogue"}
    required_scopes = {"GET": "consents:read", "POST": "consents:admin"}
    customer_methods = ("GET",)
    serializer_class = NoticeOutputSerializer
    queryset = NoticeVersion.objects.none()
    # Answered whole, as a bare list (a purpose has a handful of versions): the schema says so too.
    pagination_class = None

    @extend_schema(
        parameters=[IF_NONE_MATCH], responses={200: NoticeOutputSerializer(many=True), **NOT_MODIFIED}
    )
    def get(self, request, code):
        purpose = selectors.purpose_for_code(code)
        return Response(NoticeOutputSerializer(selectors.notice_versions(purpose), many=True).data)

    @extend_schema(
        request=NoticeCreateSerializer,
        responses={201: NoticeOutputSerializer},
        description="Publish a notice version; a material one makes earlier consents outdated. With "
        "`historical`, record a version in force before the platform was set up (see the field).",
    )
    def post(self, request, code):
        data = validated_body(NoticeCreateSerializer, request)
        actor = actor_for_user(request.user)
        if data.pop("historical"):
            if data.pop("material"):
                raise InvalidInput(
                    _("A past notice version is not a change: it cannot be material."), field="material"
                )
            effective_at = data.pop("effective_at", None)
            notice = services.notice_record_historical(
                actor=actor, code=code, effective_at=effective_at, **data
            )
        else:
            notice = services.notice_publish(actor=actor, code=code, **data)
        return Response(NoticeOutputSerializer(notice).data, status=status.HTTP_201_CREATED)


class RecipientListCreateView(generics.GenericAPIView):
    required_permissions = {"GET": "consents.view_recipient", "POST": "consents.manage_catalogue"}
    required_scopes = {"GET": "consents:read", "POST": "consents:admin"}
    serializer_class = RecipientOutputSerializer
    queryset = Recipient.objects.none()

    @extend_schema(responses=RecipientOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.recipient_list())
        return self.get_paginated_response(RecipientOutputSerializer(page, many=True).data)

    @extend_schema(request=RecipientCreateSerializer, responses={201: RecipientOutputSerializer})
    def post(self, request):
        data = validated_body(RecipientCreateSerializer, request)
        recipient = services.recipient_create(actor=actor_for_user(request.user), **data)
        return Response(RecipientOutputSerializer(recipient).data, status=status.HTTP_201_CREATED)


class RecipientEndView(APIView):
    required_permissions = {"POST": "consents.manage_catalogue"}
    required_scopes = {"POST": "consents:admin"}

    @extend_schema(
        request=RecipientEndSerializer,
        responses=RecipientOutputSerializer,
        description="Record that the bank's relationship with the recipient ended (its contract over): "
        "`active` becomes false, it is offered to no webhook endpoint, and a duty opened for it later "
        "goes without a notice, for staff to reach it. Its open duties stay open. 400 `reason` without "
        "one; 409 `recipient_still_named` while a purpose in force or announced names it (naming them), "
        "409 `recipient_ended` when already ended; 404 for no such recipient.",
    )
    def post(self, request, pk):
        data = validated_body(RecipientEndSerializer, request)
        recipient = services.recipient_end(actor=actor_for_user(request.user), recipient_id=pk, **data)
        return Response(RecipientOutputSerializer(recipient).data)


class DutyListView(generics.GenericAPIView):
    required_permissions = {"GET": "consents.view_withdrawalduty"}
    required_scopes = {"GET": "consents:read"}
    serializer_class = DutyOutputSerializer
    queryset = WithdrawalDuty.objects.none()
    list_filters = DutyFilterSet

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=WithdrawalDuty.Status.values),
            OpenApiParameter("kind", str, enum=WithdrawalDuty.Kind.values),
            OpenApiParameter("subject", str, description="The customer's number (CIF)."),
            OpenApiParameter("recipient", int, description="One recipient's id: every notice it was sent."),
            OpenApiParameter(
                "since", str,
                description="Received from this date (YYYY-MM-DD, Vietnam time) or ISO 8601 moment.",
            ),
            OpenApiParameter("until", str, description="Received before this date or moment (not included)."),
        ],
        description="Recipients' duties: to stop processing after a withdrawal (`kind=withdrawal`) or while "
        "a restriction or objection is in force (`kind=restriction`), to correct the customer's data "
        "after a rectification (`kind=rectification`, with the corrected `fields`), or to delete it after "
        "the customer's erasure (`kind=erasure`). An integration client sees its own recipients' duties.",
        responses=DutyOutputSerializer(many=True),
    )
    def get(self, request):
        duties = selectors.withdrawal_duties(
            client=request.user if user_role(request.user) == Role.CLIENT else None
        )
        page = self.paginate_queryset(DutyFilterSet.apply(request.query_params, duties))
        subjects_listed((duty.subject for duty in page), user=request.user, context="api.duties")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DutyAcknowledgeView(APIView):
    required_permissions = {"POST": DUTY_ACKNOWLEDGE_RIGHT.permission}
    required_scopes = {"POST": DUTY_ACKNOWLEDGE_RIGHT.scope}

    @extend_schema(
        request=AcknowledgeSerializer,
        responses=DutyOutputSerializer,
        description="The recipient confirms it stopped processing after the withdrawal, or corrected the "
        "data after the rectification. 409 `already_acknowledged`: the duty is already closed; 409 "
        "`called_off`: a stop called off (its restriction lifted before it was confirmed), nothing "
        "to confirm.",
    )
    @idempotent
    def post(self, request, pk):
        data = validated_body(AcknowledgeSerializer, request)
        client_id = request.user.pk if user_role(request.user) == Role.CLIENT else None
        duty = services.duty_acknowledge(
            actor=actor_for_user(request.user),
            duty_id=pk,
            client_user_id=client_id,
            note=data["note"],
            reference=data["reference"],
        )
        return Response(DutyOutputSerializer(duty, context={"request": request}).data)


ImportJobSerializer = inline_serializer(
    "ConsentImportJob",
    {"id": serializers.UUIDField(), "status": serializers.CharField(), "job": serializers.URLField()},
)


class ConsentImportView(generics.GenericAPIView):
    """CSV import of existing consents: bad rows come back with line numbers, re-runs import nothing twice."""

    required_permissions = {"GET": "consents.import_consents", "POST": "consents.import_consents"}
    required_scopes = {"GET": "consents:admin", "POST": "consents:admin"}
    parser_classes = [MultiPartParser]
    serializer_class = ImportOutputSerializer
    queryset = ConsentImport.objects.none()

    @extend_schema(responses=ImportOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.consent_imports())
        return self.get_paginated_response(ImportOutputSerializer(page, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer("ConsentImportUpload", {"file": serializers.FileField()})
        },
        parameters=[
            OpenApiParameter(
                "wait", bool, description="true: import within this request and answer 201 with the run "
                "(the former behaviour; only for small files, the web timeout is 60 s)"
            )
        ],
        responses={
            201: ImportOutputSerializer,
            202: ImportJobSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, "On `file`: a column missing, or a line that is not UTF-8 text (a file "
                "saved as Windows-1258 or ANSI; the message names the first such line and how Excel saves "
                "CSV UTF-8). Refused at upload: nothing is imported and no job is made.",
            ),
        },
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput(_("Attach the CSV file as “file”."), field="file")
        actor = actor_for_user(request.user)
        if not query_flag(request.query_params, "wait"):
            # The default: the file is kept and imported by a worker; the caller polls the job.
            job = services.consent_import_start(actor=actor, user=request.user, file=upload.file,
                                                filename=upload.name)
            url = request.build_absolute_uri(reverse("job-detail", kwargs={"pk": job.pk}))
            return Response(
                {"id": str(job.pk), "status": job.status, "job": url},
                status=status.HTTP_202_ACCEPTED, headers={"Location": url},
            )
        run = services.consents_import_upload(actor=actor, file=upload.file, filename=upload.name)
        return Response(ImportOutputSerializer(run).data, status=status.HTTP_201_CREATED)
