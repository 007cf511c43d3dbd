"""Writes of the authorisations app (`grep authorisation_` finds every action on an authorisation)."""

from authorisations.services.accesses import (
    READ_REFUSALS,
    access_claim,
    access_claim_replay_check,
    access_record,
)
from authorisations.services.clocks import (
    authorisations_expire_due,
    authorisations_notify_expiring,
    authorisations_send_summaries,
)
from authorisations.services.erasure import authorisation_reasons_erase, revoke_reason_is_customers
from authorisations.services.lifecycle import (
    authorisation_code_replayed,
    authorisation_code_spent,
    authorisation_grant,
    authorisation_grantor_check,
    authorisation_pause,
    authorisation_resume,
    authorisation_revoke,
    authorisation_terms_check,
)
from authorisations.services.moves import authorisation_transition
from authorisations.services.registry import (
    Registration,
    SecretRotation,
    third_party_reactivate,
    third_party_register,
    third_party_rotate_secret,
    third_party_suspend,
)
from authorisations.services.rights import (
    authorisations_pause_for_subject_locked,
    authorisations_resume_for_source_locked,
    authorisations_revoke_for_source_locked,
    authorisations_revoke_for_subject_locked,
    authorisations_revoke_for_withdrawal_locked,
)
from authorisations.services.tokens import oauth_tokens_clear_expired
from authorisations.states import covers_third_party_disclosure

__all__ = [
    "READ_REFUSALS",
    "Registration",
    "SecretRotation",
    "access_claim",
    "access_claim_replay_check",
    "access_record",
    "authorisation_code_replayed",
    "authorisation_code_spent",
    "authorisation_grant",
    "authorisation_grantor_check",
    "authorisation_pause",
    "authorisation_reasons_erase",
    "revoke_reason_is_customers",
    "authorisation_resume",
    "authorisation_revoke",
    "authorisation_terms_check",
    "authorisation_transition",
    "authorisations_expire_due",
    "oauth_tokens_clear_expired",
    "authorisations_notify_expiring",
    "authorisations_pause_for_subject_locked",
    "authorisations_resume_for_source_locked",
    "authorisations_revoke_for_source_locked",
    "authorisations_revoke_for_subject_locked",
    "authorisations_revoke_for_withdrawal_locked",
    "authorisations_send_summaries",
    "covers_third_party_disclosure",
    "third_party_reactivate",
    "third_party_register",
    "third_party_rotate_secret",
    "third_party_suspend",
]
