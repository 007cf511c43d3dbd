"""`/api/v1/audit/` (entries, filtered) and `/api/v1/audit/verify/` (the chain check). Auditor and DPO."""
from __future__ import annotations

from dataclasses import asdict

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from audit.api.serializers import AuditEntrySerializer, ChainVerificationSerializer
from audit.selectors import audit_chain_verify, audit_entries
from core.api.permissions import RolePermission
from core.errors import InvalidInput
from core.references import subject_id_for_reference
from core.replica import replica_reads


def parse_since(value: str | None):
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise InvalidInput(
                _("'since' must be a date (YYYY-MM-DD) or an ISO 8601 date-time."), field="since"
            )
        moment = timezone.make_aware(timezone.datetime(day.year, day.month, day.day))
    elif timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class AuditEntryListView(generics.ListAPIView):
    permission_classes = [RolePermission]
    required_permissions = {"GET": "audit.view_auditentry"}
    required_scopes = {"GET": "audit:read"}
    serializer_class = AuditEntrySerializer

    def get_queryset(self):
        params = self.request.query_params
        return audit_entries(
            subject_id=subject_id_for_reference(params.get("subject")),
            action=params.get("action") or None,
            since=parse_since(params.get("since")),
        )

    @extend_schema(parameters=[
        OpenApiParameter("subject", str, description="Customer number (CIF) or subject id."),
        OpenApiParameter("action", str, description="Exact action name, or a prefix ending in '.'."),
        OpenApiParameter("since", str, description="Date or ISO 8601 date-time."),
    ])
    def get(self, request, *args, **kwargs):
        with replica_reads():
            return super().get(request, *args, **kwargs)


class AuditVerifyView(generics.GenericAPIView):
    permission_classes = [RolePermission]
    required_permissions = {"GET": "audit.view_auditentry"}
    required_scopes = {"GET": "audit:read"}
    serializer_class = ChainVerificationSerializer

    def get(self, request):
        return Response(ChainVerificationSerializer(asdict(audit_chain_verify())).data)
