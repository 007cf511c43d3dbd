"""The authorisations app: third parties customers may authorise (OAuth 2.0 clients), the
authorisations with their receipts, the access log, and the clocks around them."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorisationsConfig(AppConfig):
    name = "authorisations"
    verbose_name = _("Third-party access")

    def ready(self) -> None:
        from audit.actions import CONFIGURATION, register_actions
        from core.roles import Role, grant_permissions

        # What an auditor testing change management reads as configuration changes (the trail's kind).
        register_actions({
            "authorisations.third_party.registered": _("Third party registered"),
            "authorisations.third_party.secret_rotated": _("Third party's client secret replaced"),
        }, category=CONFIGURATION)
        register_actions(
            {
                "authorisations.third_party.suspended": _("Third party suspended"),
                "authorisations.third_party.reactivated": _("Third party reactivated"),
                "authorisations.authorisation.granted": _("Third-party access authorised"),
                "authorisations.authorisation.paused": _("Third-party access paused"),
                "authorisations.authorisation.resumed": _("Third-party access resumed"),
                "authorisations.authorisation.revoked": _("Third-party access revoked"),
                "authorisations.authorisation.expired": _("Third-party access expired"),
                "authorisations.authorisation.used": _("Third-party access used (its one read)"),
                "authorisations.authorisation.expiry_notice_sent": _(
                    "Customer told their third-party access ends soon"
                ),
                "authorisations.summary.sent": _(
                    "Customer sent the summary of their active third-party access"
                ),
                "authorisations.authorisation.code_replayed": _(
                    "Third party's spent authorisation code presented again: its tokens ended"
                ),
                "authorisations.oauth_tokens.purged": _("Expired third-party codes and tokens deleted"),
                "authorisations.access.reported": _("Third-party access to data reported"),
                "authorisations.access.claimed": _("Third-party read allowed and recorded before serving"),
                "authorisations.access.confirmed": _("Claimed third-party read reported after serving"),
            }
        )
        for role in (Role.OFFICER, Role.PRIVACY, Role.DPO, Role.AUDITOR):
            grant_permissions(role, "authorisations.view_thirdparty", "authorisations.view_authorisation")
        for role in (Role.OFFICER, Role.PRIVACY, Role.DPO):
            grant_permissions(role, "authorisations.revoke_authorisation")
        grant_permissions(Role.DPO, "authorisations.manage_thirdparty")
        # The bank's API gateway is an integration client: it introspects tokens and reports accesses
        # (its token also needs the "authorisations:gateway" scope).
        grant_permissions(Role.CLIENT, "authorisations.report_access")
        from authorisations import navigation
        from authorisations.selectors import withdrawal_ends_access_explained
        from authorisations.services.rights import (
            authorisations_revoke_for_child,
            authorisations_revoke_for_life_end,
            authorisations_revoke_for_withdrawal_locked,
        )
        from consents.follow_ups import register_after_withdrawal, register_withdrawal_explained
        from subjects.follow_ups import register_after_rectification

        navigation.register()
        register_after_rectification(authorisations_revoke_for_child)
        register_after_rectification(authorisations_revoke_for_life_end)
        # Withdrawal works through any channel: the consent switch and the API as a request does.
        register_after_withdrawal(authorisations_revoke_for_withdrawal_locked)
        # ... and the customer is told so before they confirm it, with the other consequences.
        register_withdrawal_explained(withdrawal_ends_access_explained)
