"""Regulator API under /api/v1/: breaches and their Form 08 phases, dossiers, the processing record,
notice announcements. DPO writes, DPO and auditor read; one view per operation, each write one service."""

from __future__ import annotations

import io

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from consents.services import announcements
from core.actors import actor_for_user
from core.api.actions import caller_allowed_actions
from core.api.filters import ListFilterSet, query_flag
from core.api.inputs import validated_body
from core.api.permissions import RolePermission
from core.api.renderers import ReportCSVRenderer, csv_download
from core.errors import NotFound
from core.replica import replica_reads
from core.spreadsheets import SpreadsheetWriter
from regulator import services
from regulator.api.access import (
    DOSSIER_RIGHT,
    MANAGE_ANNOUNCEMENT,
    MANAGE_BREACH,
    MANAGE_DOSSIER,
    READ_BREACH,
    READ_DOSSIER,
    READ_REGULATOR,
    READ_SCOPE,
    WRITE_SCOPE,
)
from regulator.api.serializers import (
    ActivitySerializer,
    AnnouncementCreateSerializer,
    AnnouncementOutputSerializer,
    BreachCreateSerializer,
    BreachOutputSerializer,
    BreachUpdateSerializer,
    CustomerNoticeDeclineSerializer,
    DossierEditSerializer,
    DossierFileSerializer,
    DossierOutputSerializer,
    NotifySerializer,
    PhaseOutputSerializer,
)
from regulator.documents import (
    PROCESSING_RECORD_CSV_COLUMNS,
    dossier_document,
    processing_record,
    processing_record_rows,
)
from regulator.models import Breach, BreachStatus, Dossier, DossierStatus
from regulator.selectors import (
    announcement_list,
    breach_by_id,
    breach_list,
    breach_phase_notification,
    dossier_allowed_actions,
    dossier_by_id,
    dossier_list,
    dossier_version,
    processing_activity_codes,
)


def _breach(pk) -> Breach:
    breach = breach_by_id(pk)
    if breach is None:
        raise NotFound("No breach with this id.")
    return breach


def _breach_answer(request, pk) -> dict:
    """The breach as it now stands, with what the caller may do next."""
    return BreachOutputSerializer(_breach(pk), context={"request": request}).data


class BreachFilterSet(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=BreachStatus.choices)
    messages = {"status": _("Unknown status.")}


