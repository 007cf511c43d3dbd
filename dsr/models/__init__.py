"""Data-subject requests, their clocks and history, the systems inventory and fulfilment records."""

from dsr.models.contact import ContactChange, ContactChangeStatus, ContactField
from dsr.models.fulfilment import (
    DeletionRecord,
    FulfilmentTask,
    FulfilmentTaskStatusChange,
    LegalHold,
    RequestExport,
    TaskStatus,
)
from dsr.models.inventory import (
    DataCategory,
    PlatformData,
    RetentionLaw,
    RetentionRule,
    RetentionStart,
    System,
)
from dsr.models.requests import (
    CORRECTION_TYPES,
    PURPOSE_TYPES,
    STAFF_IDENTITY_METHODS,
    Channel,
    ClockEvent,
    DataSubjectRequest,
    IdentityDocument,
    IdentityMethod,
    OutcomeReason,
    RequestClockEvent,
    RequestStatusChange,
    request_reference,
)

__all__ = [
    "request_reference",
    "CORRECTION_TYPES",
    "PURPOSE_TYPES",
    "Channel",
    "ClockEvent",
    "ContactChange",
    "ContactChangeStatus",
    "ContactField",
    "DataCategory",
    "DataSubjectRequest",
    "DeletionRecord",
    "FulfilmentTask",
    "FulfilmentTaskStatusChange",
    "IdentityDocument",
    "IdentityMethod",
    "LegalHold",
    "OutcomeReason",
    "PlatformData",
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
