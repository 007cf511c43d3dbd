"""Request endpoints under `/api/v1/`: `requests/`, `requests/{id}/` and its actions (the systems' tasks:
`dsr.api.tasks`).

A customer reaches only their own requests (and a ward's): every look-up goes through
`visible_requests`, so an id or a filter naming someone else's request answers 404. A processor (a
token serving some purposes only) reaches the requests it filed, the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    OpenApiTypes,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import active_user_by_id
from core.access import subject_for_user
from core.actors import actor_for_user
from core.api.inputs import validated_body
from core.api.permissions import caller_subject
from core.api.renderers import LocalTimeJSONRenderer
from core.errors import InvalidInput, NotFound
from dsr import services
from dsr.api import inputs
from dsr.api import serializers as s
from dsr.filters import REQUEST_FILTERS, RequestFilterSet
from dsr.models import Channel
from dsr.selectors import (
    request_detail,
    request_for_work_check,
    request_queue,
    request_work_check,
    visible_request_by_id,
    visible_request_detail,
    visible_requests,
)
from dsr.views.common import attachment
from integrations.api.idempotency import idempotent
from integrations.audience import is_processor
from subjects.disclosure import ACCESS_REASON_HEADER, disclosure_for, subject_view, subjects_listed
from subjects.selectors import self_or_ward_by_ref, subject_by_cif_or_400


def _context(request) -> dict:
    return {"customer": subject_for_user(request.user) is not None, "now": timezone.now(), "request": request}


class RequestListCreateView(generics.GenericAPIView):
    required_permissions = {"GET": "dsr.view_datasubjectrequest", "POST": "dsr.add_datasubjectrequest"}
    required_scopes = {"GET": "requests:read", "POST": "requests:write"}
    customer_methods = ("GET", "POST")
    serializer_class = s.RequestOutputSerializer
    list_filters = RequestFilterSet

    def get_queryset(self):
        now = timezone.now()
        visible = visible_requests(self.request.user, filed_only=is_processor(self.request))
        # A customer must not learn from the answer whether a customer number or a staff id exists.
        filtered = RequestFilterSet.apply(
            self.request.query_params, visible, now=now,
            unknown_refused=subject_for_user(self.request.user) is None,
        )
        return request_queue(base=filtered, now=now)

    @extend_schema(parameters=REQUEST_FILTERS, responses=s.RequestOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        subjects_listed((found.subject for found in page), user=request.user, context="api.requests")
        return self.get_paginated_response(
            s.RequestOutputSerializer(page, many=True, context=_context(request)).data
        )

    @extend_schema(request=inputs.RequestCreateSerializer, responses={201: s.RequestOutputSerializer})
    @idempotent
    def post(self, request):
        """Receive a request; both clocks start. The same request sent again while the first is open (same
        type, purposes, corrections or complaint) is taken in too, with `repeat_of` naming the open one."""
        fields = validated_body(inputs.RequestCreateSerializer, request)
        subject, guardian = self._subject_and_guardian(
            request.user, fields.pop("subject", None), fields.pop("guardian", None)
        )
        channel = fields.pop("channel", Channel.API)
        created = services.request_create(
            actor=actor_for_user(request.user), subject=subject, guardian=guardian, channel=channel,
            on_repeat=services.Repeat.RECORD, **fields,
        )
        return Response(
            s.RequestOutputSerializer(created, context=_context(request)).data, status=status.HTTP_201_CREATED
        )

    @staticmethod
    def _subject_and_guardian(user, subject_ref: str | None, guardian_ref: str | None):
        own = subject_for_user(user)
        if own is not None:
            # A customer asks for themself, or as the verified guardian of a ward.
            if guardian_ref:
                raise InvalidInput(_("Name only the customer the request is for."), field="guardian")
            if not subject_ref:
                return own, None
            named = self_or_ward_by_ref(own, subject_ref)
            if named is None:
                raise NotFound(_("No customer with this customer number (CIF)."), code="subject_not_found")
            return (own, None) if named.pk == own.pk else (named, own)
        if not subject_ref:
            raise InvalidInput(_("Give the customer's customer number (CIF)."), field="subject")
        subject = subject_by_cif_or_400(subject_ref)
        guardian = subject_by_cif_or_400(guardian_ref, field="guardian") if guardian_ref else None
        return subject, guardian


class RequestDetailView(APIView):
    required_permissions = {"GET": "dsr.view_datasubjectrequest"}
    required_scopes = {"GET": "requests:read"}
    customer_methods = ("GET",)

    @extend_schema(
        responses=s.RequestDetailSerializer,
        parameters=[
            OpenApiParameter(
                ACCESS_REASON_HEADER, str, OpenApiParameter.HEADER,
                description="Staff: why you need the request's details and corrected values (e.g. this "
                "request's number). Without it they are masked. Recorded in the audit trail.",
            )
        ],
    )
    def get(self, request, pk):
        found = visible_request_detail(request.user, pk, filed_only=is_processor(request))
        if found is None:
            raise NotFound(_("No such request."))
        shown = subject_view(
            found.subject, user=request.user, context="dsr.request.detail",
            reason=request.headers.get(ACCESS_REASON_HEADER), auth=request.auth,
        )
        context = {**_context(request), "disclosure": shown}
        return Response(s.RequestDetailSerializer(found, context=context).data)


class _RequestAction(APIView):
    """A staff action on one request: finds it (404 when out of reach), calls one service. Honours
    `Idempotency-Key`: a retry after a lost answer gets the first answer, not a 409 for a move already
    made (nor a second identity code voiding the first)."""

    required_permissions = {"POST": s.REQUEST_WORK_RIGHT.permission}
    required_scopes = {"POST": s.REQUEST_WORK_RIGHT.scope}
    input_serializer: type | None = None
    service: Callable[..., Any]

    def target(self, request, pk):
        found = request_for_work_check(request.user, pk)
        if found is None:
            raise NotFound(_("No such request."))
        request_work_check(request.user, found)
        return found.pk

    @idempotent
    def post(self, request, pk):
        target_id = self.target(request, pk)
        data = validated_body(self.input_serializer, request) if self.input_serializer is not None else {}
        self.act(actor=actor_for_user(request.user), request_id=target_id, **data)
        context = _context(request)
        if context["customer"]:
            # The customer's own request reads as on GET: their values unmasked (such a look is not logged).
            context["disclosure"] = disclosure_for(request.user)
        return Response(s.RequestDetailSerializer(request_detail(target_id), context=context).data)

    def act(self, **kwargs):
        type(self).service(**kwargs)


def _action_schema(input_serializer=None, description=""):
    """The schema of an action's POST: its input, the request as the answer."""
    return extend_schema_view(
        post=extend_schema(
            request=input_serializer, responses=s.RequestDetailSerializer, description=description,
        )
    )


