"""`/api/v1/audit/` (entries, filtered) and `/api/v1/audit/verify/` (the chain check). Auditor and DPO."""
from __future__ import annotations

import re
from dataclasses import asdict

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from audit.actions import ACTION_CATEGORIES
from audit.api.serializers import AuditEntrySerializer, ChainVerificationSerializer
from audit.selectors import audit_chain_verify, audit_entries, audit_target_check
from core.errors import InvalidInput
from core.moments import parse_moment, period_check
from core.references import subject_id_for_reference
from core.replica import replica_reads

# An entry's number: what a BIGINT holds, without a sign.
_SEQUENCE = re.compile(r"[0-9]{1,18}")


def _sequence_param(value: str | None, *, field: str) -> int | None:
    if not value:
        return None
    if not _SEQUENCE.fullmatch(value):
        raise InvalidInput(_("Give the number (sequence) of an audit entry, 0 or more."), field=field)
    return int(value)


AUDIT_FILTERS = [
    OpenApiParameter("subject", str, description="Customer number (CIF) or subject id."),
    OpenApiParameter("action", str, description="Exact action name, or a prefix ending in '.'."),
    OpenApiParameter(
        "actor", str,
        description="A staff member's or client's login name: the entries they did (who looked at whom).",
    ),
    OpenApiParameter(
        "target", str,
        description="The id of one record (a consent, a request...): the entries about it. With `subject` "
        "or `action` too.",
    ),
    OpenApiParameter(
        "category", str, enum=sorted(ACTION_CATEGORIES),
        description="A kind of action: `configuration` for every configuration change (purposes, notices, "
        "recipients, deadline policy and calendar, roles, tokens, webhooks, third parties, schedules, "
        "inventory), as the apps declare them.",
    ),
    OpenApiParameter(
        "since", str,
        description="Date or ISO 8601 date-time: entries recorded at or after it. `recorded_at` is "
        "the time of the change, which can commit later than entries recorded after it (an import "
        "keeps its start time): to copy the trail by polling, use `after_sequence`, not `since`.",
    ),
    OpenApiParameter(
        "until", str, description="Date or ISO 8601 date-time: entries recorded before it (not included).",
    ),
    OpenApiParameter(
        "after_sequence", int,
        description="Entries numbered after this one, the oldest first: poll with the highest "
        "`sequence` you have stored (0 at the start) and store the highest of each page. Numbers "
        "commit in order with no gap, so an entry committed after a poll is never missed.",
    ),
]


class AuditEntryListView(generics.ListAPIView):
    required_permissions = {"GET": "audit.view_auditentry"}
    required_scopes = {"GET": "audit:read"}
    serializer_class = AuditEntrySerializer
    list_filters = AUDIT_FILTERS

    def get_queryset(self):
        params = self.request.query_params
        since = parse_moment(params.get("since"), field="since")
        until = parse_moment(params.get("until"), field="until")
        period_check(since, until)
        subject_id = subject_id_for_reference(params.get("subject"))
        action, target_id = params.get("action") or None, params.get("target")
        category = params.get("category") or None
        audit_target_check(target_id, subject_id=subject_id, action=action, category=category)
        return audit_entries(
            subject_id=subject_id,
            action=action,
            target_id=target_id or None,
            category=category,
            since=since,
            until=until,
            after_sequence=_sequence_param(params.get("after_sequence"), field="after_sequence"),
            actor=params.get("actor") or None,
        )

    @extend_schema(
        parameters=AUDIT_FILTERS,
        description="Audit entries, the newest first (the oldest first with `after_sequence`).",
    )
    def get(self, request, *args, **kwargs):
        with replica_reads():
            return super().get(request, *args, **kwargs)


class AuditVerifyView(generics.GenericAPIView):
    required_permissions = {"GET": "audit.view_auditentry"}
    required_scopes = {"GET": "audit:read"}
    serializer_class = ChainVerificationSerializer

    @extend_schema(
        responses=ChainVerificationSerializer,
        description=(
            "Verify the whole audit chain in the database now (not recorded in the trail). `from_sequence` "
            "says where the check began: entry #1, or the first entry left once earlier months were "
            "archived; `archive` then names the signed archive record it began after. `restores` names the "
            "entries lost in restores from a backup older than the last checkpoint, and `restored_to` with "
            "`lost_through` a restore not recorded yet (the chain is then broken)."
        ),
    )
    def get(self, request):
        return Response(ChainVerificationSerializer(asdict(audit_chain_verify())).data)
