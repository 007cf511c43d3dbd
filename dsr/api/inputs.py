"""What the requests API takes: input serializers validate only; services write."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.inputs import MomentField
from deadlines.models import RequestType
from dsr.models import STAFF_IDENTITY_METHODS, Channel, IdentityDocument, OutcomeReason
from dsr.services import MAX_REPLY_LENGTH
from dsr.states import LiftReason, RequestStatus


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
        # Blank and null reach the service, which says per field what an empty value means.
        child=serializers.CharField(allow_blank=True, allow_null=True, max_length=500),
        required=False,
        help_text="Rectification only: field → corrected value. `null` removes a wrong e-mail, phone or "
        "passport number; a blank value is refused (400), as is emptying a field the record must hold.",
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
    representative_id_number = serializers.CharField(
        max_length=30, required=False, allow_blank=True,
        help_text="Staff only, optional: the citizen ID or passport number of the adult customer's "
        "representative on record who files the request for them. 400 unless their authority covers "
        "requests at the time of receipt.",
    )
    received_at = MomentField(
        required=False,
        help_text="Staff only: when the bank received the request, if earlier than it is recorded (a paper "
        "form typed in later); both clocks start then. Not in the future, at most 30 days back (local "
        "days). Without it the request is received now; from a customer or an integration client it "
        "is refused (400).",
    )
    received_by = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="Staff only: the other bank that received the request, for one a transferred portfolio "
        "(a merger, an acquisition) brings over, with `received_at` the day it received it, however long "
        "ago: the clocks keep running from that day.",
    )
    extended_until = serializers.DateField(
        required=False,
        help_text="Staff only, with `received_by`: the day the other bank already extended the request to "
        "(its one extension under Law 91 used there): both deadlines end with that day, no later than the "
        "law allows, and this bank cannot extend it again (409 `already_extended`).",
    )
    extension_note = serializers.CharField(
        max_length=1000, required=False, allow_blank=True,
        help_text="With `extended_until`: the reason the other bank gave the customer for the extension.",
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
    customer_present = serializers.BooleanField(
        required=False,
        default=False,
        help_text="branch_documents on a request not received at a branch (call centre, paper form, online): "
        "true once the customer came to a branch and the original document was seen; without it 400 on "
        "`customer_present`: verify such a request by otp_phone or ekyc.",
    )
    seen_at_branch = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="With `customer_present`: the branch where the original was seen, and who saw it.",
    )


class OverdueReasonSerializer(serializers.Serializer):
    overdue_reason = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="Why the request is late; required to close a request flagged overdue.",
    )


class ReasonSerializer(OverdueReasonSerializer):
    reason = serializers.ChoiceField(choices=OutcomeReason.choices, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CompleteSerializer(ReasonSerializer):
    partial = serializers.BooleanField(required=False, default=False)


class TransitionSerializer(ReasonSerializer):
    status = serializers.ChoiceField(choices=RequestStatus.choices)


class LiftSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=LiftReason.choices,
        help_text="Why the restriction or objection is lifted; the customer is told.",
    )
    note = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="The explanation the customer reads; required when `reason` is `other`.",
    )


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
