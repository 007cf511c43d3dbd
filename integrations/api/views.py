"""The webhook-endpoint API (DPO): list, register, read, change, rotate the secret, send a test
notice, read the delivery log and redeliver a notice. Each write calls one `integrations.webhooks`
service; the secret appears only in the answers to registration and rotation."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from core.access import found_or_404
from core.actors import actor_for_user
from core.api.inputs import validated_body
from core.api.permissions import SCOPE_OF_OBJECT
from integrations import jobs, webhooks
from integrations.api.serializers import (
    DeliverySerializer,
    EndpointChangeSerializer,
    EndpointInputSerializer,
    EndpointOutputSerializer,
    EndpointWithSecretSerializer,
    JobSerializer,
)
from integrations.models import BackgroundJob, WebhookEndpoint
from integrations.recipients import recipient_directory
from integrations.selectors import webhook_deliveries, webhook_endpoint_by_id, webhook_endpoint_list

READ = "integrations.view_webhookendpoint"
CHANGE = "integrations.change_webhookendpoint"


def _served(endpoints) -> dict:
    return {"served": recipient_directory().served([e.pk for e in endpoints])}


class _EndpointView(generics.GenericAPIView):
    required_scopes = {"GET": "webhooks:read", "POST": "webhooks:write", "PATCH": "webhooks:write"}
    serializer_class = EndpointOutputSerializer
    queryset = WebhookEndpoint.objects.none()

    def endpoint(self, pk) -> WebhookEndpoint:
        return found_or_404(webhook_endpoint_by_id(pk))

    def answer(self, endpoint, *, secret: str | None = None, code: int = status.HTTP_200_OK) -> Response:
        context = _served([endpoint])
        if secret is None:
            return Response(EndpointOutputSerializer(endpoint, context=context).data, status=code)
        context["secret"] = secret
        return Response(EndpointWithSecretSerializer(endpoint, context=context).data, status=code)


class EndpointListCreateView(_EndpointView):
    required_permissions = {"GET": READ, "POST": "integrations.add_webhookendpoint"}

    @extend_schema(responses=EndpointOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(webhook_endpoint_list())
        data = EndpointOutputSerializer(page, many=True, context=_served(page)).data
        return self.get_paginated_response(data)

    @extend_schema(
        request=EndpointInputSerializer, responses={201: EndpointWithSecretSerializer},
        description="Registers an endpoint. The answer carries the signing `secret`, shown only once.",
    )
    def post(self, request):
        data = validated_body(EndpointInputSerializer, request)
        endpoint, secret = webhooks.webhook_endpoint_create(
            actor=actor_for_user(request.user), **data
        )
        return self.answer(endpoint, secret=secret, code=status.HTTP_201_CREATED)


class EndpointDetailView(_EndpointView):
    required_permissions = {"GET": READ, "PATCH": CHANGE}

    @extend_schema(responses=EndpointOutputSerializer)
    def get(self, request, pk):
        return self.answer(self.endpoint(pk))

    @extend_schema(request=EndpointChangeSerializer, responses=EndpointOutputSerializer)
    def patch(self, request, pk):
        data = validated_body(EndpointChangeSerializer, request)
        endpoint = webhooks.webhook_endpoint_update(
            actor=actor_for_user(request.user), endpoint=self.endpoint(pk),
            change=webhooks.EndpointChange(**data),
        )
        return self.answer(endpoint)


class EndpointRotateSecretView(_EndpointView):
    required_permissions = {"POST": CHANGE}

    @extend_schema(request=None, responses=EndpointWithSecretSerializer,
                   description="A new signing secret, shown only in this answer. Until "
                               "`previous_secret_valid_until` notices also carry `X-QDL-Signature-Previous`, "
                               "signed with the old secret. A second rotation before then replaces the new "
                               "secret only: the old one keeps signing until the same moment.")
    def post(self, request, pk):
        endpoint, secret = webhooks.webhook_endpoint_secret_rotate(
            actor=actor_for_user(request.user), endpoint=self.endpoint(pk)
        )
        return self.answer(endpoint, secret=secret)


class EndpointTestView(_EndpointView):
    required_permissions = {"POST": CHANGE}

    @extend_schema(request=None, responses={202: DeliverySerializer})
    def post(self, request, pk):
        message = webhooks.webhook_endpoint_test(
            actor=actor_for_user(request.user), endpoint=self.endpoint(pk)
        )
        return Response(DeliverySerializer(message).data, status=status.HTTP_202_ACCEPTED)


class EndpointDeliveriesView(_EndpointView):
    required_permissions = {"GET": READ}
    serializer_class = DeliverySerializer

    @extend_schema(responses=DeliverySerializer(many=True))
    def get(self, request, pk):
        deliveries = webhook_deliveries(endpoint=self.endpoint(pk))
        return Response(DeliverySerializer(deliveries, many=True).data)


class EndpointRedeliverView(_EndpointView):
    required_permissions = {"POST": CHANGE}

    @extend_schema(
        request=None, responses={202: DeliverySerializer},
        description="Send a notice again (sent, parked or pending). 409 `notice_cancelled`: the platform "
        "cancelled it because it no longer applied; it is not sent again.",
    )
    def post(self, request, pk, message_id):
        message = webhooks.webhook_delivery_redeliver(
            actor=actor_for_user(request.user), endpoint=self.endpoint(pk), message_id=message_id
        )
        return Response(DeliverySerializer(message).data, status=status.HTTP_202_ACCEPTED)


class _JobView(generics.GenericAPIView):
    """A job is asked of its starter (anyone else gets 404), then the token is asked for the scope of
    the work the job does: the one that started a consent import (`consents:admin`) follows it."""

    queryset = BackgroundJob.objects.none()
    serializer_class = JobSerializer

    def job(self, request, pk) -> BackgroundJob:
        job = jobs.job_for_user(job_id=pk, user=request.user)
        self.check_object_permissions(request, job)
        return job

    def object_scope(self, job: BackgroundJob) -> str | None:
        return jobs.job_kind_scope(job.kind)


class JobDetailView(_JobView):
    """A background job its caller started (a CSV import...): status, counts, percent, seconds left.

    Poll it after a 202; another user's job answers 404.
    """

    required_permissions = {"GET": "integrations.view_backgroundjob"}
    required_scopes = {"GET": SCOPE_OF_OBJECT}

    @extend_schema(responses=JobSerializer)
    def get(self, request, pk):
        return Response(jobs.job_progress(self.job(request, pk)))


class JobCancelView(_JobView):
    """Ask the caller's job to stop: it stops after the batch in hand (`cancelling`, then `cancelled`)."""

    required_permissions = {"POST": "integrations.change_backgroundjob"}
    required_scopes = {"POST": SCOPE_OF_OBJECT}

    @extend_schema(request=None, responses=JobSerializer)
    def post(self, request, pk):
        self.job(request, pk)
        job = jobs.job_cancel(actor=actor_for_user(request.user), job_id=pk)
        return Response(jobs.job_progress(job))