class BreachListCreateView(generics.GenericAPIView):
    permission_classes = [RolePermission]
    required_permissions = {"GET": READ_BREACH, "POST": MANAGE_BREACH}
    required_scopes = {"GET": READ_SCOPE, "POST": WRITE_SCOPE}
    serializer_class = BreachOutputSerializer

    def get_queryset(self):
        return breach_list()

    @extend_schema(parameters=[OpenApiParameter("status", str)], responses=BreachOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(BreachFilterSet.apply(request.query_params, self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=BreachCreateSerializer, responses={201: BreachOutputSerializer})
    def post(self, request):
        data = validated_body(BreachCreateSerializer, request)
        breach = services.breach_record(actor=actor_for_user(request.user), **data)
        return Response(_breach_answer(request, breach.pk), status=status.HTTP_201_CREATED)


class BreachDetailView(APIView):
    permission_classes = [RolePermission]
    required_permissions = {"GET": READ_BREACH, "PATCH": MANAGE_BREACH}
    required_scopes = {"GET": READ_SCOPE, "PATCH": WRITE_SCOPE}

    @extend_schema(responses=BreachOutputSerializer)
    def get(self, request, pk):
        return Response(_breach_answer(request, pk))

    @extend_schema(request=BreachUpdateSerializer, responses=BreachOutputSerializer)
    def patch(self, request, pk):
        data = validated_body(BreachUpdateSerializer, request)
        services.breach_update(actor=actor_for_user(request.user), breach_id=pk, changes=data)
        return Response(_breach_answer(request, pk))


class BreachNotifyView(APIView):
    """Submit the next phase of the notification to A05 (the Form 08 document is frozen with it)."""

    permission_classes = [RolePermission]
    required_permissions = {"POST": MANAGE_BREACH}
    required_scopes = {"POST": WRITE_SCOPE}

    @extend_schema(request=NotifySerializer, responses={201: PhaseOutputSerializer})
    def post(self, request, pk):
        data = validated_body(NotifySerializer, request)
        phase = services.breach_notify(
            actor=actor_for_user(request.user), breach_id=pk, **data
        )
        return Response(PhaseOutputSerializer(phase).data, status=status.HTTP_201_CREATED)


class BreachPhaseDocumentView(APIView):
    """The Form 08 document of one phase, as submitted."""

    permission_classes = [RolePermission]
    required_permissions = {"GET": READ_BREACH}
    required_scopes = {"GET": READ_SCOPE}

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk, phase):
        notification = breach_phase_notification(pk, phase)
        if notification is None:
            raise NotFound("No such phase.")
        return Response(notification.document)


MailingJobSerializer = inline_serializer(
    "BreachMailingJob",
    {"id": serializers.UUIDField(), "status": serializers.CharField(), "job": serializers.URLField()},
)


class BreachCustomersView(APIView):
    permission_classes = [RolePermission]
    required_permissions = {"POST": MANAGE_BREACH}
    required_scopes = {"POST": WRITE_SCOPE}

    @extend_schema(
        request=None,
        parameters=[
            OpenApiParameter(
                "wait", bool, description="true: tell the customers within this request and answer 200 with "
                "the breach (the former behaviour; only for small banks, the web timeout is 60 s)"
            )
        ],
        responses={200: BreachOutputSerializer, 202: MailingJobSerializer},
    )
    def post(self, request, pk):
        actor = actor_for_user(request.user)
        if not query_flag(request.query_params, "wait"):
            # The default: a worker tells the customers chunk by chunk; the caller polls the job.
            job = services.breach_customers_notify_start(actor=actor, user=request.user, breach_id=pk)
            url = request.build_absolute_uri(reverse("job-detail", kwargs={"pk": job.pk}))
            return Response(
                {"id": str(job.pk), "status": job.status, "job": url},
                status=status.HTTP_202_ACCEPTED, headers={"Location": url},
            )
        services.breach_customers_notify(actor=actor, user=request.user, breach_id=pk)
        return Response(_breach_answer(request, pk))


class BreachCustomersDeclineView(APIView):
    """The DPO decides not to tell the affected customers, with the reason kept on record."""

    permission_classes = [RolePermission]
    required_permissions = {"POST": MANAGE_BREACH}

    @extend_schema(request=CustomerNoticeDeclineSerializer, responses=BreachOutputSerializer)
    def post(self, request, pk):
        data = validated_body(CustomerNoticeDeclineSerializer, request)
        services.breach_customers_not_notify(
            actor=actor_for_user(request.user), breach_id=pk, reason=data["reason"]
        )
        return Response(_breach_answer(request, pk))


class BreachCloseView(APIView):
    permission_classes = [RolePermission]
    required_permissions = {"POST": MANAGE_BREACH}
    required_scopes = {"POST": WRITE_SCOPE}

    @extend_schema(request=None, responses=BreachOutputSerializer)
    def post(self, request, pk):
        services.breach_close(actor=actor_for_user(request.user), breach_id=pk)
        return Response(_breach_answer(request, pk))


class DossierFilterSet(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=DossierStatus.choices)
    messages = {"status": _("Unknown status.")}


class DossierListView(generics.GenericAPIView):
    permission_classes = [RolePermission]
    required_permissions = {"GET": READ_DOSSIER}
    required_scopes = {"GET": READ_SCOPE}
    serializer_class = DossierOutputSerializer

    def get_queryset(self):
        return dossier_list()

    @extend_schema(parameters=[OpenApiParameter("status", str)], responses=DossierOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(DossierFilterSet.apply(request.query_params, self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DossierSyncView(APIView):
    """Create the dossiers the catalogue calls for and version those whose facts changed."""

    permission_classes = [RolePermission]
    required_permissions = {"POST": MANAGE_DOSSIER}
    required_scopes = {"POST": WRITE_SCOPE}

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        return Response(services.dossiers_sync(actor=actor_for_user(request.user)))


def _dossier(pk) -> Dossier:
    dossier = dossier_by_id(pk)
    if dossier is None:
        raise NotFound("No dossier with this id.")
    return dossier


def _dossier_answer(request, dossier: Dossier, version) -> dict:
    """The dossier document, and beside it what the caller may do with the dossier now."""
    return {
        **dossier_document(dossier, version=version),
        "allowed_actions": caller_allowed_actions(
            request, dossier, selector=dossier_allowed_actions, right=DOSSIER_RIGHT
        ),
    }


class DossierDocumentView(APIView):
    """The dossier document (`?version=N` for an earlier version) with its change log, and beside it
    `allowed_actions`: what the caller may do with the dossier now, as the dossier page offers it
    (`edit`, `file`); empty for a reader or a token without `regulator:write`."""

    permission_classes = [RolePermission]
    required_permissions = {"GET": READ_DOSSIER}
    required_scopes = {"GET": READ_SCOPE}

    @extend_schema(parameters=[OpenApiParameter("version", int)], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        dossier = _dossier(pk)
        number = request.query_params.get("version", "")
        version = dossier_version(dossier, number)
        if number and version is None:
            raise NotFound("No such version.")
        return Response(_dossier_answer(request, dossier, version))


class DossierVersionView(APIView):
    """A new version of the dossier (the DPO's assessment): the answer is the new version's document
    with the dossier's `allowed_actions`, as the document endpoint gives them."""

    permission_classes = [RolePermission]
    required_permissions = {"POST": MANAGE_DOSSIER}
    required_scopes = {"POST": WRITE_SCOPE}

    @extend_schema(request=DossierEditSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        data = validated_body(DossierEditSerializer, request)
        version = services.dossier_edit(
            actor=actor_for_user(request.user), dossier_id=pk, **data
        )
        return Response(_dossier_answer(request, _dossier(pk), version), status=status.HTTP_201_CREATED)


class DossierFileView(APIView):
    permission_classes = [RolePermission]
    required_permissions = {"POST": MANAGE_DOSSIER}
    required_scopes = {"POST": WRITE_SCOPE}

    @extend_schema(request=DossierFileSerializer, responses=DossierOutputSerializer)
    def post(self, request, pk):
        data = validated_body(DossierFileSerializer, request)
        dossier = services.dossier_file(
            actor=actor_for_user(request.user), dossier_id=pk, **data
        )
        return Response(DossierOutputSerializer(dossier, context={"request": request}).data)


class ProcessingRecordCSVRenderer(ReportCSVRenderer):
    report_key = "entries"

    def report_csv(self, report: dict) -> str:
        buffer = io.StringIO()
        writer = SpreadsheetWriter(buffer)
        writer.writerow(PROCESSING_RECORD_CSV_COLUMNS)
        writer.writerows(processing_record_rows(report))
        return buffer.getvalue()


class ProcessingRecordView(APIView):
    """The record of processing activities; `?format=csv` for a spreadsheet."""

    permission_classes = [RolePermission]
    required_permissions = {"GET": READ_REGULATOR}
    required_scopes = {"GET": READ_SCOPE}
    renderer_classes = [JSONRenderer, ProcessingRecordCSVRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["json", "csv"])], responses=OpenApiTypes.OBJECT
    )
    def get(self, request, *args, **kwargs):
        with replica_reads():
            response = Response(processing_record())
        return csv_download(request, response, "processing-record.csv")


class AnnouncementListCreateView(generics.GenericAPIView):
    permission_classes = [RolePermission]
    required_permissions = {"GET": READ_REGULATOR, "POST": MANAGE_ANNOUNCEMENT}
    required_scopes = {"GET": READ_SCOPE, "POST": WRITE_SCOPE}
    serializer_class = AnnouncementOutputSerializer

    def get_queryset(self):
        return announcement_list()

    @extend_schema(responses=AnnouncementOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=AnnouncementCreateSerializer, responses={201: AnnouncementOutputSerializer})
    def post(self, request):
        data = validated_body(AnnouncementCreateSerializer, request)
        announcement = announcements.announcement_schedule(
            actor=actor_for_user(request.user),
            notice_id=data["notice"],
        )
        return Response(
            AnnouncementOutputSerializer(announcement, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class AnnouncementSendView(APIView):
    permission_classes = [RolePermission]
    required_permissions = {"POST": MANAGE_ANNOUNCEMENT}
    required_scopes = {"POST": WRITE_SCOPE}

    @extend_schema(request=None, responses=AnnouncementOutputSerializer)
    def post(self, request, pk):
        announcement = announcements.announcement_send(actor=actor_for_user(request.user), announcement_id=pk)
        return Response(AnnouncementOutputSerializer(announcement, context={"request": request}).data)


class ActivityView(APIView):
    """Where one purpose's data lives (systems, categories), whose it is and how it is protected."""

    permission_classes = [RolePermission]
    required_permissions = {"PUT": MANAGE_DOSSIER}
    required_scopes = {"PUT": WRITE_SCOPE}

    @extend_schema(request=ActivitySerializer, responses=OpenApiTypes.OBJECT)
    def put(self, request, code):
        data = validated_body(ActivitySerializer, request)
        activity = services.activity_save(
            actor=actor_for_user(request.user), purpose_code=code, **data
        )
        return Response(
            {
                "purpose": code,
                **processing_activity_codes(activity),
                "data_subjects": activity.data_subjects,
                "security_measures": activity.security_measures,
                "started_at": activity.started_at,
            }
        )
