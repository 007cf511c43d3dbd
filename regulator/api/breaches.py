"""Regulator API, breaches: the breach record, its Form 08 phases to A05, telling the affected
customers (or the recorded decision not to), closing. DPO writes, DPO and auditor read."""

from __future__ import annotations

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    OpenApiTypes,
    extend_schema,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.actors import actor_for_user
from core.api.filters import ListFilterSet, query_flag
from core.api.inputs import validated_body
from core.errors import NotFound
from regulator import services
from regulator.api.access import MANAGE_BREACH, READ_BREACH, READ_SCOPE, WRITE_SCOPE
from regulator.api.serializers import (
    BreachCreateSerializer,
    BreachOutputSerializer,
    BreachUpdateSerializer,
    CustomerNoticeDeclineSerializer,
    NotifySerializer,
    PhaseOutputSerializer,
    PhaseReferenceSerializer,
)
from regulator.models import Breach, BreachStatus
from regulator.selectors import breach_by_id, breach_list, breach_phase_notification


def _breach(pk) -> Breach:
    breach = breach_by_id(pk)
    if breach is None:
        raise NotFound(_("No breach with this id."))
    return breach


def _breach_answer(request, pk) -> dict:
    """The breach as it now stands, with what the caller may do next."""
    return BreachOutputSerializer(_breach(pk), context={"request": request}).data


class BreachFilterSet(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=BreachStatus.choices)
    messages = {"status": _("Unknown status.")}


class BreachListCreateView(generics.GenericAPIView):
    required_permissions = {"GET": READ_BREACH, "POST": MANAGE_BREACH}
    required_scopes = {"GET": READ_SCOPE, "POST": WRITE_SCOPE}
    serializer_class = BreachOutputSerializer
    list_filters = BreachFilterSet

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
    required_permissions = {"GET": READ_BREACH, "PATCH": MANAGE_BREACH}
    required_scopes = {"GET": READ_SCOPE, "PATCH": WRITE_SCOPE}

    @extend_schema(responses=BreachOutputSerializer)
    def get(self, request, pk):
        return Response(_breach_answer(request, pk))

    @extend_schema(
        request=BreachUpdateSerializer,
        responses={
            200: BreachOutputSerializer,
            409: OpenApiResponse(
                OpenApiTypes.OBJECT,
                "`breach_closed`: a closed breach cannot change. `breach_times_notified`: the authority has "
                "been notified, so `occurred_at` and `detected_at` can no longer be corrected.",
            ),
        },
    )
    def patch(self, request, pk):
        data = validated_body(BreachUpdateSerializer, request)
        services.breach_update(actor=actor_for_user(request.user), breach_id=pk, changes=data)
        return Response(_breach_answer(request, pk))


class BreachNotifyView(APIView):
    """Submit the next phase of the notification to A05 (the Form 08 document is frozen with it)."""

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
    """The Form 08 document of one phase, as submitted; PATCH records the authority's reference of a
    phase submitted without one (A05 issues it afterwards), once."""

    required_permissions = {"GET": READ_BREACH, "PATCH": MANAGE_BREACH}
    required_scopes = {"GET": READ_SCOPE, "PATCH": WRITE_SCOPE}

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk, phase):
        notification = breach_phase_notification(pk, phase)
        if notification is None:
            raise NotFound(_("No such phase."))
        services.document_export_record(
            actor=actor_for_user(request.user),
            action="regulator.breach.exported",
            fmt="json",
            target=notification.breach,
            data={"phase": phase},
        )
        return Response(notification.document)

    @extend_schema(
        request=PhaseReferenceSerializer,
        responses={
            200: PhaseOutputSerializer,
            409: OpenApiResponse(
                OpenApiTypes.OBJECT,
                "`reference_recorded`: the phase's authority reference is already recorded.",
            ),
        },
    )
    def patch(self, request, pk, phase):
        data = validated_body(PhaseReferenceSerializer, request)
        notification = services.breach_phase_reference_record(
            actor=actor_for_user(request.user), breach_id=pk, phase=phase, **data
        )
        return Response(PhaseOutputSerializer(notification).data)


MailingJobSerializer = inline_serializer(
    "BreachMailingJob",
    {"id": serializers.UUIDField(), "status": serializers.CharField(), "job": serializers.URLField()},
)


class BreachCustomersView(APIView):
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

    required_permissions = {"POST": MANAGE_BREACH}
    required_scopes = {"POST": WRITE_SCOPE}

    @extend_schema(request=CustomerNoticeDeclineSerializer, responses=BreachOutputSerializer)
    def post(self, request, pk):
        data = validated_body(CustomerNoticeDeclineSerializer, request)
        services.breach_customers_not_notify(
            actor=actor_for_user(request.user), breach_id=pk, reason=data["reason"]
        )
        return Response(_breach_answer(request, pk))


class BreachCloseView(APIView):
    required_permissions = {"POST": MANAGE_BREACH}
    required_scopes = {"POST": WRITE_SCOPE}

    @extend_schema(request=None, responses=BreachOutputSerializer)
    def post(self, request, pk):
        services.breach_close(actor=actor_for_user(request.user), breach_id=pk)
        return Response(_breach_answer(request, pk))
