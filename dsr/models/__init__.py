"""Data-subject requests, their clocks and history, the systems inventory and fulfilment records."""

from dsr.models.contact import ContactChange, ContactChangeStatus, ContactField
from dsr.models.fulfilment import DeletionRecord, FulfilmentTask, LegalHold, RequestExport, TaskStatus
from dsr.models.inventory import DataCategory, RetentionLaw, RetentionRule, RetentionStart, System
from dsr.models.requests import (
    STAFF_IDENTITY_METHODS,
    Channel,
    ClockEvent,
    DataSubjectRequest,
    IdentityMethod,
    OutcomeReason,
    RequestClockEvent,
    RequestStatusChange,
)

__all__ = [
    "Channel",
    "ClockEvent",
    "ContactChange",
    "ContactChangeStatus",
    "ContactField",
    "DataCategory",
    "DataSubjectRequest",
    "DeletionRecord",
    "FulfilmentTask",
    "IdentityMethod",
    "LegalHold",
    "OutcomeReason",
    "RequestClockEvent",
    "RequestExport",
    "RequestStatusChange",
    "RetentionLaw",
    "RetentionRule",
    "RetentionStart",
    "STAFF_IDENTITY_METHODS",
    "System",
    "TaskStatus",
]
