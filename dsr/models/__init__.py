"""Data-subject requests, their clocks and history, the systems inventory and fulfilment records."""

from dsr.models.clocks import ClockEvent, RequestClockEvent
from dsr.models.contact import ContactChange, ContactChangeStatus, ContactField
from dsr.models.disclosures import AuthorityDisclosure, AuthorityKind
from dsr.models.disputes import DisputeHold
from dsr.models.fulfilment import (
    LIVE_SYSTEM_TASK,
    DeletionRecord,
    FulfilmentTask,
    FulfilmentTaskStatusChange,
    LegalHold,
    RequestExport,
    RestrictionLift,
    TaskStatus,
)
from dsr.models.history import RequestStatusChange
from dsr.models.inventory import (
    DataCategory,
    PlatformData,
    RetentionLaw,
    RetentionRule,
    RetentionStart,
    System,
)
from dsr.models.requests import (
    ANSWER_BY,
    CLOSED_LATE_Q,
    CORRECTION_TYPES,
    COUNTED_FOR_RATES,
    CUSTOMER_IDENTITY_METHODS,
    PURPOSE_TYPES,
    STAFF_IDENTITY_METHODS,
    Channel,
    DataSubjectRequest,
    IdentityDocument,
    IdentityMethod,
    OutcomeReason,
    binding_due_at,
    request_reference,
)

__all__ = [
    "AuthorityDisclosure",
    "AuthorityKind",
    "DisputeHold",
    "ANSWER_BY",
    "CLOSED_LATE_Q",
    "COUNTED_FOR_RATES",
    "binding_due_at",
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
    "LIVE_SYSTEM_TASK",
    "FulfilmentTaskStatusChange",
    "IdentityDocument",
    "IdentityMethod",
    "LegalHold",
    "OutcomeReason",
    "PlatformData",
    "RequestClockEvent",
    "RequestExport",
    "RestrictionLift",
    "RequestStatusChange",
    "RetentionLaw",
    "RetentionRule",
    "RetentionStart",
    "CUSTOMER_IDENTITY_METHODS",
    "STAFF_IDENTITY_METHODS",
    "System",
    "TaskStatus",
]
