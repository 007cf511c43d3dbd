"""Input and output shapes for requests and tasks. Input serializers validate only; services write."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.actions import ActingRight, AllowedActionsField, caller_allowed_actions
from deadlines.models import RequestType
from dsr.models import (
    STAFF_IDENTITY_METHODS,
    Channel,
    DataSubjectRequest,
    FulfilmentTask,
    IdentityDocument,
    LegalHold,
    OutcomeReason,
    RequestClockEvent,
    RequestExport,
    RequestStatusChange,
)
from dsr.selectors import (
    request_allowed_actions,
    request_corrections,
    request_not_covered,
    task_allowed_actions,
)
from dsr.services import MAX_REPLY_LENGTH
from dsr.states import OPEN, RequestStatus
from subjects.disclosure import Disclosure

# Who completes a fulfilment task through the API (staff, or the system's integration client).
TASK_COMPLETE_RIGHT = ActingRight("dsr.change_fulfilmenttask", "requests:tasks")
# What a customer's token needs to file, cancel or answer their own request (staff work is `requests:work`).
CUSTOMER_REQUEST_SCOPE = "requests:write"
# Who acts on a request through the API: staff with a token that may work requests (acknowledge,
# verify, pause, complete...), and the customer on their own request (cancel, reply).
REQUEST_WORK_RIGHT = ActingRight(
    "dsr.work_request", "requests:work", customers=True, customer_scope=CUSTOMER_REQUEST_SCOPE
)


class RequestCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(
        max_length=64,
        required=False,
        help_text="The customer's CIF (external_ref). A customer may omit it, or name a "
        "ward they are the verified guardian of.",
    )
    type = serializers.ChoiceField(choices=RequestType.choices)
    details = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text="How the request reached the bank. Staff tokens: branch, call_centre or paper_form, "
        "required (what a person at the bank witnessed). A customer's token: internet_banking, mobile_app "
        "or api. Without it, api (a customer's or an integration client's token).",
    )
    corrections = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=500),
        required=False,
        help_text="Rectification only: field → corrected value.",
    )
    purposes = serializers.ListField(
        child=serializers.CharField(max_length=50),
        required=False,
        max_length=50,
        help_text="Restriction, objection, withdrawal: purpose codes (empty: all).",
    )
    guardian = serializers.CharField(
        max_length=64, required=False, help_text="Staff only: CIF of the guardian acting for a child."
    )
    received_at = serializers.DateTimeField(
        required=False,
        help_text="Staff only: when the bank received the request, if earlier than it is recorded (a paper "
        "form typed in later); both clocks start then. Not in the future, at most 30 days back (local "
        "days). Without it the request is received now; from a customer or an integration client it "
        "is refused (400).",
    )


class VerifyIdentitySerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=STAFF_IDENTITY_METHODS)
    reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="eKYC: the session reference."
    )
    document_type = serializers.ChoiceField(
        choices=IdentityDocument.choices, required=False, default=IdentityDocument.CCCD
    )
    document_number = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="branch_documents: the number on the document, checked against the customer record.",
    )
    otp_code = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="otp_phone: the code sent by send-identity-code/ to the registered phone.",
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=OutcomeReason.choices, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    overdue_reason = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="Why the request is late; required to close a request flagged overdue.",
    )


class CompleteSerializer(ReasonSerializer):
    partial = serializers.BooleanField(required=False, default=False)


class TransitionSerializer(ReasonSerializer):
    status = serializers.ChoiceField(choices=RequestStatus.choices)


class AssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(allow_null=True, help_text="A staff user id, or null to unassign.")


class ExtendSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class CustomerReplySerializer(serializers.Serializer):
    # Checked by the service as on the customer page: required once stripped, at most MAX_REPLY_LENGTH.
    text = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        error_messages={"required": _("Write your answer to the bank's question.")},
        help_text=f"The customer's answer to the question the bank asked (the note of the request's "
        f"last move to `awaiting_customer`), at most {MAX_REPLY_LENGTH} characters.",
    )


class TaskCompleteSerializer(serializers.Serializer):
    result = serializers.JSONField(required=False, help_text="What the system returned, as a JSON object.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    evidence = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Where the proof is kept (ticket, file, log id).",
    )


def _shown(context) -> Disclosure:
    """What the caller sees of the customer's free text (the view's `disclosure`; masked without one)."""
    return context.get("disclosure") or Disclosure(revealed=False)


class StatusChangeSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField(
        help_text="The note of the move. The customer's answer to the bank's question (the customer's "
        "move from awaiting_customer) is the customer's words, masked like `details`."
    )

    class Meta:
        model = RequestStatusChange
        fields = ["old_status", "new_status", "at", "reason", "note", "actor"]

    def get_actor(self, obj) -> str:
        # Customers see who acted by kind; staff see the login (an internal detail).
        return obj.actor_kind if self.context.get("customer") else obj.actor_label

    def get_note(self, obj) -> str:
        return _shown(self.context).text(obj.note) if obj.is_customer_reply else obj.note


class ClockEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestClockEvent
        fields = ["kind", "at", "due_at", "statutory_due_at"]


class TaskSerializer(serializers.ModelSerializer):
    system = serializers.CharField(source="system.code")
    system_name = serializers.CharField(source="system.name")
    request = serializers.UUIDField(source="request_id")
    allowed_actions = AllowedActionsField(
        task_allowed_actions,
        right=TASK_COMPLETE_RIGHT,
        help_text="What the caller may do with the task now, as the request page offers it: complete "
        "(an integration client only its own systems' tasks, while the request is being worked). Empty for "
        "a reader, a token without `requests:tasks` and a finished task.",
    )

    class Meta:
        model = FulfilmentTask
        fields = [
            "id",
            "request",
            "system",
            "system_name",
            "status",
            "instructions",
            "created_at",
            "completed_at",
            "note",
            "evidence",
            "allowed_actions",
        ]


class ClientTaskSerializer(TaskSerializer):
    """What a system needs to act: which request type for which customer."""

    type = serializers.CharField(source="request.type")
    subject = serializers.CharField(source="request.subject.external_ref")

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "type", "subject"]


class HoldSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name", help_text="In the caller's language.")
    system = serializers.CharField(source="system.name", help_text="In the caller's language.")
    reason = serializers.CharField(
        read_only=True,
        help_text="Why it is kept (the retention rule's name when the hold was placed), in the caller's "
        "language; Vietnamese when the hold has no English.",
    )
    legal_reference = serializers.CharField(read_only=True, help_text="In the caller's language.")

    class Meta:
        model = LegalHold
        fields = [
            "category",
            "system",
            "reason",
            "legal_reference",
            "reason_vi",
            "reason_en",
            "legal_reference_vi",
            "legal_reference_en",
            "ends_on",
            "released_at",
        ]


class RequestOutputSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.external_ref")
    assignee = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    outcome_reason_label = serializers.SerializerMethodField()
    answer_by = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="The earlier of due_at and statutory_due_at: the date customers are told. While the bank's "
        "clock stands still awaiting the customer (paused before due_at), statutory_due_at alone; null "
        "when every clock stands still.",
    )
    reference = serializers.CharField(
        read_only=True,
        help_text="The reference the customer is given and quotes (e.g. YC-261202-CDE639); "
        "staff find the request by it.",
    )

    class Meta:
        model = DataSubjectRequest
        fields = [
            "id",
            "reference",
            "subject",
            "type",
            "status",
            "channel",
            "purposes",
            "received_at",
            "acknowledged_at",
            "acknowledge_by",
            "due_at",
            "statutory_due_at",
            "statutory_regime",
            "answer_by",
            "paused_at",
            "extended_at",
            "approved_at",
            "assignee",
            "identity_verified_at",
            "withdrawal_applied_at",
            "outcome_reason",
            "outcome_reason_label",
            "closed_at",
            "overdue",
        ]

    def get_assignee(self, obj) -> str | None:
        if self.context.get("customer") or obj.assignee_id is None:
            return None
        return obj.assignee.get_username()

    def get_outcome_reason_label(self, obj) -> str:
        return str(OutcomeReason(obj.outcome_reason).label) if obj.outcome_reason else ""

    def get_overdue(self, obj) -> bool:
        return obj.status in OPEN and obj.is_overdue(self.context.get("now", timezone.now()))


class RequestDetailSerializer(RequestOutputSerializer):
    history = StatusChangeSerializer(source="status_changes", many=True)
    clock_events = ClockEventSerializer(many=True)
    tasks = TaskSerializer(many=True)
    legal_holds = HoldSerializer(many=True)
    export = serializers.SerializerMethodField()
    not_covered = serializers.SerializerMethodField(
        help_text="Restriction or objection: the purposes it leaves alone, each with its legal reason."
    )
    corrections = serializers.SerializerMethodField(
        help_text="Rectification: the corrected values, field → value; masked like `details`."
    )
    masked = serializers.SerializerMethodField(
        help_text="True when `details` and `corrections` are masked: staff give `X-Access-Reason` to see "
        "them, integration clients need the `subjects:pii` scope (need to know)."
    )
    allowed_actions = serializers.SerializerMethodField(
        help_text="The actions the caller's account may take now, as the pages offer them. Staff: "
        "acknowledge, verify, pause, resume, approve, extend, complete, reject, lift (a token also needs "
        "the `requests:work` scope). The customer: reply (`reply/`) while the bank waits for their "
        "answer. Empty for a closed request."
    )

    class Meta(RequestOutputSerializer.Meta):
        fields = [
            *RequestOutputSerializer.Meta.fields,
            "details",
            "identity_method",
            "identity_document_type",
            "identity_document_masked",
            "outcome_note",
            "extension_note",
            "history",
            "clock_events",
            "tasks",
            "legal_holds",
            "export",
            "not_covered",
            "corrections",
            "masked",
            "allowed_actions",
        ]

    def get_allowed_actions(self, obj) -> list[str]:
        request, now = self.context["request"], self.context["now"]
        # The request selector reads the person's own rights (approving a deletion, working their
        # branch's requests), so it takes the user rather than the actor.
        return caller_allowed_actions(
            request, obj, right=REQUEST_WORK_RIGHT,
            selector=lambda found, _actor: request_allowed_actions(found, request.user, now=now),
        )

    def get_masked(self, obj) -> bool:
        return not _shown(self.context).revealed

    def get_corrections(self, obj) -> dict[str, str]:
        shown = _shown(self.context)
        return {field: shown.text(value) for field, value in request_corrections(obj).items()}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["details"] = _shown(self.context).text(data["details"])
        return data

    def get_not_covered(self, obj) -> list[dict[str, str]]:
        return request_not_covered(obj)

    def get_export(self, obj) -> dict | None:
        try:
            export = obj.export
        except RequestExport.DoesNotExist:
            return None
        return {
            "created_at": export.created_at,
            "expires_at": export.expires_at,
            "downloads": export.downloads,
        }
