"""Data-subject endpoints: `/api/v1/subjects/`, `/api/v1/subjects/search/` and `/api/v1/subjects/{id}/`."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from core.actors import actor_for_user
from core.api.inputs import validated_body
from core.errors import InvalidInput, NotFound
from integrations.api.idempotency import idempotent
from integrations.audience import is_processor
from subjects import disclosure, services
from subjects.api.serializers import (
    CustomerNumberChangeSerializer,
    GuardianVerifySerializer,
    NationalIdShareOutputSerializer,
    NationalIdShareSerializer,
    SubjectCreateSerializer,
    SubjectOutputSerializer,
    SubjectRectifySerializer,
    SubjectSearchSerializer,
)
from subjects.models import DataSubject
from subjects.renumbering import subject_number_change
from subjects.selectors import (
    SEARCHABLE_FIELDS,
    masked_echoes_dropped,
    subject_filter_by_index,
    subject_guardian_by_id,
    subject_list,
    visible_subject_by_id,
    visible_subjects,
)

SUBJECT_FILTERS = [
    OpenApiParameter("external_ref", str, description="Exact customer number (CIF)."),
]


ACCESS_REASON_HEADER = OpenApiParameter(
    "X-Access-Reason", str, OpenApiParameter.HEADER,
    description="Staff: why you need this customer's personal values (a request or complaint number, or "
                "a reason with a note). Without it the values are masked. Recorded in the audit trail. "
                "On the list it is taken only with `external_ref` (one customer), else 400.",
)


def access_reason(request) -> str | None:
    """The reason staff give in the `X-Access-Reason` header, or None when they give none."""
    return request.headers.get(disclosure.ACCESS_REASON_HEADER)


def subject_output(request, subjects, *, context: str, many: bool = False, one_customer: bool = True):
    """The subjects a read found, masked unless the need-to-know rule (`subjects.disclosure`) lets this
    caller see them; the view is logged under `context` with the reason given."""
    shown = disclosure.subject_view(
        subjects, user=request.user, context=context, reason=access_reason(request), auth=request.auth,
        one_customer=one_customer,
    )
    return SubjectOutputSerializer(subjects, many=many, context=answer_context(request, shown)).data


def answer_context(request, shown: disclosure.Disclosure | None) -> dict[str, bool]:
    """How every answer naming a customer, read or write, shows them to this caller: personal values as
    the disclosure decided (masked without one), life facts withheld from a processor."""
    return {"reveal": shown is not None and shown.revealed, "processor": is_processor(request)}


def write_disclosure(request) -> disclosure.Disclosure:
    """What the answer to a write will show, decided before the write so that a blank reason is
    refused before anything is written; the write records the view when a reason reveals the values
    (`Disclosure.viewed_in_answer`), as a read does."""
    return disclosure.disclosure_for(request.user, reason=access_reason(request), auth=request.auth)


def subject_answer(request, subject: DataSubject, shown: disclosure.Disclosure | None = None):
    return SubjectOutputSerializer(subject, context=answer_context(request, shown)).data


class DisclosedWriteMixin:
    """An idempotent write whose answer shows the customer as the caller may see them: a retry is
    replayed only under the same access (`integrations.api.idempotency.REPLAY_ACCESS`)."""

    def replay_access(self, request) -> str:
        return write_disclosure(request).replay_access()


class SubjectListCreateView(DisclosedWriteMixin, generics.GenericAPIView):
    required_permissions = {"GET": "subjects.view_datasubject", "POST": "subjects.add_datasubject"}
    required_scopes = {"GET": "subjects:read", "POST": "subjects:write"}
    customer_methods = ("GET",)
    serializer_class = SubjectOutputSerializer
    list_filters = SUBJECT_FILTERS

    def get_queryset(self):
        params = self.request.query_params
        for field in SEARCHABLE_FIELDS:
            if field in params:
                # Refused rather than ignored: a client relying on the old filter must not get everyone.
                raise InvalidInput(
                    _("Personal data never goes in a URL: search with POST /api/v1/subjects/search/."),
                    field=field,
                )
        return visible_subjects(self.request.user, external_ref=params.get("external_ref"))

    @extend_schema(
        parameters=[*SUBJECT_FILTERS, ACCESS_REASON_HEADER], responses=SubjectOutputSerializer(many=True)
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        narrowed = bool(request.query_params.get("external_ref"))
        return self.get_paginated_response(
            subject_output(request, page, context="api.list", many=True, one_customer=narrowed)
        )

    @extend_schema(
        request=SubjectCreateSerializer, responses={201: SubjectOutputSerializer},
        parameters=[ACCESS_REASON_HEADER],
    )
    @idempotent
    def post(self, request):
        fields = validated_body(SubjectCreateSerializer, request)
        fields["guardian"] = subject_guardian_by_id(fields.pop("guardian", None))
        shown = write_disclosure(request)
        subject = services.subject_create(
            actor=actor_for_user(request.user), viewed=shown.viewed_in_answer("api.create"), **fields
        )
        return Response(subject_answer(request, subject, shown), status=status.HTTP_201_CREATED)


class SubjectSearchView(generics.GenericAPIView):
    """Look a customer up by citizen ID, passport, phone or e-mail, sent in the body so that no access log,
    proxy or browser history keeps it."""

    required_permissions = {"POST": "subjects.view_datasubject"}
    required_scopes = {"POST": "subjects:read"}
    serializer_class = SubjectOutputSerializer
    queryset = DataSubject.objects.none()

    @extend_schema(request=SubjectSearchSerializer, responses=SubjectOutputSerializer(many=True),
                   parameters=[ACCESS_REASON_HEADER])
    def post(self, request):
        data = validated_body(SubjectSearchSerializer, request)
        given = [(field, value) for field, value in data.items() if value]
        if len(given) != 1:
            raise InvalidInput(_("Give exactly one of national_id, passport_number, phone or email."))
        [(field, value)] = given
        found = subject_filter_by_index(subject_list(), field=field, value=value)
        page = self.paginate_queryset(found)
        return self.get_paginated_response(subject_output(request, page, context="api.search", many=True))


class SubjectDetailView(generics.GenericAPIView):
    required_permissions = {"GET": "subjects.view_datasubject", "PATCH": "subjects.change_datasubject"}
    required_scopes = {"GET": "subjects:read", "PATCH": "subjects:write"}
    customer_methods = ("GET",)
    serializer_class = SubjectOutputSerializer

    def get_subject(self, pk) -> DataSubject:
        subject = visible_subject_by_id(self.request.user, pk)
        if subject is None:
            raise NotFound(_("No such customer."))
        return subject

    @extend_schema(responses=SubjectOutputSerializer, parameters=[ACCESS_REASON_HEADER])
    def get(self, request, pk):
        return Response(subject_output(request, self.get_subject(pk), context="api.detail"))

    @extend_schema(
        request=SubjectRectifySerializer, responses=SubjectOutputSerializer,
        parameters=[ACCESS_REASON_HEADER],
        description="Rectification by staff; audited with keyed fingerprints of old and new values. "
                    "`preferred_language` (not personal data) is audited with its old and new value.",
    )
    def patch(self, request, pk):
        subject = self.get_subject(pk)
        changes = validated_body(SubjectRectifySerializer, request)
        reason = changes.pop("reason", "")
        language = changes.pop("preferred_language", None)
        if "guardian" in changes:
            changes["guardian"] = subject_guardian_by_id(changes["guardian"])
        shown = write_disclosure(request)
        if not shown.revealed:
            changes = masked_echoes_dropped(subject, changes)
        subject = services.subject_rectify(
            actor=actor_for_user(request.user), subject_id=subject.pk, changes=changes, reason=reason,
            preferred_language=language, viewed=shown.viewed_in_answer("api.rectify"),
        )
        return Response(subject_answer(request, subject, shown))


class GuardianVerifyView(DisclosedWriteMixin, generics.GenericAPIView):
    """Staff record that they checked the guardian's authority; children's consents need it."""

    required_permissions = {"POST": "subjects.change_datasubject"}
    required_scopes = {"POST": "subjects:write"}
    serializer_class = SubjectOutputSerializer
    queryset = DataSubject.objects.none()

    @extend_schema(
        operation_id="subject_verify_guardian", request=GuardianVerifySerializer,
        responses=SubjectOutputSerializer, parameters=[ACCESS_REASON_HEADER],
        description="The guardian's authority was checked (birth certificate, court decision); 409 when the "
                    "customer has no guardian.",
    )
    @idempotent
    def post(self, request, pk):
        data = validated_body(GuardianVerifySerializer, request)
        shown = write_disclosure(request)
        subject = services.subject_guardian_verify(
            actor=actor_for_user(request.user), subject_id=pk, evidence=data["evidence"],
            document=data["document"], viewed=shown.viewed_in_answer("api.verify_guardian"),
        )
        return Response(subject_answer(request, subject, shown))


class NationalIdShareView(generics.GenericAPIView):
    """The DPO lets a second customer number carry this customer's citizen ID."""

    required_permissions = {"POST": "subjects.share_national_id"}
    required_scopes = {"POST": "subjects:write"}
    serializer_class = NationalIdShareOutputSerializer
    queryset = DataSubject.objects.none()

    @extend_schema(
        operation_id="subject_share_national_id", request=NationalIdShareSerializer,
        responses={201: NationalIdShareOutputSerializer},
        description="After it, a customer created (or rectified) under `external_ref` may carry this "
                    "customer's citizen ID and passport; without it that is a 409 `duplicate_national_id` "
                    "(`duplicate_passport_number`).",
    )
    def post(self, request, pk):
        data = validated_body(NationalIdShareSerializer, request)
        share = services.subject_national_id_share(
            actor=actor_for_user(request.user), subject_id=pk, **data
        )
        return Response(NationalIdShareOutputSerializer(share).data, status=status.HTTP_201_CREATED)


class CustomerNumberChangeView(generics.GenericAPIView):
    """The DPO moves a customer to the customer number core banking now uses for them."""

    required_permissions = {"POST": "subjects.change_customer_number"}
    required_scopes = {"POST": "subjects:write"}
    serializer_class = SubjectOutputSerializer
    queryset = DataSubject.objects.none()

    @extend_schema(
        operation_id="subject_change_customer_number", request=CustomerNumberChangeSerializer,
        responses={200: SubjectOutputSerializer},
        description="Consents, requests and authorisations stay with the customer; receipts keep naming the "
                    "number they were issued under; `consent-check/` answers the former number with 404 "
                    "`customer_number_changed` and the new `external_ref`. 409 `customer_number_taken` "
                    "when another record carries the number (two records of one person are a merge); 409 "
                    "`customer_number_changed` naming the number in use when another record was "
                    "renumbered away from it (its former number).",
    )
    @idempotent
    def post(self, request, pk):
        data = validated_body(CustomerNumberChangeSerializer, request)
        subject = subject_number_change(actor=actor_for_user(request.user), subject_id=pk, **data)
        return Response(subject_answer(request, subject))
