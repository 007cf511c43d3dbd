"""Who may read and write the regulator's records through the API: the permission of the role and
the scope of the token each endpoint asks, and the rights `allowed_actions` is offered under."""

from __future__ import annotations

from core.api.actions import ActingRight

READ_BREACH = "regulator.view_breach"
MANAGE_BREACH = "regulator.manage_breach"
READ_DOSSIER = "regulator.view_dossier"
MANAGE_DOSSIER = "regulator.manage_dossier"
READ_REGULATOR = "regulator.view_regulator"
MANAGE_ANNOUNCEMENT = "regulator.manage_announcement"
# A customer's proof bundle is one of the regulator's documents, for the roles that read them (the DPO
# and the auditor, who also read the audit trail it carries).
READ_PROOF_BUNDLE = READ_REGULATOR
# Token scopes: reading the regulator's records, and every write (breaches, dossiers, announcements).
READ_SCOPE = "regulator:read"
WRITE_SCOPE = "regulator:write"

BREACH_RIGHT = ActingRight(MANAGE_BREACH, WRITE_SCOPE)
DOSSIER_RIGHT = ActingRight(MANAGE_DOSSIER, WRITE_SCOPE)
ANNOUNCEMENT_RIGHT = ActingRight(MANAGE_ANNOUNCEMENT, WRITE_SCOPE)
