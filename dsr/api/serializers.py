"""What the requests API answers: requests, their history, tasks and holds (inputs: `dsr.api.inputs`)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from core.actors import actor_for_user
from core.api.actions import ActingRight, AllowedActionsField, caller_allowed_actions
from core.roles import Role, is_staff_user, user_role
from dsr.models import (
    DataSubjectRequest,
    FulfilmentTask,
    LegalHold,
    OutcomeReason,
    RequestClockEvent,
    RequestExport,
    RequestStatusChange,
)
from dsr.selectors import (
    identity_methods_recordable,
    request_allowed_actions,
    request_corrections,
    request_not_covered,
    request_refusal_reasons,
    restriction_lifted_by_cancel,
    task_allowed_actions,
)
from dsr.states import OPEN, RequestStatus, TaskStatus
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


def _shown(context) -> Disclosure:
    """What the caller sees of the customer's free text (the view's `disclosure`; masked without one)."""
    return context.get("disclosure") or Disclosure(revealed=False)


def _names_staff(context) -> bool:
    """Whether the caller reads staff members' logins: the bank's staff do. A customer and an integration
    client (the app that filed the request, core banking) read who acted by kind: which colleague
    worked a request is the bank's internal fact, not theirs to hold (Law 91/2025, data minimisation)."""
    request = context.get("request")
    return request is not None and not context.get("customer") and is_staff_user(request.user)


def _is_client(context) -> bool:
    request = context.get("request")
    return request is not None and not context.get("customer") and user_role(request.user) == Role.CLIENT


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
        return obj.actor_label if _names_staff(self.context) else obj.actor_kind

    def get_note(self, obj) -> str:
        return _shown(self.context).text(obj.note) if obj.is_customer_reply else obj.note


class ClockEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestClockEvent
        fields = ["kind", "at", "due_at", "statutory_due_at", "statutory_regime"]


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
    due_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="The erase task of an ended legal hold: the deadline to confirm the erasure, by the "
        "deadline policy for a deletion. Null on a request's own tasks, which the request's deadlines cover.",
    )
    overdue = serializers.SerializerMethodField(
        help_text="True while the task is open past `due_at`; false for a task without a deadline."
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
            "due_at",
            "overdue",
        ]

    def get_overdue(self, obj) -> bool:
        return obj.status == TaskStatus.OPEN and obj.is_overdue(self.context.get("now", timezone.now()))


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
    repeat_of = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The id of the customer's request, open when this one came in, that asks the same thing "
        "(same type, purposes, corrections or complaint): this one repeats it. Null otherwise.",
    )
    challenges = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="For a complaint about an answer: the id of the customer's request whose answer it "
        "challenges. Null otherwise.",
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
            "received_by",
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
            "repeat_of",
            "challenges",
        ]

    def get_assignee(self, obj) -> str | None:
        if not _names_staff(self.context) or obj.assignee_id is None:
            return None
        return obj.assignee.get_username()

    def get_outcome_reason_label(self, obj) -> str:
        return str(OutcomeReason(obj.outcome_reason).label) if obj.outcome_reason else ""

    def get_overdue(self, obj) -> bool:
        return obj.status in OPEN and obj.is_overdue(self.context.get("now", timezone.now()))


# The closing actions that take a legal reason, and the status whose reasons they offer.
CLOSING_ANSWERS = {"complete": RequestStatus.PARTIALLY_COMPLETED, "reject": RequestStatus.REJECTED}


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
        "acknowledge, verify, pause, resume, approve, extend, complete, reject, lift, cancel (a token "
        "also needs the `requests:work` scope). The customer: reply (`reply/`) while the bank waits for "
        "their answer, and cancel. Empty for a closed request."
    )
    identity_verified_by = serializers.SerializerMethodField(
        help_text="Who checked the requester: staff read the login; the customer reads `staff`, or "
        "`customer` for the code they typed themself. Empty until verified."
    )
    identity_methods = serializers.SerializerMethodField(
        help_text="When `verify` is allowed: the methods the caller may record with it (`method`); the "
        "staff member who took the request in records no `ekyc` reference for it. Empty otherwise."
    )
    cancel_lifts = serializers.SerializerMethodField(
        help_text="What cancelling would lift, when `cancel` is allowed: the names of the purposes the "
        "request's restriction or objection in force covers (the bank and the partners told to stop may "
        "use the data again). Empty when nothing it asked for is in force."
    )
    refusal_reasons = serializers.SerializerMethodField(
        help_text="The legal reasons (`reason`) that fit each closing action the caller may take now: "
        "`reject`, and `complete` with `partial` true (a partial answer's reason). Another reason is "
        "refused with 400 on `reason`."
    )

    class Meta(RequestOutputSerializer.Meta):
        fields = [
            *RequestOutputSerializer.Meta.fields,
            "details",
            "identity_method",
            "identity_document_type",
            "identity_document_masked",
            "identity_seen_at_branch",
            "identity_reference",
            "identity_verified_by",
            "identity_methods",
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
            "refusal_reasons",
            "cancel_lifts",
        ]

    def get_refusal_reasons(self, obj) -> dict[str, list[str]]:
        allowed = self.get_allowed_actions(obj)
        return {
            action: request_refusal_reasons(obj, to=answer, now=self.context["now"])
            for action, answer in CLOSING_ANSWERS.items()
            if action in allowed
        }

    def get_identity_verified_by(self, obj) -> str:
        checker = obj.identity_verified_by
        if checker is None:
            return ""
        if not _names_staff(self.context):
            return "customer" if user_role(checker) == Role.CUSTOMER else "staff"
        return checker.get_username()

    def get_identity_methods(self, obj) -> list[str]:
        if "verify" not in self.get_allowed_actions(obj):
            return []
        return identity_methods_recordable(obj, actor_for_user(self.context["request"].user))

    def get_cancel_lifts(self, obj) -> list[str]:
        return restriction_lifted_by_cancel(obj) if "cancel" in self.get_allowed_actions(obj) else []

    def get_allowed_actions(self, obj) -> list[str]:
        # Asked again by `get_refusal_reasons`: computed once per request shown.
        known = self.__dict__.setdefault("_allowed_by_request", {})
        if obj.pk not in known:
            request, now = self.context["request"], self.context["now"]
            # The request selector reads the person's own rights (approving a deletion, working their
            # branch's requests), so it takes the user rather than the actor.
            known[obj.pk] = caller_allowed_actions(
                request, obj, right=REQUEST_WORK_RIGHT,
                selector=lambda found, _actor: request_allowed_actions(found, request.user, now=now),
            )
        return known[obj.pk]

    def get_masked(self, obj) -> bool:
        return not _shown(self.context).revealed

    def get_corrections(self, obj) -> dict[str, str]:
        shown = _shown(self.context)
        return {field: shown.text(value) for field, value in request_corrections(obj).items()}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["details"] = _shown(self.context).text(data["details"])
        if _is_client(self.context):
            # The branch and teller who saw the papers: the customer knows where they went; a client has
            # no use for it.
            data["identity_seen_at_branch"] = ""
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
