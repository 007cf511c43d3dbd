"""Third-party access API: the registry, a customer's authorisations, revocation, receipts, the access
log the gateway reports, and RFC 7662 introspection for the bank's API gateway.

One view per operation; each write calls one service. Customers reach only their own authorisations.
"""

from __future__ import annotations

import django_filters
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from authorisations import selectors, services
from authorisations.api.serializers import (
    AUTHORISATION_REVOKE_RIGHT,
    AccessClaimSerializer,
    AccessOutputSerializer,
    AccessReportSerializer,
    AuthorisationOutputSerializer,
    IntrospectInputSerializer,
    IntrospectOutputSerializer,
    RevokeSerializer,
    ThirdPartyCreatedSerializer,
    ThirdPartyCreateSerializer,
    ThirdPartyOutputSerializer,
    ThirdPartySecretRotateSerializer,
    ThirdPartyStatusSerializer,
    ThirdPartyWithSecretSerializer,
)
from authorisations.models import AccessRecord, Authorisation, ThirdParty
from authorisations.receipts import receipt_disclosed
from authorisations.states import AuthorisationStatus
from core.actors import actor_for_user
from core.api.inputs import validated_body
from core.api.permissions import caller_subject
from core.errors import NotFound
from integrations.api.authentication import ApiTokenAuthentication
from integrations.api.idempotency import idempotent
from subjects.disclosure import ACCESS_REASON_HEADER, subject_view
from subjects.filters import SubjectStatusFilterSet


class ThirdPartyListCreateView(generics.GenericAPIView):
    required_permissions = {
        "GET": "authorisations.view_thirdparty",
        "POST": "authorisations.manage_thirdparty",
    }
    required_scopes = {"GET": "authorisations:read", "POST": "authorisations:admin"}
    serializer_class = ThirdPartyOutputSerializer

    def get_queryset(self):
        return selectors.third_party_list()

    @extend_schema(operation_id="third_party_list", responses=ThirdPartyOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ThirdPartyOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="third_party_register",
        request=ThirdPartyCreateSerializer,
        responses={201: ThirdPartyCreatedSerializer},
        description="Register a third party (DPO): 201 with its OAuth client_id and, for a "
        "confidential client, the client_secret, shown once.",
    )
    def post(self, request):
        data = validated_body(ThirdPartyCreateSerializer, request)
        registration = services.third_party_register(
            actor=actor_for_user(request.user), **data
        )
        body = ThirdPartyOutputSerializer(registration.third_party).data
        body["client_secret"] = registration.client_secret
        body["webhook_secret"] = registration.webhook_secret
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


class ThirdPartyStatusView(APIView):
    required_permissions = {"POST": "authorisations.manage_thirdparty"}
    required_scopes = {"POST": "authorisations:admin"}

    @extend_schema(
        operation_id="third_party_status",
        request=ThirdPartyStatusSerializer,
        responses=ThirdPartyOutputSerializer,
        description="Suspend (pauses every active authorisation at once) or reactivate.",
    )
    def post(self, request, pk):
        data = validated_body(ThirdPartyStatusSerializer, request)
        actor = actor_for_user(request.user)
        if data["status"] == ThirdParty.Status.SUSPENDED:
            third_party = services.third_party_suspend(
                actor=actor, third_party_id=pk, reason=data["reason"]
            )
        else:
            third_party = services.third_party_reactivate(actor=actor, third_party_id=pk)
        return Response(ThirdPartyOutputSerializer(third_party).data)