@_action_schema(description="Acknowledge receipt; identity verification starts.")
class AcknowledgeView(_RequestAction):
    service = services.request_acknowledge


@_action_schema(
    inputs.VerifyIdentitySerializer, "Record how the requester's identity was verified; work starts."
)
class VerifyIdentityView(_RequestAction):
    input_serializer = inputs.VerifyIdentitySerializer
    service = services.request_verify_identity


@_action_schema(description="Send a one-time code to the requester's registered phone (10 minutes).")
class SendIdentityCodeView(_RequestAction):
    service = services.request_identity_otp_send


@_action_schema(
    inputs.TransitionSerializer, "Move the request (e.g. to awaiting_customer and back); 409 if not allowed."
)
class TransitionView(_RequestAction):
    input_serializer = inputs.TransitionSerializer

    def act(self, *, status, **kwargs):
        services.request_transition(to=status, **kwargs)


@_action_schema(inputs.CompleteSerializer, "Fulfil and close; a partial answer needs `reason`.")
class CompleteView(_RequestAction):
    input_serializer = inputs.CompleteSerializer
    service = services.request_complete


@_action_schema(inputs.ReasonSerializer, "Refuse with the legal reason the customer will see.")
class RejectView(_RequestAction):
    input_serializer = inputs.ReasonSerializer
    service = services.request_reject


@_action_schema(inputs.AssignSerializer)
class AssignView(_RequestAction):
    input_serializer = inputs.AssignSerializer

    def act(self, *, assignee, **kwargs):
        user = None
        if assignee is not None:
            user = active_user_by_id(assignee)
            if user is None:
                raise InvalidInput(_("No such staff member."), field="assignee")
        services.request_assign(assignee=user, **kwargs)


@_action_schema(
    inputs.ExtendSerializer, "Use the one-time statutory extension; the reason is told to the customer."
)
class ExtendView(_RequestAction):
    input_serializer = inputs.ExtendSerializer
    service = services.request_extend


