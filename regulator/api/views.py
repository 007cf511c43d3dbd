"""Regulator API under /api/v1/: dossiers, the processing record and its activities, notice
announcements (breaches: `breaches.py`). DPO writes, DPO and auditor read; one view per operation."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from consents.services import announcement_runs, announcements
from core.actors import actor_for_user
from core.api.actions import caller_allowed_actions
from core.api.filters import ListFilterSet
from core.api.inputs import validated_body
from core.api.renderers import CSV_FORMAT_PARAMETER, LocalTimeJSONRenderer, ReportCSVRenderer, csv_download
from core.errors import NotFound
from core.replica import replica_reads
from regulator import services
from regulator.api.access import (
    DOSSIER_RIGHT,
    MANAGE_ANNOUNCEMENT,
    MANAGE_DOSSIER,
    READ_DOSSIER,
    READ_REGULATOR,
    READ_SCOPE,
    WRITE_SCOPE,
)
from regulator.api.serializers import (
    ActivitySerializer,
    AnnouncementCreateSerializer,
    AnnouncementOutputSerializer,
    DossierEditSerializer,
    DossierFileSerializer,
    DossierOutputSerializer,
)
from regulator.documents import dossier_document, processing_record, processing_record_csv
from regulator.models import Dossier, DossierStatus
from regulator.selectors import (
    announcement_list,
    dossier_allowed_actions,
    dossier_by_id,
    dossier_facts_changed,
    dossier_list,
    dossier_version,
    processing_activity_codes,
)


class DossierFilterSet(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=DossierStatus.choices)
    messages = {"status": _("Unknown status.")}


class DossierListView(generics.GenericAPIView):
    required_permissions = {"GET": READ_DOSSIER}
    required_scopes = {"GET": READ_SCOPE}
    serializer_class = DossierOutputSerializer
    list_filters = DossierFilterSet

    def get_queryset(self):
        return dossier_list()

    @extend_schema(parameters=[OpenApiParameter("status", str)], responses=DossierOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(DossierFilterSet.apply(request.query_params, self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DossierSyncView(APIView):
    """Create the dossiers the catalogue calls for and version those whose facts changed."""

    required_permissions = {"POST": MANAGE_DOSSIER}
    required_scopes = {"POST": WRITE_SCOPE}

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        return Response(services.dossiers_sync(actor=actor_for_user(request.user)))


def _dossier(pk) -> Dossier:
    dossier = dossier_by_id(pk)
    if dossier is None:
        raise NotFound(_("No dossier with this id."))
    return dossier


def _dossier_answer(request, dossier: Dossier, version) -> dict:
    """The dossier document, and beside it whether the processing changed since the dossier's latest
    version and what the caller may do with the dossier now."""
    return {
        **dossier_document(dossier, version=version),
        "facts_changed": dossier_facts_changed(dossier),
        "allowed_actions": caller_allowed_actions(
            request, dossier, selector=dossier_allowed_actions, right=DOSSIER_RIGHT
        ),
    }


class DossierDocumentView(APIView):
    """The dossier document (`?version=N` for an earlier version) with its change log, and beside it
    `facts_changed`: whether the processing changed since the dossier's latest version and nobody has
    updated the dossiers from the catalogue since (filing is then refused, 409 `dossier_facts_changed`),
    as the dossier list gives it; and `allowed_actions`: what the caller may do with the dossier now, as
    the dossier page offers it (`edit`, `file`); empty for a reader or a token without
    `regulator:write`."""

    required_permissions = {"GET": READ_DOSSIER}
    required_scopes = {"GET": READ_SCOPE}

    @extend_schema(parameters=[OpenApiParameter("version", int)], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        dossier = _dossier(pk)
        number = request.query_params.get("version", "")
        version = dossier_version(dossier, number)
        if number and version is None:
            raise NotFound(_("No such version."))
        answer = _dossier_answer(request, dossier, version)
        services.document_export_record(
            actor=actor_for_user(request.user),
            action="regulator.dossier.exported",
            fmt="json",
            target=dossier,
            data={"version": answer["version"]},
        )
        return Response(answer)


class DossierVersionView(APIView):
    """A new version of the dossier (the DPO's assessment): the answer is the new version's document
    with the dossier's `allowed_actions`, as the document endpoint gives them."""

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
        return processing_record_csv(report)


class ProcessingRecordView(APIView):
    """The record of processing activities; `?format=csv` for a spreadsheet."""

    required_permissions = {"GET": READ_REGULATOR}
    required_scopes = {"GET": READ_SCOPE}
    renderer_classes = [LocalTimeJSONRenderer, ProcessingRecordCSVRenderer]

    @extend_schema(
        parameters=[CSV_FORMAT_PARAMETER], responses=OpenApiTypes.OBJECT
    )
    def get(self, request, *args, **kwargs):
        with replica_reads():
            record = processing_record()
        services.document_export_record(
            actor=actor_for_user(request.user),
            action="regulator.record.exported",
            fmt=request.accepted_renderer.format,
            data={"entries": len(record["entries"])},
        )
        return csv_download(request, Response(record), "processing-record.csv")


class AnnouncementListCreateView(generics.GenericAPIView):
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
    """Send a scheduled announcement now, as its page's "Send now" does."""

    required_permissions = {"POST": MANAGE_ANNOUNCEMENT}
    required_scopes = {"POST": WRITE_SCOPE}

    @extend_schema(
        request=None,
        responses={
            200: AnnouncementOutputSerializer,
            409: OpenApiResponse(OpenApiTypes.OBJECT, "Sent already, or not in a state that can be sent."),
            503: OpenApiResponse(
                OpenApiTypes.OBJECT, "`announcement_not_sent`: sending failed and nothing was sent. The "
                "failure is recorded as the announcements job records its own: the job tries again after "
                "the wait (`Retry-After`, seconds), or, after five failures in a row, the announcement is "
                "parked until `retry/`.",
            ),
        },
    )
    def post(self, request, pk):
        announcement = announcement_runs.announcement_send_now(
            actor=actor_for_user(request.user), announcement_id=pk
        )
        return Response(AnnouncementOutputSerializer(announcement, context={"request": request}).data)


class AnnouncementRetryView(APIView):
    """Put back an announcement the job parked after failing it again and again (`send_failed` goes back
    to `scheduled`, `ask_failed` to `sent`): the next hourly run tries it again; 409 for any other."""

    required_permissions = {"POST": MANAGE_ANNOUNCEMENT}
    required_scopes = {"POST": WRITE_SCOPE}

    @extend_schema(request=None, responses=AnnouncementOutputSerializer)
    def post(self, request, pk):
        announcement = announcement_runs.announcement_retry(
            actor=actor_for_user(request.user), announcement_id=pk
        )
        return Response(AnnouncementOutputSerializer(announcement, context={"request": request}).data)


class ActivityView(APIView):
    """Where one purpose's data lives (systems, categories), whose it is and how it is protected."""

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
