from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Sign-in and page access: passwords with lock-out, the staff second factor, access decorators."""

    name = "accounts"
    verbose_name = _("Sign-in and access")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core.checks import register as register_check

        from accounts.checks import superuser_not_dpo_check
        from accounts.navigation import access_review_cards
        from accounts.sessions import session_started
        from audit.actions import CONFIGURATION, register_actions
        from core.navigation import MenuItem, register_dashboard_cards, register_menu
        from core.roles import Role, grant_permissions

        # What an auditor testing change management reads as configuration changes (the trail's kind).
        register_actions({
            "core.user.created": _("Login created"),
            "core.user.role_changed": _("Role granted or removed"),
        }, category=CONFIGURATION)
        register_actions({
            "core.otp.enrolled": _("Staff member set up two-factor sign-in"),
            "core.otp.reset": _("Staff member's two-factor sign-in reset by the DPO"),
            "core.account.unlocked": _("Locked sign-in unlocked by the DPO"),
            "core.sign_in_log.purged": _("Old sign-ins removed from the sign-in log"),
            "core.session.purged": _("Expired browser sessions deleted"),
        })
        # The DPO looks after staff sign-in: unlocks lock-outs, resets a lost authenticator.
        grant_permissions(Role.DPO, "axes.view_accessattempt", "axes.delete_accessattempt",
                          "otp_totp.delete_totpdevice")
        # The DPO grants and removes staff roles (Portal → Staff roles); every change is audited.
        grant_permissions(Role.DPO, "auth.view_user", "auth.change_user")
        register_menu(
            MenuItem("portal", "accounts:sign_in_security", _("Sign-in security"), icon="lock", order=95,
                     permission="axes.view_accessattempt", group="admin"),
            MenuItem("portal", "accounts:users", _("Staff roles"), icon="users", order=97,
                     permission="auth.change_user", group="admin"),
        )
        # A new session's clocks (idle and age) start at sign-in (accounts/sessions.py).
        user_logged_in.connect(session_started, dispatch_uid="accounts.session_started")
        register_check(superuser_not_dpo_check)
        register_dashboard_cards(access_review_cards, area="portal")
