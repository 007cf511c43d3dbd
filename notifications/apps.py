from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """One notifier for every customer message: e-mail, SMS or the in-app inbox, by preference."""

    name = "notifications"
    verbose_name = _("Customer notifications")

    def ready(self) -> None:
        from django.core.checks import register as register_check

        from audit.actions import register_actions
        from core.navigation import MenuItem, SubjectPanel, register_menu, register_subject_panel
        from core.roles import Role, grant_permissions
        from integrations.signals import outbox_attempt_finished
        from notifications import checks, selectors, services, views
        from subjects.follow_ups import register_after_rectification

        register_check(checks.default_channels_check)
        outbox_attempt_finished.connect(services.notification_follow_outbox,
                                        dispatch_uid="notifications.follow_outbox")
        # Whoever changes a customer's phone or e-mail, the old one is told (in the rectification's
        # transaction).
        register_after_rectification(services.contact_changed_notify)
        register_actions({
            "notifications.preference.changed": _("Notification channels changed"),
        })
        register_menu(
            MenuItem("me", "notifications:me_inbox", _("Notifications"), icon="inbox", order=80,
                     count=selectors.unread_count_for_user),
        )
        # Staff who answer a customer ("I was never told") see what was sent, on which channel, and
        # whether it arrived.
        for role in (Role.OFFICER, Role.PRIVACY, Role.DPO, Role.AUDITOR):
            grant_permissions(role, "notifications.view_notification")
        register_subject_panel(
            SubjectPanel(
                template="notifications/panel_sent.html",
                context=views.subject_panel_context,
                order=90,
                permission="notifications.view_notification",
            )
        )