class ThirdPartySecretRotateView(APIView):
    required_permissions = {"POST": "authorisations.manage_thirdparty"}
    required_scopes = {"POST": "authorisations:admin"}

    @extend_schema(
        operation_id="third_party_rotate_secret",
        request=ThirdPartySecretRotateSerializer,
        responses={
            200: OpenApiResponse(ThirdPartyWithSecretSerializer, "The new `client_secret`, shown once."),
            400: OpenApiResponse(OpenApiTypes.OBJECT, "`revoke_tokens` is not true or false."),
            404: OpenApiResponse(OpenApiTypes.OBJECT, "No such third party."),
            409: OpenApiResponse(
                OpenApiTypes.OBJECT, "`public_client`: the third party's client is public and has no secret."
            ),
        },
        description="Give the third party's OAuth client a new secret (DPO), for one that leaked or was "
        "lost: 200 with the new `client_secret`, shown once; the bank keeps only its hash. The old secret "
        "is refused at `/oauth/token/` at once. Tokens already issued keep working to their own expiry "
        "unless `revoke_tokens` is true: then they end in the same transaction. Not idempotent: a retry "
        "issues another secret, and the one answered last is the one that works.",
    )
    def post(self, request, pk):
        data = validated_body(ThirdPartySecretRotateSerializer, request)
        rotation = services.third_party_rotate_secret(
            actor=actor_for_user(request.user), third_party_id=pk, revoke_tokens=data["revoke_tokens"]
        )
        body = ThirdPartyOutputSerializer(rotation.third_party).data
        body["client_secret"] = rotation.client_secret
        return Response(body, headers={"Cache-Control": "no-store"})


class _AuthorisationsMixin:
    def serializer_context(self) -> dict:
        return {"request": self.request}

    def own_subject(self):
        return caller_subject(self.request.user)

    def authorisation(self, pk) -> Authorisation:
        """One authorisation the caller may see; someone else's answers 404 like a missing one."""
        authorisation = selectors.authorisation_by_id(pk, subject=self.own_subject())
        if authorisation is None:
            raise NotFound()
        return authorisation


class AuthorisationFilterSet(SubjectStatusFilterSet):
    third_party = django_filters.UUIDFilter(field_name="third_party_id")
    # The status as read now (`Authorisation.status_at`), as each row answers it, not the stored one.
    status = django_filters.ChoiceFilter(choices=(), method="in_status_now")
    status_choices = AuthorisationStatus.choices
    messages = {**SubjectStatusFilterSet.messages, "third_party": _("Give the third party's id.")}

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def in_status_now(self, queryset, name: str, value: str):
        return queryset.in_status_at(value, self.now)


class AuthorisationListView(_AuthorisationsMixin, generics.GenericAPIView):
    required_permissions = {"GET": "authorisations.view_authorisation"}
    required_scopes = {"GET": "authorisations:read"}
    customer_methods = ("GET",)
    serializer_class = AuthorisationOutputSerializer
    # For the schema only: the rows come from `authorisations()`, narrowed to the caller.
    queryset = Authorisation.objects.none()
    list_filters = AuthorisationFilterSet

    @extend_schema(
        operation_id="authorisation_list",
        responses=AuthorisationOutputSerializer(many=True),
        parameters=[
            OpenApiParameter("subject", str, description="Customer number (CIF)."),
            OpenApiParameter("status", str, enum=AuthorisationStatus.values),
            OpenApiParameter("third_party", str, description="Third party id."),
        ],
    )
    def get(self, request):
        queryset = selectors.authorisation_list(subject=self.own_subject())
        page = self.paginate_queryset(AuthorisationFilterSet.apply(request.query_params, queryset))
        return self.get_paginated_response(
            AuthorisationOutputSerializer(page, many=True, context=self.serializer_context()).data
        )


class AuthorisationDetailView(_AuthorisationsMixin, APIView):
    required_permissions = {"GET": "authorisations.view_authorisation"}
    required_scopes = {"GET": "authorisations:read"}
    customer_methods = ("GET",)

    @extend_schema(operation_id="authorisation_detail", responses=AuthorisationOutputSerializer)
    def get(self, request, pk):
        authorisation = self.authorisation(pk)
        return Response(AuthorisationOutputSerializer(authorisation, context=self.serializer_context()).data)