@_action_schema(
    description="The second responsible person approves a deletion; another staff member completes "
    "it (409 `approval_required` otherwise)."
)
class ApproveView(_RequestAction):
    service = services.request_approve


@_action_schema(
    inputs.OverdueReasonSerializer,
    "The customer cancels their own request (a customer's token needs the `requests:write` scope), or staff "
    "record that the customer asked to (`requests:work`); staff cancelling a request flagged overdue give "
    "`overdue_reason` (400 without it), as for any late close. The customer's own cancellation needs none.",
)
class CancelView(_RequestAction):
    input_serializer = inputs.OverdueReasonSerializer
    customer_methods = ("POST",)
    # The customer's own cancellation is a write on their requests, like filing one; not staff work.
    customer_scopes = {"POST": s.CUSTOMER_REQUEST_SCOPE}
    service = services.request_cancel


@_action_schema(
    inputs.LiftSerializer,
    "Lift the restriction or objection an answered request put in force, saying why (`reason`; `other` "
    "explained in `note`, 400 without it). The customer is told, with the reason, in their language.",
)
class LiftRestrictionView(_RequestAction):
    input_serializer = inputs.LiftSerializer
    service = services.request_restriction_lift


def _error(description: str, name: str, value: dict) -> OpenApiResponse:
    return OpenApiResponse(OpenApiTypes.OBJECT, description, [OpenApiExample(name, value)])


@extend_schema_view(post=extend_schema(
    request=inputs.CustomerReplySerializer,
    examples=[OpenApiExample("Answer", {"text": "Tôi đã gửi ảnh CCCD mặt sau qua email chi nhánh."},
                             request_only=True)],
    responses={
        200: s.RequestDetailSerializer,
        400: _error("`text` missing, empty or too long.", "Empty answer",
                    {"text": ["Write your answer to the bank's question."]}),
        403: _error("Not a customer: staff and integration clients cannot answer for the customer.",
                    "Staff", {"detail": "Your role does not allow this."}),
        404: _error("Not one of the customer's own requests (or a ward's).", "Someone else's",
                    {"detail": "No such request.", "code": "not_found"}),
        409: _error("`not_awaiting_customer`: the bank is not waiting for an answer on this request.",
                    "Not waiting", {"detail": "The bank is not waiting for an answer on this request.",
                                    "code": "not_awaiting_customer"}),
    },
    description="The customer (or the guardian acting for them) answers the question the bank asked "
    "when it put the request on `awaiting_customer` (offered as `reply` in `allowed_actions`). The "
    "answer moves the request back to work (`verifying_identity` or `in_progress`), as on the "
    "customer's page; staff are told by e-mail. Answers the request as `GET requests/{id}/` does.",
))
class ReplyView(_RequestAction):
    """The customer answers the bank's question, as on their request page. Customers only: staff resume
    a request with `transition/`, and no system answers in a customer's name."""

    required_permissions: dict[str, str] = {}
    required_scopes: dict[str, str] = {}
    customer_methods = ("POST",)
    customer_scopes = {"POST": s.CUSTOMER_REQUEST_SCOPE}
    input_serializer = inputs.CustomerReplySerializer

    def act(self, *, text, **kwargs):
        services.request_customer_reply(subject=caller_subject(self.request.user), text=text, **kwargs)


class ExportDownloadView(APIView):
    required_permissions = {"GET": "dsr.work_request"}
    required_scopes = {"GET": "requests:work"}
    customer_methods = ("GET",)

    def perform_content_negotiation(self, request, force=False):
        # `?format=` names the file's format, read below; left to DRF it would look for a renderer of
        # that name and answer 404. Errors stay JSON.
        renderer = LocalTimeJSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["json", "html", "csv"])],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/html"): OpenApiTypes.STR,
            (200, "text/csv"): OpenApiTypes.STR,
        },
        description="The request's data export as a file: `?format=json` (the default), `html` or `csv`.",
    )
    def get(self, request, pk):
        found = visible_request_by_id(request.user, pk, filed_only=is_processor(request))
        if found is None:
            raise NotFound(_("No such request."))
        request_work_check(request.user, found, download=True)
        download = services.export_download(
            actor=actor_for_user(request.user),
            request=found,
            format=request.query_params.get("format", "json"),
        )
        return attachment(download)
