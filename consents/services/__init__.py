"""Writes of the consents app, split by sub-domain; import from here."""

from consents.services.campaign_checks import CampaignAnswer, campaign_changes_check, campaign_list_check
from consents.services.catalogue import (
    purpose_create,
    purpose_scopes_refresh,
    purpose_update,
)
from consents.services.child_stops import consents_stop_outgrown
from consents.services.duties import duty_acknowledge
from consents.services.duty_evidence import duty_notes_erase
from consents.services.duty_lateness import duty_late_reason_record
from consents.services.duty_reminders import REMINDERS_PER_RUN, duties_remind_recipients
from consents.services.feed_reads import FeedAnswer, FeedApplied, consent_feed_applied, consent_feed_read
from consents.services.grants import consent_grant, consent_grant_in_transaction
from consents.services.import_file import text_lines
from consents.services.imports import (
    consent_import_run,
    consent_import_start,
    consents_import_csv,
    consents_import_upload,
)
from consents.services.notice_history import notice_record_historical
from consents.services.notices import (
    notice_earliest_effective,
    notice_publish,
    purpose_versions_apply_due,
)
from consents.services.recipients import (
    recipient_contact_set,
    recipient_create,
    recipient_end,
    recipient_rename_en,
)
from consents.services.records import consent_transition, consents_expire_due
from consents.services.refusals import (
    FormAnswer,
    consent_form_record,
    consent_refuse,
    consent_refuse_in_transaction,
)
from consents.services.request_duties import (
    duties_open_for_erasure,
    restriction_recipients_catch_up,
    restriction_stops_lock,
)
from consents.services.restrictions import (
    restrictions_apply,
    restrictions_apply_in_transaction,
    restrictions_lift,
    restrictions_lift_in_transaction,
)
from consents.services.rules import GrantRequest, purpose_offered_to_ward
from consents.services.scope_stops import scope_stops_run, scope_stops_run_queued
from consents.services.told import reason_told, refusal_told
from consents.services.voids import consent_void, consent_void_notes_erase
from consents.services.who_answered import WhoAnswered
from consents.services.withdrawals import (
    consent_reasons_erase,
    consent_withdraw,
    consent_withdraw_in_transaction,
    consents_withdraw_for_subject,
    consents_withdraw_for_subject_in_transaction,
)

__all__ = [
    "CampaignAnswer",
    "campaign_changes_check",
    "FeedAnswer",
    "FeedApplied",
    "consent_feed_applied",
    "consent_feed_read",
    "campaign_list_check",
    "reason_told",
    "refusal_told",
    "scope_stops_run",
    "scope_stops_run_queued",
    "FormAnswer",
    "GrantRequest",
    "WhoAnswered",
    "consent_form_record",
    "consent_refuse",
    "consent_refuse_in_transaction",
    "consent_grant",
    "consent_grant_in_transaction",
    "consent_transition",
    "consent_void",
    "consent_void_notes_erase",
    "consent_reasons_erase",
    "consent_withdraw",
    "consent_withdraw_in_transaction",
    "consents_expire_due",
    "consents_stop_outgrown",
    "purpose_offered_to_ward",
    "consents_import_csv",
    "consent_import_run",
    "consent_import_start",
    "consents_import_upload",
    "text_lines",
    "consents_withdraw_for_subject",
    "consents_withdraw_for_subject_in_transaction",
    "duty_acknowledge",
    "duty_late_reason_record",
    "duties_remind_recipients",
    "REMINDERS_PER_RUN",
    "duty_notes_erase",
    "duties_open_for_erasure",
    "restriction_recipients_catch_up",
    "notice_earliest_effective",
    "notice_publish",
    "notice_record_historical",
    "purpose_create",
    "purpose_scopes_refresh",
    "purpose_update",
    "purpose_versions_apply_due",
    "recipient_create",
    "recipient_contact_set",
    "recipient_end",
    "recipient_rename_en",
    "restrictions_apply",
    "restriction_stops_lock",
    "restrictions_lift",
    "restrictions_apply_in_transaction",
    "restrictions_lift_in_transaction",
]
