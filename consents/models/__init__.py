"""Purposes, notices, recipients, consent records, restrictions and withdrawal duties, split by
sub-domain; import from here (Django finds every model through this module)."""

from consents.models.catalogue import (
    SENSITIVE_DATA_CATEGORIES,
    AnnouncementStatusChange,
    DataCategory,
    LegalBasis,
    NoticeAnnouncement,
    NoticeVersion,
    Purpose,
    PurposeCategory,
    Recipient,
    TransferExemption,
)
from consents.models.records import (
    NEVER_IN_FORCE,
    REASON_ERASED,
    SELF_SERVICE_CHANNELS,
    WITNESSED_CHANNELS,
    Channel,
    Consent,
    ConsentEvent,
    ConsentImport,
    ConsentState,
    ConsentStatus,
    ProcessingRestriction,
    VoidReason,
    ends_at,
)
from consents.models.withdrawals import WithdrawalDuty, WithdrawalDutyStatusChange

__all__ = [
    "NEVER_IN_FORCE",
    "REASON_ERASED",
    "SELF_SERVICE_CHANNELS",
    "WITNESSED_CHANNELS",
    "AnnouncementStatusChange",
    "Channel",
    "Consent",
    "ConsentEvent",
    "ConsentImport",
    "ConsentState",
    "ConsentStatus",
    "DataCategory",
    "LegalBasis",
    "NoticeAnnouncement",
    "NoticeVersion",
    "ProcessingRestriction",
    "Purpose",
    "PurposeCategory",
    "Recipient",
    "SENSITIVE_DATA_CATEGORIES",
    "TransferExemption",
    "VoidReason",
    "WithdrawalDuty",
    "WithdrawalDutyStatusChange",
    "ends_at",
]
