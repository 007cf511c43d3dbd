"""Writes of the requests area, split by sub-domain; import from here."""

from dsr.services.disclosures import authority_disclosure_record
from dsr.services.disputes import dispute_hold_lift, dispute_hold_record
from dsr.services.exports import export_download, exports_purge_expired, request_results_purge_expired
from dsr.services.fulfilment import request_restriction_lift
from dsr.services.identity import request_identity_otp_send, request_verify_identity
from dsr.services.identity_self import (
    request_identity_code_send_by_customer,
    request_verify_identity_by_customer,
)
from dsr.services.in_force import withdrawal_pauses_revoke, withdrawals_catch_up
from dsr.services.intake import request_create
from dsr.services.receipt_times import received_on_moment
from dsr.services.repeats import Repeat
from dsr.services.reporting import request_queue_export_record
from dsr.services.requests import (
    MAX_REPLY_LENGTH,
    request_acknowledge,
    request_approve,
    request_assign,
    request_cancel,
    request_complete,
    request_customer_reply,
    request_extend,
    request_overdue_reason_record,
    request_reject,
    request_transition,
)
from dsr.services.tasks import legal_holds_release_due, task_complete

__all__ = [
    "authority_disclosure_record",
    "dispute_hold_lift",
    "dispute_hold_record",
    "MAX_REPLY_LENGTH",
    "Repeat",
    "export_download",
    "exports_purge_expired",
    "legal_holds_release_due",
    "received_on_moment",
    "request_acknowledge",
    "request_approve",
    "request_assign",
    "request_cancel",
    "request_complete",
    "request_create",
    "request_customer_reply",
    "request_extend",
    "request_identity_code_send_by_customer",
    "request_identity_otp_send",
    "request_overdue_reason_record",
    "request_queue_export_record",
    "request_reject",
    "request_results_purge_expired",
    "request_restriction_lift",
    "request_transition",
    "request_verify_identity",
    "request_verify_identity_by_customer",
    "task_complete",
    "withdrawal_pauses_revoke",
    "withdrawals_catch_up",
]