class AuthorisationRevokeView(_AuthorisationsMixin, APIView):
    required_permissions = {"POST": AUTHORISATION_REVOKE_RIGHT.permission}
    required_scopes = {"POST": AUTHORISATION_REVOKE_RIGHT.scope}
    # Withdrawal by any channel: the customer revokes their own as easily as they authorised it.
    customer_methods = ("POST",)

    @extend_schema(
        operation_id="authorisation_revoke",
        request=RevokeSerializer,
        responses=AuthorisationOutputSerializer,
        description="Revoke at once: the next introspection answers active=false. Staff revoking "
        "for a customer give the channel and, off-line, the evidence.",
    )
    def post(self, request, pk):
        subject = self.own_subject()
        # Someone else's id answers 404 before anything about the body is said.
        self.authorisation(pk)
        data = validated_body(RevokeSerializer, request)
        authorisation = services.authorisation_revoke(
            actor=actor_for_user(request.user), authorisation_id=pk, subject=subject, **data
        )
        return Response(AuthorisationOutputSerializer(authorisation, context=self.serializer_context()).data)


class AuthorisationReceiptView(_AuthorisationsMixin, APIView):
    required_permissions = {"GET": "authorisations.view_authorisation"}
    required_scopes = {"GET": "authorisations:read"}
    customer_methods = ("GET",)

    @extend_schema(
        operation_id="authorisation_receipt",
        responses={200: dict},
        parameters=[
            OpenApiParameter(
                ACCESS_REASON_HEADER, str, OpenApiParameter.HEADER,
                description="Staff: why you need the customer's own words (`event.reason`, the reason they "
                "gave for revoking). Without it they are masked (`***`); a client needs the `subjects:pii` "
                "scope. Recorded in the audit trail.",
            ),
        ],
        description="The receipt of the latest change, frozen when it was issued: the customer reads it as "
        "issued; staff and clients read it so too but for `event.reason`, masked unless revealed.",
    )
    def get(self, request, pk):
        authorisation = self.authorisation(pk)
        # Staff and clients see the customer's words as they see a consent's withdrawal reason.
        disclosure = None if self.own_subject() is not None else subject_view(
            authorisation.subject, user=request.user, context="api.authorisation_receipt",
            reason=request.headers.get(ACCESS_REASON_HEADER), auth=request.auth,
        )
        receipt = receipt_disclosed(selectors.authorisation_receipt(authorisation), disclosure)
        return HttpResponse(receipt, content_type="application/json; charset=utf-8")


class AccessListReportView(_AuthorisationsMixin, generics.GenericAPIView):
    required_permissions = {
        "GET": "authorisations.view_authorisation",
        "POST": "authorisations.report_access",
    }
    required_scopes = {"GET": "authorisations:read", "POST": "authorisations:gateway"}
    customer_methods = ("GET",)
    serializer_class = AccessOutputSerializer
    queryset = AccessRecord.objects.none()

    @extend_schema(operation_id="authorisation_access_list", responses=AccessOutputSerializer(many=True))
    def get(self, request, pk):
        page = self.paginate_queryset(selectors.authorisation_accesses(self.authorisation(pk)))
        return self.get_paginated_response(AccessOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="authorisation_access_report",
        request=AccessReportSerializer,
        responses={
            200: OpenApiResponse(
                AccessOutputSerializer, "The claimed read named in `claim` (or, with no `claim`, the one "
                "whose `accessed_at` and `scope` the report repeats exactly), completed by this report (or "
                "as the same report left it before): still one read.",
            ),
            201: OpenApiResponse(AccessOutputSerializer, "A read served without a claim, recorded."),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, "A scope the authorisation does not cover, or not the claimed read's; "
                "a `claim` that is no read claimed on this authorisation; a time in the future.",
            ),
            404: OpenApiResponse(OpenApiTypes.OBJECT, "No such authorisation."),
            409: OpenApiResponse(
                OpenApiTypes.OBJECT, "`read_already_reported`: the claim was reported already, with another "
                "record count; the first report stands.",
            ),
        },
        description="The API gateway reports one read by the third party (scope, time served, records) "
        "after serving it. For a read claimed on `reads/` before serving, name the claim: `claim` is the "
        "`id` the claim answered with. The claimed read is completed (its record count, `reported_at`) "
        "and answered 200; nothing is added, so the customer's access log, pages and daily limit count "
        "it once, and the same report sent again changes nothing. Without `claim` the report is a read "
        "served without a claim: recorded whatever the status (201), refused for nothing but bad input. "
        "It cannot stop a read: claim each read before serving it instead. A claimed read needs no "
        "report. A report without `claim` that repeats a claimed read's `accessed_at` exactly (the value "
        "the claim answered with, to the microsecond) and its `scope` is taken for that read, as if it "
        "named it; at any other time it counts as a second read.",
    )
    def post(self, request, pk):
        data = validated_body(AccessReportSerializer, request)
        record = services.access_record(
            actor=actor_for_user(request.user), authorisation_id=pk, **data
        )
        # A report of a claimed read (named, or at its own time) completes that read; another is a new read.
        answer = status.HTTP_200_OK if record.claimed else status.HTTP_201_CREATED
        return Response(AccessOutputSerializer(record).data, status=answer)


