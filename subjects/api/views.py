"""Data-subject endpoints: `/api/v1/subjects/`, `/api/v1/subjects/search/` and `/api/v1/subjects/{id}/`."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from core.access import subject_for_user
from core.actors import actor_for_user
from core.api.permissions import RolePermission
from core.errors import InvalidInput, NotFound
from integrations.api.idempotency import idempotent
from subjects import services
from subjects.api.serializers import (
    SubjectCreateSerializer,
    SubjectOutputSerializer,
    SubjectRectifySerializer,
    SubjectSearchSerializer,
)
from subjects.models import DataSubject
from subjects.selectors import SEARCHABLE_FIELDS, subject_filter_by_index, subject_list

SUBJECT_FILTERS = [
    OpenApiParameter("external_ref", str, description="Exact customer number (CIF)."),
]


def visible_subjects(user):
    """All subjects for staff and clients; only their own for a customer."""
    own = subject_for_user(user)
    queryset = subject_list()
    return queryset.filter(pk=own.pk) if own is not None else queryset


def resolve_guardian(guardian_id) -> DataSubject | None:
    if guardian_id is None:
        return None
    guardian = DataSubject.objects.filter(pk=guardian_id).first()
    if guardian is None:
        raise InvalidInput(_("No customer with this id exists to act as guardian."), field="guardian")
    return guardian


class SubjectListCreateView(generics.GenericAPIView):
    permission_classes = [RolePermission]
    required_permissions = {"GET": "subjects.view_datasubject", "POST": "subjects.add_datasubject"}
    required_scopes = {"GET": "subjects:read", "POST": "subjects:write"}
    customer_methods = ("GET",)
    serializer_class = SubjectOutputSerializer

    def get_queryset(self):
        queryset = visible_subjects(self.request.user)
        params = self.request.query_params
        for field in SEARCHABLE_FIELDS:
            if field in params:
                # Refused rather than ignored: a client relying on the old filter must not get everyone.
                raise InvalidInput(
                    _("Personal data never goes in a URL: search with POST /api/v1/subjects/search/."),
                    field=field,
                )
        if params.get("external_ref"):
            queryset = queryset.filter(external_ref=params["external_ref"])
        return queryset

    @extend_schema(parameters=SUBJECT_FILTERS, responses=SubjectOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        services.subject_personal_data_viewed(
            actor=actor_for_user(request.user), subjects=page, context="api.list"
        )
        return self.get_paginated_response(SubjectOutputSerializer(page, many=True).data)

    @extend_schema(request=SubjectCreateSerializer, responses={201: SubjectOutputSerializer})
    @idempotent
    def post(self, request):
        data = SubjectCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["guardian"] = resolve_guardian(fields.pop("guardian", None))
        subject = services.subject_create(actor=actor_for_user(request.user), **fields)
        return Response(SubjectOutputSerializer(subject).data, status=status.HTTP_201_CREATED)


class SubjectSearchView(generics.GenericAPIView):
    """Look a customer up by citizen ID, phone or e-mail, sent in the body so that no access log,
    proxy or browser history keeps it."""

    permission_classes = [RolePermission]
    required_permissions = {"POST": "subjects.view_datasubject"}
    required_scopes = {"POST": "subjects:read"}
    serializer_class = SubjectOutputSerializer
    queryset = DataSubject.objects.none()

    @extend_schema(request=SubjectSearchSerializer, responses=SubjectOutputSerializer(many=True))
    def post(self, request):
        data = SubjectSearchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = [(field, value) for field, value in data.validated_data.items() if value]
        if len(given) != 1:
            raise InvalidInput(_("Give exactly one of national_id, phone or email."))
        [(field, value)] = given
        found = subject_filter_by_index(subject_list(), field=field, value=value)
        page = self.paginate_queryset(found)
        services.subject_personal_data_viewed(
            actor=actor_for_user(request.user), subjects=page, context="api.search"
        )
        return self.get_paginated_response(SubjectOutputSerializer(page, many=True).data)


class SubjectDetailView(generics.GenericAPIView):
    permission_classes = [RolePermission]
    required_permissions = {"GET": "subjects.view_datasubject", "PATCH": "subjects.change_datasubject"}
    required_scopes = {"GET": "subjects:read", "PATCH": "subjects:write"}
    customer_methods = ("GET",)
    serializer_class = SubjectOutputSerializer

    def get_subject(self, pk) -> DataSubject:
        subject = visible_subjects(self.request.user).filter(pk=pk).first()
        if subject is None:
            raise NotFound(_("No such customer."))
        return subject

    @extend_schema(responses=SubjectOutputSerializer)
    def get(self, request, pk):
        subject = self.get_subject(pk)
        services.subject_personal_data_viewed(
            actor=actor_for_user(request.user), subjects=[subject], context="api.detail"
        )
        return Response(SubjectOutputSerializer(subject).data)

    @extend_schema(
        request=SubjectRectifySerializer, responses=SubjectOutputSerializer,
        description="Rectification by staff; audited with keyed fingerprints of old and new values. "
                    "`preferred_language` (not personal data) is audited with its old and new value.",
    )
    def patch(self, request, pk):
        subject = self.get_subject(pk)
        data = SubjectRectifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        reason = changes.pop("reason", "")
        language = changes.pop("preferred_language", None)
        if "guardian" in changes:
            changes["guardian"] = resolve_guardian(changes["guardian"])
        subject = services.subject_rectify(
            actor=actor_for_user(request.user), subject_id=subject.pk, changes=changes, reason=reason,
            preferred_language=language,
        )
        return Response(SubjectOutputSerializer(subject).data)