class AccessClaimView(APIView):
    """The API gateway claims one read before serving it: checked and recorded in one transaction."""

    required_permissions = {"POST": "authorisations.report_access"}
    required_scopes = {"POST": "authorisations:gateway"}

    @extend_schema(
        operation_id="authorisation_read_claim",
        request=AccessClaimSerializer,
        responses={
            201: AccessOutputSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, "A scope the authorisation does not cover."),
            404: OpenApiResponse(OpenApiTypes.OBJECT, "No such authorisation."),
            409: OpenApiResponse(
                OpenApiTypes.OBJECT,
                "The read is not allowed; do not serve it (a retried claim too, when its authorisation "
                "stopped allowing reads since). `code`, one of: "
                + ", ".join(f"`{code}`" for code in services.READ_REFUSALS) + "; `detail` says why.",
                [
                    OpenApiExample("read_used", {
                        "detail": "This authorisation allowed one read, and it has been made. Do not "
                        "serve the data.", "code": "read_used",
                    }),
                    OpenApiExample("daily_limit_reached", {
                        "detail": "The customer allowed 4 reads a day and all of today's have been made. "
                        "Reads are allowed again after midnight, Vietnam time.",
                        "code": "daily_limit_reached",
                    }),
                ],
            ),
        },
        description="Call BEFORE serving each read, after introspecting the token: in one transaction the "
        "authorisation is locked, checked (active, within its term, its third party active, the "
        "one-time read not made, today's reads under `frequency_per_day`) and the read recorded now "
        "(201; a one-time authorisation becomes `used`). Serve the data only on 201: of two calls for "
        "the last allowed read exactly one gets it. A read claimed here is in the access log already "
        "and needs no report; to give its record count after serving, report it on `accesses/` with "
        "`claim` set to the `id` answered here (it is completed, not counted again). Retry with the same "
        "`Idempotency-Key` after a lost answer, or the retry counts as another read.",
    )
    @idempotent
    def post(self, request, pk):
        data = validated_body(AccessClaimSerializer, request)
        record = services.access_claim(actor=actor_for_user(request.user), authorisation_id=pk, **data)
        return Response(AccessOutputSerializer(record).data, status=status.HTTP_201_CREATED)

    def replay_refusal(self, request, pk):
        """A retried claim's stored 201 stands only while the authorisation still allows reads."""
        services.access_claim_replay_check(authorisation_id=pk)


class IntrospectView(APIView):
    """RFC 7662 token introspection for the bank's API gateway (its API token, scope
    "authorisations:gateway"). Answered from the database on every call, never cached."""

    authentication_classes = [ApiTokenAuthentication]
    required_permissions = {"POST": "authorisations.report_access"}
    required_scopes = {"POST": "authorisations:gateway"}

    @extend_schema(
        operation_id="oauth_introspect",
        request=IntrospectInputSerializer,
        responses=IntrospectOutputSerializer,
    )
    def post(self, request):
        data = validated_body(IntrospectInputSerializer, request)
        answer = selectors.token_introspect(token=data["token"], now=timezone.now())
        return Response(answer, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
